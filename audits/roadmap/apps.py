from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    """Recommendations, the roadmap of actions, feedback comments and follow-up: a sub-app of audits."""

    name = "audits.roadmap"
    label = "roadmap"
    verbose_name = _("Roadmap")

    def ready(self) -> None:
        # Registering the feedback exit guard in audits.guards' registry.
        from audits.roadmap import guards  # noqa: F401
