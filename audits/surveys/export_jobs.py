"""The survey's XLSX workbook, built by the task worker: writing 400,000 cells takes seconds, which a
web request must not spend.

A request commits a queued SurveyExport and enqueues the task on commit; running claims the row
(queued → running) for its attempt with a conditional update, so a late worker holding an old
attempt leaves it alone. Each step of the build renews the row's heartbeat; a worker killed
mid-build stops beating, the export reads as failed after the lease, and exports_sweep records it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audits.models import Audit
from audits.surveys import exports, selectors
from audits.surveys.models import ExportStatus, Survey, SurveyExport
from config import jobs
from config.errors import Conflict, DomainError


def _export_language(audit: Audit, language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else audit.language


def _enqueue_export(export: SurveyExport) -> None:
    from audits.surveys.tasks import build_export

    export_id, attempt = export.pk, export.attempts

    def enqueue() -> None:
        result = build_export.enqueue(export_id, attempt)
        SurveyExport.objects.filter(pk=export_id, attempts=attempt).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


def export_request(*, actor, audit: Audit, language: str | None = None) -> SurveyExport:
    """Queue the XLSX workbook; an export of the same data that is ready or under way is returned."""
    selectors.require_analysis(actor, audit)
    survey = selectors.survey_of(audit)
    if survey is None or survey.instrument_id is None:
        raise DomainError(_("This audit has no staff survey yet; prepare one first."))
    exports.require_enough(survey)
    language = _export_language(audit, language)
    fingerprint = exports.data_fingerprint(survey, language)
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        for export in SurveyExport.objects.filter(survey=survey, fingerprint=fingerprint, language=language):
            if exports.effective_status(export) in (ExportStatus.QUEUED, ExportStatus.RUNNING):
                return export
            if (
                export.status == ExportStatus.DONE
                and export.file
                and export.file.storage.exists(export.file.name)
            ):
                return export
        export = SurveyExport.objects.create(
            survey=survey, language=language, fingerprint=fingerprint, requested_by=actor
        )
        _enqueue_export(export)
    return export


def export_retry(*, actor, export: SurveyExport) -> SurveyExport:
    """Queue a failed (or stale) export again as a new attempt."""
    selectors.require_analysis(actor, export.survey.audit)
    with transaction.atomic():
        export = SurveyExport.objects.select_for_update().get(pk=export.pk)
        if exports.effective_status(export) != ExportStatus.FAILED:
            raise Conflict(
                _("Only a failed export can be retried; this one is %(status)s.")
                % {"status": export.get_status_display().lower()}
            )
        SurveyExport.objects.filter(pk=export.pk).update(**jobs.new_attempt(ExportStatus.QUEUED))
        export.refresh_from_db()
        _enqueue_export(export)
    return export


def exports_sweep() -> int:
    """Record exports whose worker stopped beating as failed, so they can be retried."""
    now = timezone.now()
    abandoned = SurveyExport.objects.filter(status=ExportStatus.RUNNING).filter(jobs.heartbeat_lost_q(now))
    return abandoned.update(status=ExportStatus.FAILED, error=exports.abandoned_message(), finished_at=now)


def _export_record(export_id: int, attempt: int, **fields) -> int:
    return SurveyExport.objects.filter(pk=export_id, attempts=attempt).update(**fields)


def export_run(*, export_id: int, attempt: int) -> dict:
    """Build one attempt of an export and store its file; earlier finished files of the survey go."""
    exports_sweep()
    now = timezone.now()
    claimed = SurveyExport.objects.filter(pk=export_id, attempts=attempt, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now, progress=5
    )
    if not claimed:
        return {"export": export_id, "attempt": attempt, "skipped": True}
    export = SurveyExport.objects.select_related("survey__audit", "survey__instrument").get(pk=export_id)

    def progress(percent: int) -> None:
        _export_record(export_id, attempt, progress=percent, heartbeat_at=timezone.now())

    try:
        with translation.override(export.language):
            fingerprint = exports.data_fingerprint(export.survey, export.language)
            data = exports.responses_xlsx(export.survey, progress=progress)
        export.file.save("survey.xlsx", ContentFile(data), save=False)
        with transaction.atomic():
            done = SurveyExport.objects.filter(pk=export_id, attempts=attempt, status=ExportStatus.RUNNING)
            if not done.update(
                status=ExportStatus.DONE,
                progress=100,
                file=export.file.name,
                size=len(data),
                fingerprint=fingerprint,
                finished_at=timezone.now(),
            ):
                stored = export.file.name
                transaction.on_commit(lambda: export.file.storage.delete(stored))
                return {"export": export_id, "attempt": attempt, "skipped": True}
            _drop_superseded(export)
    except Exception as error:
        _export_record(
            export_id,
            attempt,
            status=ExportStatus.FAILED,
            error=(f"{type(error).__name__}: {error}")[:2000],
            finished_at=timezone.now(),
        )
        raise
    return {"export": export_id, "attempt": attempt, "size": len(data)}


def _drop_superseded(export: SurveyExport) -> None:
    """Earlier finished workbooks of the survey in this language hold older data: rows and files go."""
    older = SurveyExport.objects.filter(
        survey_id=export.survey_id,
        language=export.language,
        status=ExportStatus.DONE,
        requested_at__lte=export.requested_at,
    ).exclude(pk=export.pk)
    storage = export.file.storage
    names = [name for name in older.values_list("file", flat=True) if name]
    older.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
