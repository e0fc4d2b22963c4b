"""CSV and XLSX exports of a survey: anonymised responses, and (XLSX) the analysis as it is shown.

The CSV is made in the request. The XLSX takes seconds per 10,000 responses (openpyxl writes each
cell's XML), so it is built by the task worker as a SurveyExport (export_jobs.export_request); the
reads of those rows, and the lease that tells a live worker from a gone one, are here.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Callable

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from openpyxl import Workbook

from audits.disclosure import breakdown_allowed, footnote
from audits.surveys import selectors
from audits.surveys.models import ExportStatus, Response, Survey, SurveyExport
from config import jobs
from config.errors import DomainError

Progress = Callable[[int], None]
ROWS_PER_STEP = 1000
# Changing what the workbook holds changes this, so files built by older code are not reused.
WORKBOOK_FORMAT = "1"


def require_enough(survey: Survey) -> None:
    k = survey.audit.min_group_size
    if not breakdown_allowed(selectors.response_count(survey), k):
        raise DomainError(_("Responses can be exported once at least %(k)d people have answered.") % {"k": k})


def responses_csv(survey: Survey) -> bytes:
    """One row per response; UTF-8 with a byte-order mark so spreadsheet programs read accents."""
    require_enough(survey)
    return selectors.anonymised_responses(survey).to_csv(index=False).encode("utf-8-sig")


def responses_xlsx(survey: Survey, *, progress: Progress | None = None) -> bytes:
    """The anonymised responses, the figures per key area and question, and the disclosure note.

    `progress(percent)` is called every ROWS_PER_STEP responses (the worker's heartbeat rides on it).
    """
    step = progress or (lambda percent: None)
    require_enough(survey)
    frame = selectors.anonymised_responses(survey)
    analysis = selectors.survey_analysis(survey)
    step(10)
    workbook = Workbook(write_only=True)
    responses = workbook.create_sheet(_("responses"))
    responses.append(list(frame.columns))
    total = len(frame)
    for index, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        responses.append([None if value is None or value != value else value for value in row])
        if index % ROWS_PER_STEP == 0:
            step(10 + 80 * index // total)
    figures = workbook.create_sheet(_("figures"))
    figures.append(
        [_("item"), _("label"), _("answers"), _("mean score"), _("share agreeing"), _("share don't know")]
    )
    for item in [*analysis.key_areas, *analysis.questions]:
        figures.append(
            [
                item.code,
                item.label,
                item.answers.display(),
                item.mean.display(".2f") if item.mean else "",
                item.agree.display(".1%") if item.agree else "",
                item.dont_know.display(".1%") if item.dont_know else "",
            ]
        )
    if analysis.gaps:
        gaps = workbook.create_sheet(_("gaps"))
        # xgettext:no-python-format
        interval = _("95 % interval")
        gaps.append([_("item"), _("women"), _("men"), _("gap"), interval])
        for gap in analysis.gaps:
            interval = f"{gap.low:+.2f} … {gap.high:+.2f}" if gap.low is not None else ""
            gaps.append(
                [
                    gap.code,
                    gap.women.display(".2f"),
                    gap.men.display(".2f"),
                    gap.gap.display("+.2f"),
                    interval,
                ]
            )
    notes = workbook.create_sheet(_("notes"))
    notes.append([footnote(survey.audit.min_group_size)])
    notes.append([_("Open answers are not exported; profile values shared by too few responses are hidden.")])
    step(90)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def data_fingerprint(survey: Survey, language: str) -> str:
    """What the workbook is built from: the responses (never edited, so their ids), k and language."""
    digest = hashlib.sha256(
        f"{WORKBOOK_FORMAT}|{survey.instrument_id}|{survey.audit.min_group_size}|{language}|".encode()
    )
    for response_id in Response.objects.filter(survey=survey).order_by("id").values_list("id", flat=True):
        digest.update(response_id.bytes)
    return digest.hexdigest()


# The background XLSX exports


def exports_of(survey: Survey):
    return SurveyExport.objects.filter(survey=survey).order_by("-requested_at", "-pk")


def latest_export(survey: Survey) -> SurveyExport | None:
    return exports_of(survey).first()


def export_get(survey: Survey, pk) -> SurveyExport:
    return get_object_or_404(exports_of(survey), pk=pk)


def is_stale(export: SurveyExport, now: datetime.datetime | None = None) -> bool:
    """Queued with no worker to pick it up, or running with a worker that stopped beating."""
    if export.status == ExportStatus.QUEUED:
        return jobs.queued_too_long(export, now)
    return export.status == ExportStatus.RUNNING and jobs.heartbeat_lost(export, now)


def abandoned_message() -> str:
    return _("The worker stopped while preparing the file; retry.")


def effective_status(export: SurveyExport) -> str:
    return ExportStatus.FAILED if is_stale(export) else export.status


def effective_error(export: SurveyExport) -> str:
    if export.status == ExportStatus.QUEUED and is_stale(export):
        return _("No worker picked the export up; retry, or ask an administrator to start the worker.")
    return abandoned_message() if is_stale(export) else export.error
