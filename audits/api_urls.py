from django.urls import path
from rest_framework.routers import DefaultRouter

from audits import api

router = DefaultRouter()
# JSON only: format-suffix routes (/history.json) reached actions that take no `format` and raised.
router.include_format_suffixes = False
router.register("organizations", api.OrganizationViewSet, basename="organization")
router.register("audits", api.AuditViewSet, basename="audit")
router.register("methodology", api.MethodologyViewSet, basename="methodology")
router.register("key-areas", api.KeyAreaViewSet, basename="key-area")

urlpatterns = [
    path(
        "audits/<int:audit_pk>/team/<int:member_pk>/",
        api.TeamMemberView.as_view(),
        name="audit-team-member",
    ),
    *router.urls,
]
