from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The reporting phase's exit guard (audits.guards' registry) and the report's figure providers.
        from reports import guards, survey_figures  # noqa: F401
