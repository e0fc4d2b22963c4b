"""Template helpers: figures are shown through their disclosure Cell, never as raw numbers."""

from django import template

from audits.disclosure import Cell, footnote
from audits.surveys import selectors
from audits.surveys.models import SurveyStatus

register = template.Library()


@register.filter
def figure(value: Cell | None, spec: str = "") -> str:
    """A Cell as text: the marker when hidden, a dash when there is nothing to show."""
    if value is None:
        return "–"
    return value.display(spec) or "–"


@register.filter
def percent(value: Cell | None) -> str:
    return figure(value, ".0%")


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("surveys/_workspace_card.html")
def survey_workspace_card(audit, user) -> dict:
    """The survey's status on the audit workspace, with participation once k people have answered."""
    survey = selectors.survey_of(audit)
    participation = None
    if survey is not None and survey.instrument_id and survey.status != SurveyStatus.DRAFT:
        participation = selectors.survey_participation(survey)
    return {
        "audit": audit,
        "survey": survey,
        "participation": participation,
        "can_read_analysis": selectors.can_read_analysis(user, audit),
        "footnote": footnote(audit.min_group_size),
    }
