from django.urls import path

from audits.surveys import api

AUDIT = "audits/<int:audit_pk>/survey/"

urlpatterns = [
    path("survey-instruments/", api.InstrumentLibraryView.as_view(), name="survey-instruments"),
    path("survey-instruments/<int:pk>/", api.InstrumentDetailView.as_view(), name="survey-instrument"),
    path(AUDIT, api.SurveyView.as_view(), name="survey"),
    path(f"{AUDIT}instrument/", api.SurveyInstrumentView.as_view(), name="survey-instrument-of-audit"),
    path(f"{AUDIT}instrument/questions/", api.QuestionsView.as_view(), name="survey-questions"),
    path(f"{AUDIT}instrument/questions/<slug:code>/", api.QuestionView.as_view(), name="survey-question"),
    path(f"{AUDIT}instrument/restrict/", api.RestrictView.as_view(), name="survey-restrict"),
    path(f"{AUDIT}xlsform/", api.XLSFormView.as_view(), name="survey-xlsform"),
    path(f"{AUDIT}open/", api.OpenView.as_view(), name="survey-open"),
    path(f"{AUDIT}close/", api.CloseView.as_view(), name="survey-close"),
    path(f"{AUDIT}skip/", api.SkipView.as_view(), name="survey-skip"),
    path(f"{AUDIT}population/", api.PopulationView.as_view(), name="survey-population"),
    path(f"{AUDIT}invitations/", api.InvitationsView.as_view(), name="survey-invitations"),
    path(f"{AUDIT}reminders/", api.RemindersView.as_view(), name="survey-reminders"),
    path(f"{AUDIT}participation/", api.ParticipationView.as_view(), name="survey-participation"),
    path(f"{AUDIT}analysis/", api.AnalysisView.as_view(), name="survey-analysis"),
    path(f"{AUDIT}open-answers/", api.OpenAnswersView.as_view(), name="survey-open-answers"),
    path(f"{AUDIT}export/<str:kind>/", api.ExportView.as_view(), name="survey-export"),
    path(f"{AUDIT}exports/", api.ExportsView.as_view(), name="survey-exports"),
    path(f"{AUDIT}exports/<int:export_pk>/", api.ExportJobView.as_view(), name="survey-export-job"),
    path(f"{AUDIT}exports/<int:export_pk>/retry/", api.ExportRetryView.as_view(), name="survey-export-retry"),
    path(
        f"{AUDIT}exports/<int:export_pk>/download/",
        api.ExportDownloadView.as_view(),
        name="survey-export-download",
    ),
    path("respond/<str:token>/", api.RespondView.as_view(), name="survey-respond"),
    path("respond/<str:token>/draft/", api.RespondDraftView.as_view(), name="survey-respond-draft"),
    path("respond/<str:token>/submit/", api.RespondSubmitView.as_view(), name="survey-respond-submit"),
]
