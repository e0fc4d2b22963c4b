from django.urls import path
from rest_framework.routers import DefaultRouter

from audits import api

router = DefaultRouter()
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
