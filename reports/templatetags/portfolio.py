"""Template filters for the portfolio pages."""

from django import template

from audits.disclosure import footnote

register = template.Library()


@register.filter
def disclosure_footnote(k: int) -> str:
    return footnote(k)
