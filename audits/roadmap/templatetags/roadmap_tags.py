"""The workspace card the audit page includes (the lead adds it to templates/audits/audit_detail.html)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

from audits.roadmap import selectors
from audits.selectors import can_steer

register = template.Library()


@register.inclusion_tag("roadmap/_workspace_card.html")
def roadmap_workspace_card(audit, user) -> dict:
    """Counts and links to the roadmap pages, for those who may see them (empty otherwise)."""
    if not selectors.can_view(user, audit):
        return {"show": False}
    return {
        "show": True,
        "audit": audit,
        "summary": selectors.workspace_summary(audit),
        "can_steer": can_steer(user, audit),
        "baseline": selectors.baseline_of(audit),
    }


@register.filter
def measure(value, unit: str = "") -> str:
    """An indicator value as the active language writes it, without trailing zeros: "37,5 %"."""
    if value is None:
        return "–"
    value = Decimal(value)
    decimals = next((places for places in (0, 1) if value == round(value, places)), 2)
    text = formats.number_format(value, decimal_pos=decimals, use_l10n=True)
    return f"{text}\u00a0{unit}" if unit else text
