"""The programme level above single audits: who may see the portfolio.

A ministry's programme managers read figures across every audit (the portfolio dashboards) without
a role on any of them; `reports.view_portfolio` says who they are (superusers hold it implicitly).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

PROGRAMME_MANAGERS_GROUP = "Programme managers"


def programme_managers():
    """The group holding the portfolio permission (made by a migration; again after a flush)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=PROGRAMME_MANAGERS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="reports", codename="view_portfolio")
    )
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
