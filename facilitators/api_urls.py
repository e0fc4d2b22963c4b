from django.urls import path
from rest_framework.routers import SimpleRouter

from facilitators import api

router = SimpleRouter()
router.register("facilitators", api.FacilitatorProfileViewSet, basename="facilitator")
router.register("certifications", api.CertificationViewSet, basename="certification")
router.register("practice-records", api.PracticeRecordViewSet, basename="practice-record")

urlpatterns = [
    path(
        "certificates/verify/<str:code>/",
        api.CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
    path("roster/", api.RosterView.as_view(), name="roster"),
    path(
        "portfolio-documents/<int:pk>/review/",
        api.DocumentReviewView.as_view(),
        name="portfolio-document-review",
    ),
    *router.urls,
]
