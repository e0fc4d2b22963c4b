"""The workspace card the audit page includes (the lead adds it to templates/audits/audit_detail.html)."""

from __future__ import annotations

from django import template

from audits import workflow
from audits.selectors import can_steer
from selfassessment import selectors

register = template.Library()


@register.inclusion_tag("selfassessment/_workspace_card.html")
def geosa_workspace_card(audit, user) -> dict:
    """The next step and progress of a GEOSA, with a link to its guide (nothing for other modalities)."""
    if not selectors.is_geosa(audit):
        return {"show": False}
    options = workflow.transition_options(audit, permitted=can_steer(user, audit))
    advance = next((option for option in options if option.action == "advance"), None)
    ratings = selectors.ratings_of(audit)
    accepted = selectors.accepted_request(audit)
    return {
        "show": True,
        "audit": audit,
        "next_step": advance.blocking[0].message if advance and advance.blocking else "",
        "rated": len(ratings),
        "chosen": audit.key_areas.count(),
        "adviser": accepted.adviser if accepted else None,
        "flags": sum(1 for item in selectors.survey_comparison(audit, ratings) if item.flagged),
    }
