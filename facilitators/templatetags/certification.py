"""Template helpers for the certification pages."""

from django import template

from facilitators.selectors import is_certification_staff

register = template.Library()


@register.filter
def certification_staff(user) -> bool:
    """Whether to show certification staff's links to this user."""
    return is_certification_staff(user)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
