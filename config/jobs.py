"""The lifecycle every background job shares (report renders, survey workbooks).

A job has requested_at, started_at, heartbeat_at and attempts. Queued for longer than QUEUE_TIMEOUT,
no worker is running; running with a last heartbeat older than the lease, its worker is gone (killed,
machine lost). Either way the job reads as failed and may be retried as a new attempt, so nothing
stays "in progress" forever. A sweep records the gone ones as failed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

QUEUE_TIMEOUT = datetime.timedelta(minutes=getattr(settings, "REPORT_RENDER_TIMEOUT_MINUTES", 10))


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
