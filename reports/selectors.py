"""Who may read, render and issue an audit's report, and the reads of its renders and snapshots.

The facilitation team and the people steering the audit read and render drafts; issuing needs a
steering role. The organization's coordinator reads the report once the drafts were shared with
them or the audit reached reporting. Anyone else gets a 404.

A render still queued STALE_AFTER after it was requested is shown as failed (no worker is running)
and may be retried: a full report renders in seconds, so ten minutes leaves a wide margin for a busy
queue. A render being rendered holds a lease that its worker renews (reports.services); once the
last heartbeat is older than REPORT_RENDER_LEASE_SECONDS the worker is gone, and the render is shown
as failed even before a sweep marks it so.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from audits.models import Audit
from audits.roadmap import selectors as roadmap
from audits.selectors import audit_get, can_steer
from config import jobs
from reports.models import IN_FLIGHT, RenderKind, RenderStatus, ReportRender, ReportSnapshot, ReportText

STALE_AFTER = jobs.QUEUE_TIMEOUT
REPORTING_PHASE = "reporting"


# Access


def can_request(user, audit: Audit) -> bool:
    """Drafts are rendered by the facilitation team and the people steering the audit."""
    return roadmap.can_edit(user, audit)


def can_issue(user, audit: Audit) -> bool:
    return can_steer(user, audit)


def can_read(user, audit: Audit) -> bool:
    if can_request(user, audit):
        return True
    return roadmap.is_coordinator(user, audit) and (
        roadmap.shared(audit) or roadmap.reached(audit, REPORTING_PHASE)
    )


def report_audit_get(user, audit_id) -> Audit:
    """The audit if the user may read its report; 404 otherwise."""
    audit = audit_get(user, audit_id)
    if not can_read(user, audit):
        raise Http404("No such audit.")
    return audit


# Renders


def renders_of(audit: Audit, kind: str | None = None) -> QuerySet[ReportRender]:
    renders = ReportRender.objects.filter(audit=audit).defer("pdf").select_related("requested_by")
    if kind is not None:
        renders = renders.filter(kind=kind)
    return renders.order_by("-requested_at", "-pk")


def latest_render(
    audit: Audit, kind: str = RenderKind.REPORT, *, final: bool | None = None
) -> ReportRender | None:
    renders = renders_of(audit, kind)
    if final is not None:
        renders = renders.filter(final=final)
    return renders.first()


def render_get(audit: Audit, pk) -> ReportRender:
    return get_object_or_404(renders_of(audit), pk=pk)


def render_pdf(audit: Audit, pk) -> tuple[ReportRender, bytes]:
    """A finished render's PDF; 404 while it has none."""
    render = get_object_or_404(ReportRender.objects.filter(audit=audit, status=RenderStatus.READY), pk=pk)
    return render, bytes(render.pdf)


def is_abandoned(render: ReportRender, now: datetime.datetime | None = None) -> bool:
    """Rendering, but the worker's last heartbeat is older than the lease: it stopped mid-render."""
    return render.status == RenderStatus.RENDERING and jobs.heartbeat_lost(render, now)


def is_stale(render: ReportRender, now: datetime.datetime | None = None) -> bool:
    """Queued for longer than STALE_AFTER (no worker is running), or abandoned by its worker."""
    if render.status == RenderStatus.QUEUED:
        return jobs.queued_too_long(render, now)
    return is_abandoned(render, now)


def abandoned_message() -> str:
    return _("The worker stopped while rendering; retry.")


def effective_status(render: ReportRender) -> str:
    return RenderStatus.FAILED if is_stale(render) else render.status


def effective_error(render: ReportRender) -> str:
    if is_abandoned(render):
        return abandoned_message()
    if is_stale(render):
        minutes = int(STALE_AFTER.total_seconds() // 60)
        return _(
            "The render did not finish within %(minutes)d minutes (is a worker running? "
            "manage.py db_worker); retry it."
        ) % {"minutes": minutes}
    return render.error


def shown(render: ReportRender | None) -> ReportRender | None:
    """The render with what the page shows: `shown_status`, `shown_status_label`, `shown_error`."""
    if render is not None:
        render.shown_status = effective_status(render)
        render.shown_status_label = RenderStatus(render.shown_status).label
        render.shown_error = effective_error(render)
    return render


def in_flight(audit: Audit, kind: str, *, final: bool | None = None) -> ReportRender | None:
    """A render of this kind still queued or running (and not stale), if any."""
    renders = renders_of(audit, kind).filter(status__in=IN_FLIGHT)
    if final is not None:
        renders = renders.filter(final=final)
    return next((render for render in renders if not is_stale(render)), None)


# Snapshots


def snapshots_of(audit: Audit) -> QuerySet[ReportSnapshot]:
    return (
        ReportSnapshot.objects.filter(audit=audit)
        .defer("pdf")
        .select_related("issued_by")
        .order_by("-version")
    )


def latest_snapshot(audit: Audit) -> ReportSnapshot | None:
    return snapshots_of(audit).first()


def snapshot_get(audit: Audit, version) -> ReportSnapshot:
    return get_object_or_404(ReportSnapshot.objects.select_related("issued_by"), audit=audit, version=version)


def report_text(audit: Audit) -> ReportText:
    return ReportText.objects.filter(audit=audit).first() or ReportText(audit=audit)
