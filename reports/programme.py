"""The programme level above single audits: who may see the portfolio.

A ministry's programme managers read figures across every audit (the portfolio dashboards) without
a role on any of them; `reports.view_portfolio` says who they are (superusers hold it implicitly).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

PROGRAMME_MANAGERS_GROUP = "Programme managers"


# What the group may do: the portfolio dashboards, and the whole organization register.
PROGRAMME_MANAGER_PERMISSIONS = [("reports", "view_portfolio"), ("audits", "view_organization")]


def programme_managers():
    """The group and its permissions (made by migrations; again after a flush)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=PROGRAMME_MANAGERS_GROUP)
    for app_label, codename in PROGRAMME_MANAGER_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


class Programme(models.Model):
    """Holds the portfolio permission; unmanaged, so no table and no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_portfolio", _("Can view the portfolio dashboards of every audit"))]
        verbose_name = _("programme")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
