from django.urls import path

from audits.evidence import api

app_name = "evidence-api"

AUDIT = "audits/<int:audit_pk>"

urlpatterns = [
    path(f"{AUDIT}/documents/", api.DocumentList.as_view(), name="documents"),
    path(f"{AUDIT}/documents/<int:pk>/", api.DocumentDetail.as_view(), name="document"),
    path(f"{AUDIT}/documents/<int:pk>/file/", api.DocumentFile.as_view(), name="document-file"),
    path(f"{AUDIT}/documents/<int:pk>/assessments/", api.DocumentAssessments.as_view(), name="assessments"),
    path(f"{AUDIT}/interviews/", api.InterviewList.as_view(), name="interviews"),
    path(f"{AUDIT}/interviews/<int:pk>/", api.InterviewDetail.as_view(), name="interview"),
    path(f"{AUDIT}/interviews/<int:pk>/excerpts/", api.ExcerptList.as_view(), name="excerpts"),
    path(f"{AUDIT}/workshops/", api.WorkshopList.as_view(), name="workshops"),
    path(f"{AUDIT}/workshops/<int:pk>/", api.WorkshopDetail.as_view(), name="workshop"),
    path(f"{AUDIT}/workshops/<int:pk>/statements/", api.StatementList.as_view(), name="statements"),
    path(
        f"{AUDIT}/workshops/<int:pk>/statements/<int:statement_pk>/",
        api.StatementDetail.as_view(),
        name="statement",
    ),
    path(f"{AUDIT}/staff/", api.StaffData.as_view(), name="staff"),
    path(f"{AUDIT}/staff/analysis/", api.StaffAnalysis.as_view(), name="staff-analysis"),
    path(f"{AUDIT}/staff/pay-gap/", api.StaffPayGap.as_view(), name="staff-pay-gap"),
    path(f"{AUDIT}/key-areas/<str:code>/evidence/", api.Board.as_view(), name="board"),
    path(f"{AUDIT}/findings/", api.FindingList.as_view(), name="findings"),
    path(f"{AUDIT}/findings/<int:pk>/", api.FindingDetail.as_view(), name="finding"),
]
