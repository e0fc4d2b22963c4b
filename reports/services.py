"""Every write on reports: requesting and retrying renders, running them, issuing, the report's text.

A render is a row first: the request commits it as queued and enqueues the task on commit, so the
worker never looks for a row that is not there yet. Running claims the row (queued → rendering) with
a conditional update, records each stage, and ends it ready (with the PDF) or failed (with the
error). A retry re-queues the same row as a new attempt; a late worker still holding an old attempt
finds the attempt number changed and leaves the row alone.

While rendering, the worker renews a heartbeat on the row (a thread beats during WeasyPrint's long
layout). A worker killed mid-render stops beating: after the lease the render reads as failed, and
renders_sweep (run by each worker before a render, and by `manage.py sweeprenders`) records it so.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audits import workflow
from audits.models import Audit
from audits.roadmap import selectors as roadmap
from config import jobs
from config.errors import Conflict, DomainError, Forbidden
from reports import rendering, selectors
from reports.models import RenderKind, RenderStatus, ReportRender, ReportSnapshot, ReportText
from selfassessment import selectors as geosa

logger = logging.getLogger(__name__)

# Phase codes of the library's phase sets: the report is issued at the end of the facilitated audit's
# reporting phase, the GEOSA report once the action plan is drafted; a new version during follow-up.
ISSUE_PHASES = {
    RenderKind.REPORT: ("reporting", "follow_up"),
    RenderKind.GEOSA: (geosa.PLANNING_PHASE, "follow_up"),
}
PROGRESS_PHASES = ("follow_up", "closed")


def can_issue_now(audit: Audit) -> bool:
    return audit.phase in ISSUE_PHASES[rendering.main_kind(audit)]


def _enqueue(render: ReportRender) -> None:
    """Enqueue the render's task once the transaction that created or re-queued it commits."""
    from reports.tasks import render_report

    render_id, attempt = render.pk, render.attempts

    def enqueue() -> None:
        result = render_report.enqueue(render_id, attempt)
        ReportRender.objects.filter(pk=render_id, attempts=attempt).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


def _language(audit: Audit, language: str | None) -> str:
    language = language or audit.language
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Unknown language %(language)s.") % {"language": language})
    return language


def report_request(
    *, actor, audit: Audit, kind: str | None = None, language: str | None = None
) -> ReportRender:
    """Queue a draft render; while one of the same kind is queued or running, that one is returned.

    Without a kind, the audit's main report: the roadmap report, or the GEOSA report for a GEOSA.
    """
    if not selectors.can_request(actor, audit):
        raise Forbidden(_("Only the facilitation team and the people steering the audit render the report."))
    main = rendering.main_kind(audit)
    kind = kind or main
    if kind not in RenderKind.values:
        raise DomainError(_("Unknown kind of report %(kind)s.") % {"kind": kind})
    if kind not in (RenderKind.PROGRESS, main):
        if main == RenderKind.GEOSA:
            raise DomainError(_("A self-assessment (GEOSA) has the GEOSA report, not the roadmap report."))
        raise DomainError(_("Only a self-assessment (GEOSA) has the GEOSA report."))
    if kind == RenderKind.PROGRESS and audit.phase not in PROGRESS_PHASES:
        raise DomainError(_("The progress report is made during follow-up."))
    language = _language(audit, language)
    with transaction.atomic():
        Audit.objects.select_for_update(of=("self",)).get(pk=audit.pk)
        running = selectors.in_flight(audit, kind, final=False)
        if running is not None and running.language == language:
            return running
        render = ReportRender.objects.create(audit=audit, kind=kind, language=language, requested_by=actor)
        _enqueue(render)
    return render


def render_retry(*, actor, render: ReportRender) -> ReportRender:
    """Queue a failed (or stale) render again as a new attempt, keeping its request."""
    audit = render.audit
    allowed = selectors.can_issue(actor, audit) if render.final else selectors.can_request(actor, audit)
    if not allowed:
        raise Forbidden(_("You cannot retry this render."))
    with transaction.atomic():
        render = ReportRender.objects.select_for_update().defer("pdf").get(pk=render.pk)
        if selectors.effective_status(render) != RenderStatus.FAILED:
            raise Conflict(
                _("Only a failed render can be retried; this one is %(status)s.")
                % {"status": render.get_status_display().lower()}
            )
        ReportRender.objects.filter(pk=render.pk).update(**jobs.new_attempt(RenderStatus.QUEUED), stage="")
        render.refresh_from_db()
        _enqueue(render)
    return render


def report_issue(*, actor, audit: Audit, language: str | None = None) -> ReportRender:
    """Render the final report (no DRAFT mark); when it is ready it is stored as the next version."""
    if not selectors.can_issue(actor, audit):
        raise Forbidden(_("Only the people steering the audit issue the report."))
    kind = rendering.main_kind(audit)
    if not can_issue_now(audit):
        first, later = (workflow.phase_label(audit, code) for code in ISSUE_PHASES[kind])
        raise DomainError(
            _(
                "The report is issued during %(first)s (or, for a new version, %(later)s); "
                "the audit is in %(phase)s."
            )
            % {
                "first": first.lower(),
                "later": later.lower(),
                "phase": workflow.phase_label(audit, audit.phase),
            }
        )
    open_comments = roadmap.open_comment_count(audit)
    if open_comments:
        raise DomainError(
            _("Resolve the organization's comments first (%(count)d open).") % {"count": open_comments}
        )
    language = _language(audit, language)
    latest = selectors.latest_snapshot(audit)
    if (
        latest is not None
        and latest.language == language
        and latest.data_version == current_data_version(audit, language)
    ):
        raise DomainError(
            _("Nothing changed since version %(version)d was issued; edit the audit's data first.")
            % {"version": latest.version}
        )
    with transaction.atomic():
        Audit.objects.select_for_update(of=("self",)).get(pk=audit.pk)
        if selectors.in_flight(audit, kind, final=True) is not None:
            raise Conflict(_("The final report is already being rendered; wait for it to be ready."))
        render = ReportRender.objects.create(
            audit=audit, kind=kind, language=language, final=True, requested_by=actor
        )
        _enqueue(render)
    return render


def current_data_version(audit: Audit, language: str | None = None) -> str:
    """The data version a report rendered now would have (the HTML's hash without its stamp)."""
    with translation.override(language or audit.language):
        html = rendering.html_with_stamp(audit, rendering.main_kind(audit))
        return hashlib.sha256(html.encode()).hexdigest()


def report_text_update(*, actor, audit: Audit, executive_summary: str) -> ReportText:
    if not selectors.can_request(actor, audit):
        raise Forbidden(_("Only the facilitation team and the people steering the audit write the report."))
    if not workflow.is_open(audit):
        raise DomainError(_("The audit is closed; its report can no longer change."))
    text, _created = ReportText.objects.update_or_create(
        audit=audit, defaults={"executive_summary": executive_summary.strip(), "updated_by": actor}
    )
    return text


# Running a render (the task's body)


def renders_sweep() -> int:
    """Record renders whose worker stopped beating (killed, machine lost) as failed, to be retried.

    The update re-checks the heartbeat row by row, so a worker that beats meanwhile keeps its render.
    """
    now = timezone.now()
    abandoned = ReportRender.objects.filter(status=RenderStatus.RENDERING).filter(jobs.heartbeat_lost_q(now))
    swept = abandoned.update(status=RenderStatus.FAILED, error=selectors.abandoned_message(), finished_at=now)
    if swept:
        logger.warning("Marked %d abandoned report render(s) as failed", swept)
    return swept


def heartbeat_interval() -> float:
    """A few beats per lease, so one slow beat does not lose it."""
    return max(0.1, min(5.0, settings.REPORT_RENDER_LEASE_SECONDS / 6))


@contextmanager
def _heartbeat(render_id: int, attempt: int) -> Iterator[None]:
    """Renew the render's lease from a thread while the block runs.

    The thread writes through its own connection, so it can only beat a committed claim: inside an
    outer transaction (the immediate task backend in a request) the stages' progress beats instead.
    """
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(heartbeat_interval()):
                try:
                    _record(render_id, attempt, heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("Report render %s: heartbeat failed", render_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"render-{render_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _claim(render_id: int, attempt: int) -> bool:
    """queued → rendering for this attempt only; False when another attempt or worker has it."""
    now = timezone.now()
    return bool(
        ReportRender.objects.filter(pk=render_id, attempts=attempt, status=RenderStatus.QUEUED).update(
            status=RenderStatus.RENDERING, started_at=now, heartbeat_at=now, progress=5, stage="started"
        )
    )


def _record(render_id: int, attempt: int, **fields) -> None:
    ReportRender.objects.filter(pk=render_id, attempts=attempt).update(**fields)


def render_run(*, render_id: int, attempt: int) -> dict:
    """Run one attempt of a render: the PDF and, for a final render, the issued snapshot."""
    renders_sweep()
    if not _claim(render_id, attempt):
        return {"render": render_id, "attempt": attempt, "skipped": True}
    render = (
        ReportRender.objects.defer("pdf").select_related("audit__modality__methodology").get(pk=render_id)
    )
    audit = render.audit
    started = time.perf_counter()

    def progress(percent: int, stage: str) -> None:
        _record(render_id, attempt, progress=percent, stage=stage, heartbeat_at=timezone.now())

    try:
        version = _next_version(audit) if render.final else None
        stamp = rendering.Stamp(final=render.final, version=version, issued_on=timezone.localdate())
        with _heartbeat(render_id, attempt):
            result = rendering.render(
                audit, kind=render.kind, stamp=stamp, language=render.language, progress=progress
            )
        with transaction.atomic():
            done = ReportRender.objects.filter(pk=render_id, attempts=attempt, status=RenderStatus.RENDERING)
            updated = done.update(
                status=RenderStatus.READY,
                progress=100,
                stage="done",
                pdf=result.pdf,
                sha256=result.sha256,
                data_version=result.data_version,
                pages=result.pages,
                size=len(result.pdf),
                seconds=round(time.perf_counter() - started, 3),
                finished_at=timezone.now(),
            )
            if updated and render.final:
                _snapshot(render, result, version)
    except Exception as error:
        logger.exception("Rendering report %s (attempt %s) failed", render_id, attempt)
        _record(
            render_id,
            attempt,
            status=RenderStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000] or traceback.format_exc()[-2000:],
            finished_at=timezone.now(),
        )
        raise
    return {"render": render_id, "attempt": attempt, "pages": result.pages, "sha256": result.sha256}


def _next_version(audit: Audit) -> int:
    return (ReportSnapshot.objects.filter(audit=audit).aggregate(latest=Max("version"))["latest"] or 0) + 1


def _snapshot(render: ReportRender, result: rendering.Rendered, version: int) -> ReportSnapshot:
    """Store the issued report; a version number taken meanwhile fails the render (retry renumbers)."""
    latest = ReportSnapshot.objects.filter(audit=render.audit).defer("pdf").order_by("-version").first()
    if latest is not None and latest.version >= version:
        raise Conflict(
            _("Version %(version)d was issued meanwhile; retry to issue the next one.") % {"version": version}
        )
    return ReportSnapshot.objects.create(
        audit=render.audit,
        version=version,
        language=render.language,
        pdf=result.pdf,
        sha256=result.sha256,
        data_version=result.data_version,
        pages=result.pages,
        size=len(result.pdf),
        issued_by=render.requested_by,
        render=render,
    )


def render_synchronously(
    *, audit: Audit, kind: str | None = None, language: str | None = None, final: bool = False
) -> rendering.Rendered:
    """Render without the queue and without storing anything (the renderreport command, checks)."""
    kind = kind or rendering.main_kind(audit)
    stamp = rendering.Stamp(final=final, version=_next_version(audit) if final else None)
    return rendering.render(audit, kind=kind, stamp=stamp, language=_language(audit, language))
