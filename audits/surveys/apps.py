from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Staff surveys: a sub-app of audits with its own tables and migrations."""

    name = "audits.surveys"
    label = "surveys"
    verbose_name = _("Staff surveys")

    def ready(self) -> None:
        from audits.surveys import guards  # noqa: F401  (registers survey_closed_or_skipped)
