"""Template helpers for evidence pages and the workspace card the audit page includes."""

from __future__ import annotations

from django import template

from audits.disclosure import Cell, marker
from audits.evidence import selectors, sources

register = template.Library()

NOT_AVAILABLE = "–"


@register.filter
def figure(value: Cell, spec: str = "") -> str:
    """A disclosure Cell as text: its marker when hidden; "pct" formats a percentage."""
    if value.suppressed:
        return marker(value.k)
    text = value.display(".1f" if spec == "pct" else spec)
    if not text:
        return NOT_AVAILABLE
    return f"{text} %" if spec == "pct" else text


@register.filter
def pct(value) -> str:
    """A percentage from the indicators (None: not available or hidden by the disclosure rule)."""
    return NOT_AVAILABLE if value is None else f"{float(value):.1f} %"


@register.filter
def count_or_marker(value, k: int) -> str:
    """A count from the indicators, where None means hidden by the disclosure rule."""
    return marker(k) if value is None else str(value)


@register.inclusion_tag("evidence/_workspace_card.html")
def evidence_workspace_card(audit, user) -> dict:
    """Counts and links to the evidence pages, for the facilitation team only (empty otherwise)."""
    if not selectors.is_facilitator(user, audit):
        return {"show": False}
    covered = sources.covered_key_areas(audit)
    findings = selectors.finding_counts_by_key_area(audit)
    return {
        "show": True,
        "audit": audit,
        "counts": selectors.evidence_counts(audit),
        "key_areas": [
            {"key_area": ka, "covered": ka.code in covered, "findings": findings.get(ka.code, 0)}
            for ka in selectors.selected_key_areas(audit)
        ],
    }
