from django.urls import path

from audits.evidence import views

app_name = "evidence"

AUDIT = "audits/<int:audit_pk>"

urlpatterns = [
    path(f"{AUDIT}/evidence/", views.overview, name="overview"),
    path(f"{AUDIT}/documents/", views.documents, name="documents"),
    path(f"{AUDIT}/documents/<int:pk>/", views.document_detail, name="document"),
    path(f"{AUDIT}/documents/<int:pk>/download/", views.document_download, name="document-download"),
    path(f"{AUDIT}/documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
    path(f"{AUDIT}/interviews/", views.interviews, name="interviews"),
    path(f"{AUDIT}/interviews/new/", views.interview_create, name="interview-create"),
    path(f"{AUDIT}/interviews/<int:pk>/", views.interview_detail, name="interview"),
    path(f"{AUDIT}/interviews/<int:pk>/edit/", views.interview_edit, name="interview-edit"),
    path(f"{AUDIT}/interviews/<int:pk>/delete/", views.interview_delete, name="interview-delete"),
    path(
        f"{AUDIT}/interviews/<int:pk>/excerpts/<int:excerpt_pk>/delete/",
        views.excerpt_delete,
        name="excerpt-delete",
    ),
    path(f"{AUDIT}/workshops/", views.workshops, name="workshops"),
    path(f"{AUDIT}/workshops/<int:pk>/", views.workshop_detail, name="workshop"),
    path(f"{AUDIT}/workshops/<int:pk>/edit/", views.workshop_edit, name="workshop-edit"),
    path(f"{AUDIT}/workshops/<int:pk>/delete/", views.workshop_delete, name="workshop-delete"),
    path(
        f"{AUDIT}/workshops/<int:pk>/statements/<int:statement_pk>/promote/",
        views.statement_promote,
        name="statement-promote",
    ),
    path(
        f"{AUDIT}/workshops/<int:pk>/statements/<int:statement_pk>/delete/",
        views.statement_delete,
        name="statement-delete",
    ),
    path(f"{AUDIT}/staff/", views.staff, name="staff"),
    path(f"{AUDIT}/staff/delete/", views.staff_delete, name="staff-delete"),
    path(f"{AUDIT}/key-areas/<str:code>/board/", views.board, name="board"),
    path(f"{AUDIT}/findings/<int:pk>/delete/", views.finding_delete, name="finding-delete"),
]
