"""From an audit to its PDF: the content in the audit's language, the HTML templates, WeasyPrint.

The HTML is rendered once with placeholders where the render's stamp goes (draft mark, version,
date of issue); the hash of that HTML is the report's data version, so two renders of unchanged data
share it whatever their stamp, and the stamp is then put in by plain replacement.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from audits.models import Audit
from reports import content, formats
from reports.models import RenderKind
from selfassessment import report as geosa_report

STYLESHEET = settings.BASE_DIR / "static" / "css" / "report.css"
TEMPLATES = {
    RenderKind.REPORT: "reports/report.html",
    RenderKind.PROGRESS: "reports/progress.html",
    RenderKind.GEOSA: geosa_report.TEMPLATE,
}
STAMP = {"class": "@@STAMP_CLASS@@", "status": "@@STAMP_STATUS@@", "watermark": "@@STAMP_WATERMARK@@"}

Progress = Callable[[int, str], None]

# WeasyPrint logs every page of every layout pass at INFO; a worker's log needs only its problems.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Stamp:
    """What differs between renders of the same data: draft or final, version, date."""

    final: bool
    version: int | None = None
    issued_on: datetime.date | None = None

    def values(self) -> dict[str, str]:
        if self.final:
            status = _("Final report, version %(version)s, issued on %(date)s") % {
                "version": self.version or 1,
                "date": formats.date(self.issued_on or timezone.localdate()),
            }
            return {"class": "final", "status": escape(status), "watermark": ""}
        status = _("Draft of %(date)s, not for circulation") % {"date": formats.date(timezone.localdate())}
        mark = f'<div class="watermark" aria-hidden="true">{escape(_("DRAFT"))}</div>'
        return {"class": "draft", "status": escape(status), "watermark": mark}


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    html: str
    pages: int
    data_version: str
    seconds_content: float
    seconds_pdf: float

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@cache
def stylesheet():
    """The report's stylesheet, parsed once per process."""
    from weasyprint import CSS  # heavy import, needed only when a PDF is made

    return CSS(filename=str(STYLESHEET))


def main_kind(audit: Audit) -> str:
    """The report an audit ends with: the roadmap report when facilitated, else the GEOSA report."""
    return RenderKind.REPORT if audit.modality.facilitated else RenderKind.GEOSA


def chapters(report: content.ReportContent) -> list[tuple[str, str]]:
    """(anchor, title) of the report's numbered chapters; optional ones only when they have content."""
    items = [
        ("summary", _("Executive summary")),
        ("context", _("Context and methodology")),
        ("findings", _("Findings by key area")),
    ]
    if report.staff:
        items.append(("staff", _("Staff statistics and pay gap")))
    items += [("recommendations", _("Recommendations")), ("roadmap", _("Roadmap"))]
    if report.baseline:
        items.append(("baseline", _("Change since the baseline audit")))
    return items


def html_with_stamp(
    audit: Audit, kind: str = RenderKind.REPORT, *, today: datetime.date | None = None
) -> str:
    """The report's HTML with the stamp placeholders in place (call in the audit's language)."""
    today = today or timezone.localdate()
    if kind == RenderKind.PROGRESS:
        context = {"c": content.build_progress(audit, today=today), "stamp": STAMP}
    elif kind == RenderKind.GEOSA:
        context = {**geosa_report.report_context(audit), "stamp": STAMP}
    else:
        report = content.build(audit)
        numbered = [
            (anchor, title, str(index)) for index, (anchor, title) in enumerate(chapters(report), start=1)
        ]
        context = {
            "c": report,
            "chapters": numbered,
            "number": {anchor: number for anchor, _title, number in numbered},
            "stamp": STAMP,
        }
    return render_to_string(TEMPLATES[kind], context)


def stamped(html: str, stamp: Stamp) -> str:
    for key, value in stamp.values().items():
        html = html.replace(STAMP[key], value)
    return html


@cache
def url_fetcher():
    """One URL fetcher per process, for local files and data: URLs only: the report fetches nothing
    from the network, and WeasyPrint's default fetcher builds an SSL context on every render."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("file", "data"))


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """WeasyPrint alone: lay the HTML out in pages and write the PDF."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher()).render(
        stylesheets=[stylesheet()]
    )
    return document.write_pdf(), len(document.pages)


def render(
    audit: Audit,
    *,
    kind: str = RenderKind.REPORT,
    stamp: Stamp | None = None,
    language: str | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """The audit's report as a PDF, reporting progress through `progress(percent, stage)`."""
    report_progress = progress or (lambda percent, stage: None)
    stamp = stamp or Stamp(final=False)
    with translation.override(language or audit.language):
        report_progress(10, "collecting")
        started = time.perf_counter()
        html = html_with_stamp(audit, kind)
        data_version = hashlib.sha256(html.encode()).hexdigest()
        html = stamped(html, stamp)
        seconds_content = time.perf_counter() - started
        report_progress(40, "layout")
        started = time.perf_counter()
        pdf, pages = html_to_pdf(html)
        seconds_pdf = time.perf_counter() - started
    report_progress(95, "writing")
    return Rendered(
        pdf=pdf,
        html=html,
        pages=pages,
        data_version=data_version,
        seconds_content=seconds_content,
        seconds_pdf=seconds_pdf,
    )
