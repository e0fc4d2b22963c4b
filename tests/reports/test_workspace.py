"""The workspace cards the audit page includes: the report's state, and the roadmap's counts."""

from django.template import Context, Template

from tests.roadmap.builders import team_audit

CARDS = Template(
    "{% load report_tags roadmap_tags %}"
    "{% report_workspace_card audit user %}{% roadmap_workspace_card audit user %}"
)


def test_the_cards_show_for_the_team_and_not_for_outsiders(complete, methodology):
    shown = CARDS.render(Context({"audit": complete.audit, "user": complete.people["lead"]}))
    assert 'data-testid="report-card"' in shown and 'data-testid="roadmap-card"' in shown
    assert "Not rendered yet." in shown and "3 actions" in shown
    hidden = CARDS.render(Context({"audit": complete.audit, "user": complete.people["unrelated"]}))
    assert "card" not in hidden
    early = team_audit(phase="fieldwork")
    coordinator = CARDS.render(Context({"audit": early.audit, "user": early.people["coordinator"]}))
    assert "card" not in coordinator
