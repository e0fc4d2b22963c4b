from django.urls import path

from facilitators import views

app_name = "facilitators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export"),
    path("candidates/new/", views.candidate_create, name="candidate-create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/transition/", views.transition, name="transition"),
    path("candidates/<int:pk>/portfolio/", views.portfolio_submit, name="portfolio-submit"),
    path("candidates/<int:pk>/training/", views.training_result, name="training"),
    path("candidates/<int:pk>/practice/", views.practice_add, name="practice-add"),
    path("candidates/<int:pk>/contribution/", views.contribution_add, name="contribution-add"),
    path("candidates/<int:pk>/decision/", views.decision, name="decision"),
    path("candidates/<int:pk>/attendance.pdf", views.attendance_download, name="attendance-pdf"),
    path("documents/<int:pk>/review/", views.document_review, name="document-review"),
    path("documents/<int:pk>/file/", views.document_file, name="document-file"),
    path("practice/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("me/", views.progress, name="progress"),
    path("me/apply/", views.apply, name="apply"),
    path("me/profile/", views.profile_edit, name="profile"),
    path("certificates/<str:code>/pdf/", views.certificate_download, name="certificate-pdf"),
    path("roster/", views.roster, name="roster"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify-code"),
]
