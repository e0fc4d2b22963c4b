from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Documents, interviews, workshops, staff statistics and findings: a sub-app of audits."""

    name = "audits.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        # Registering the exit guards and this app's evidence sources.
        from audits.evidence import guards, sources  # noqa: F401
