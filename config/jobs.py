"""The lifecycle every background job shares (report renders, survey workbooks).

A job has requested_at, started_at, heartbeat_at and attempts. Queued for longer than QUEUE_TIMEOUT,
no worker is running; running with a last heartbeat older than the lease, its worker is gone (killed,
machine lost). Either way the job reads as failed and may be retried as a new attempt, so nothing
stays "in progress" forever. A sweep records the gone ones as failed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

QUEUE_TIMEOUT = datetime.timedelta(minutes=getattr(settings, "REPORT_RENDER_TIMEOUT_MINUTES", 10))


class Job(models.Model):
    """The fields the lifecycle below reads and writes; a job adds its status, its subject and its
    result (a report render's PDF, a survey workbook's file)."""

    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last heartbeat"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Renewed by the worker while it works; an old one means the worker is gone."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True


def lease() -> datetime.timedelta:
    """How long a running job may go without a heartbeat before its worker counts as gone."""
    return datetime.timedelta(seconds=settings.REPORT_RENDER_LEASE_SECONDS)


def queued_too_long(job, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) - job.requested_at > QUEUE_TIMEOUT


def heartbeat_lost(job, now: datetime.datetime | None = None) -> bool:
    beat = job.heartbeat_at or job.started_at or job.requested_at
    return (now or timezone.now()) - beat > lease()


def heartbeat_lost_q(now: datetime.datetime) -> Q:
    """heartbeat_lost as a filter, for the sweep's UPDATE."""
    cutoff = now - lease()
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)


def new_attempt(queued: str) -> dict:
    """What a retry writes (an UPDATE's keyword arguments): queued again as the next attempt, with
    nothing left of the failed one."""
    return {
        "status": queued,
        "attempts": F("attempts") + 1,
        "progress": 0,
        "error": "",
        "requested_at": timezone.now(),
        "started_at": None,
        "heartbeat_at": None,
        "finished_at": None,
    }
