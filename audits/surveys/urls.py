from django.urls import path

from audits.surveys import views

app_name = "surveys"
AUDIT = "audits/<int:audit_pk>/survey/"
urlpatterns = [
    path(AUDIT, views.home, name="home"),
    path(f"{AUDIT}prepare/", views.prepare, name="prepare"),
    path(f"{AUDIT}import/", views.import_xlsform, name="import"),
    path(f"{AUDIT}questionnaire/", views.instrument, name="instrument"),
    path(f"{AUDIT}questionnaire/xlsform/", views.xlsform, name="xlsform"),
    path(f"{AUDIT}questionnaire/restrict/", views.restrict, name="restrict"),
    path(f"{AUDIT}questionnaire/sections/new/", views.section_new, name="section-new"),
    path(f"{AUDIT}questionnaire/questions/new/", views.question_new, name="question-new"),
    path(f"{AUDIT}questionnaire/questions/<slug:code>/", views.question_edit, name="question-edit"),
    path(
        f"{AUDIT}questionnaire/questions/<slug:code>/remove/", views.question_remove, name="question-remove"
    ),
    path(f"{AUDIT}open/", views.open_survey, name="open"),
    path(f"{AUDIT}close/", views.close_survey, name="close"),
    path(f"{AUDIT}skip/", views.skip_survey, name="skip"),
    path(f"{AUDIT}population/", views.population, name="population"),
    path(f"{AUDIT}invitations/", views.invitations, name="invitations"),
    path(f"{AUDIT}invitations/remind/", views.remind, name="remind"),
    path(f"{AUDIT}analysis/", views.analysis, name="analysis"),
    path(f"{AUDIT}export/<str:kind>/", views.export, name="export"),
    path(f"{AUDIT}exports/", views.export_request, name="export-request"),
    path(f"{AUDIT}exports/<int:export_pk>/", views.export_job, name="export-job"),
    path(f"{AUDIT}exports/<int:export_pk>/retry/", views.export_retry, name="export-retry"),
    path(f"{AUDIT}exports/<int:export_pk>/download/", views.export_download, name="export-download"),
    path("s/<str:token>/", views.respond, name="respond"),
    path("s/<str:token>/draft/", views.respond_draft, name="respond-draft"),
    path("s/<str:token>/done/", views.respond_done, name="respond-done"),
]
