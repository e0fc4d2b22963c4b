"""Filters the report templates use (figures in the report's language) and the workspace card."""

from __future__ import annotations

from django import template

from audits.disclosure import Cell
from reports import formats, selectors

register = template.Library()


@register.filter
def figure(value: Cell | None, spec: str = "") -> str:
    """A disclosure Cell as localized text: "pct" for a percentage, a digit for decimals."""
    pct = spec.startswith("pct")
    decimals = spec.removeprefix("pct") or ("1" if pct else "0")
    return formats.figure(value, int(decimals), pct=pct)


@register.filter
def num(value, decimals: int = 0) -> str:
    return formats.number(value, int(decimals))


@register.filter
def pct(value, decimals: int = 1) -> str:
    return formats.percent(value, int(decimals))


@register.filter
def fdate(value) -> str:
    return formats.date(value)


@register.filter
def cssstring(value) -> str:
    """Text for a CSS string literal ("..."), e.g. in a page margin box."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


@register.inclusion_tag("reports/pages/_workspace_card.html")
def report_workspace_card(audit, user) -> dict:
    """The report's state and links, for the people who may read the report (empty otherwise)."""
    if not selectors.can_read(user, audit):
        return {"show": False}
    return {
        "show": True,
        "audit": audit,
        "render": selectors.shown(selectors.latest_render(audit, final=False)),
        "snapshot": selectors.latest_snapshot(audit),
    }
