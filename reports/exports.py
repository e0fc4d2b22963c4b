"""The roadmap and the findings as XLSX and CSV, and an audit's anonymised data package as a ZIP.

Columns have stable English names and values keep their codes (status, priority, kind), so the files
can be read by programs; texts are as written. Every count or figure about people is written as the
disclosure module shows it: a hidden one is its marker ("<5"), never a number. Open answers,
interview notes and names never leave in a file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from audits.disclosure import footnote, marker
from audits.evidence import selectors as evidence
from audits.models import Audit
from audits.roadmap import selectors as roadmap
from audits.roadmap.models import ActionUpdate
from audits.surveys import exports as survey_exports
from audits.surveys.models import SurveyStatus
from audits.surveys.selectors import survey_analysis, survey_of
from config.errors import DomainError
from reports import content

Table = tuple[list[str], list[list]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
HEADER_FILL = PatternFill("solid", fgColor="EFE7F6")


def _plain(value) -> str | int | float:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, int | float | str) else str(value)


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read accents."""
    header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_plain(value) for value in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Sequence[tuple[str, Table]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
        for row in rows:
            sheet.append([_plain(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, name in enumerate(header, start=1):
            width = max([len(str(name)), *(len(str(_plain(row[index - 1]))) for row in rows[:200])])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
                max(width, 8), 60
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The tables


def _numbered(audit: Audit):
    findings = list(evidence.findings_of(audit))
    recommendations = list(roadmap.recommendations_of(audit))
    key_areas = content.report_key_areas(
        audit, {f.key_area_id for f in findings} | {r.key_area_id for r in recommendations}
    )
    numbers, by_area = content.numbered_findings(findings, key_areas)
    items, rows = content.numbered_roadmap(recommendations, list(roadmap.actions_of(audit)), numbers)
    return key_areas, by_area, items, rows


def roadmap_table(audit: Audit) -> Table:
    _key_areas, _by_area, _items, rows = _numbered(audit)
    header = [
        "number",
        "key_area",
        "recommendation",
        "action",
        "description",
        "owner",
        "start",
        "end",
        "priority",
        "status",
        "drop_reason",
        "indicator",
        "unit",
        "baseline",
        "target",
        "latest_value",
    ]
    return header, [
        [
            row.number,
            row.key_area,
            row.recommendation,
            row.title,
            row.description,
            row.owner,
            row.start,
            row.end,
            row.priority,
            row.status,
            row.drop_reason,
            row.indicator,
            row.unit,
            *row.values,
        ]
        for row in rows
    ]


def findings_table(audit: Audit) -> Table:
    key_areas, by_area, items, _rows = _numbered(audit)
    answered: dict[str, list[str]] = {}
    for item in items.values():
        for number in item.answers:
            answered.setdefault(number, []).append(item.number)
    header = ["number", "key_area", "kind", "statement", "evidence", "recommendations"]
    rows = []
    for key_area in key_areas:
        for kind in ("good_practice", "gap"):
            for finding in by_area[key_area.pk][kind]:
                rows.append(
                    [
                        finding.number,
                        key_area.code,
                        kind,
                        finding.statement,
                        " | ".join(finding.evidence),
                        " ".join(answered.get(finding.number, [])),
                    ]
                )
    return header, rows


def recommendations_table(audit: Audit) -> Table:
    _key_areas, _by_area, items, _rows = _numbered(audit)
    header = ["number", "key_area", "recommendation", "answers_findings", "actions"]
    return header, [
        [item.number, item.key_area.code, item.text, " ".join(item.answers), " ".join(item.actions)]
        for item in items.values()
    ]


def progress_table(audit: Audit) -> Table:
    updates = (
        ActionUpdate.objects.filter(action__audit=audit)
        .select_related("action__recommendation__key_area")
        .order_by("recorded_at", "pk")
    )
    header = ["recorded_at", "key_area", "action", "status", "value", "note"]
    return header, [
        [u.recorded_at, u.action.recommendation.key_area.code, u.action.title, u.status, u.value, u.note]
        for u in updates
    ]


def staff_tables(audit: Audit) -> list[tuple[str, Table]]:
    """Headcounts and pay-gap indicators exactly as the report shows them (markers where hidden)."""
    dataset = evidence.staff_dataset(audit)
    if dataset is None:
        return []
    analysis = evidence.staff_analysis(audit, dataset)
    k = analysis["k"]
    tables = []
    for column, rows in analysis["headcount"].items():
        tables.append(
            (
                f"staff_headcount_by_{column}",
                (
                    [column, "women", "men", "other", "women_share_pct"],
                    [
                        [
                            row["label"],
                            row["female"].display(),
                            row["male"].display(),
                            row["other"].display(),
                            row["female_pct"].display(".1f"),
                        ]
                        for row in rows
                    ],
                ),
            )
        )
    gap = analysis["pay_gap"]

    def shown(value) -> str | float:
        return marker(k) if value is None else value

    indicators = [
        ["mean_gap_pct", shown(gap["mean_gap_pct"])],
        ["median_gap_pct", shown(gap["median_gap_pct"])],
        ["variable_mean_gap_pct", shown(gap["variable_mean_gap_pct"])],
        ["variable_median_gap_pct", shown(gap["variable_median_gap_pct"])],
        ["variable_pay_share_pct.female", shown(gap["variable_pay_share_pct"]["female"])],
        ["variable_pay_share_pct.male", shown(gap["variable_pay_share_pct"]["male"])],
        *[[f"quartile_{q['band']}.female_pct", shown(q["female_pct"])] for q in gap["quartiles"]],
        *[[f"quartile_{q['band']}.male_pct", shown(q["male_pct"])] for q in gap["quartiles"]],
    ]
    tables.append(("staff_pay_gap_indicators", (["indicator", "value"], indicators)))
    tables.append(
        (
            "staff_pay_gap_by_category",
            (
                [
                    "category",
                    "women",
                    "men",
                    "base_gap_pct",
                    "variable_gap_pct",
                    "total_gap_pct",
                    "joint_assessment_trigger",
                ],
                [
                    [
                        row["category"],
                        shown(row["female"]),
                        shown(row["male"]),
                        marker(k) if row["suppressed"] else row["base_gap_pct"],
                        marker(k) if row["suppressed"] else row["variable_gap_pct"],
                        marker(k) if row["suppressed"] else row["total_gap_pct"],
                        "yes" if row["joint_assessment_trigger"] else "no",
                    ]
                    for row in gap["categories"]
                ],
            ),
        )
    )
    return tables


def survey_results_table(audit: Audit) -> Table | None:
    survey = survey_of(audit)
    if survey is None or not survey.instrument_id or survey.status == SurveyStatus.SKIPPED:
        return None
    analysis = survey_analysis(survey)
    header = ["item", "kind", "label", "answers", "mean_score", "share_agreeing_pct", "share_dont_know_pct"]
    rows = [
        [
            item.code,
            item.kind,
            item.label,
            item.answers.display(),
            item.mean.display(".2f") if item.mean else "",
            _share(item.agree),
            _share(item.dont_know),
        ]
        for item in [*analysis.key_areas, *analysis.questions]
    ]
    return header, rows


def _share(value) -> str:
    if value is None:
        return ""
    if value.suppressed or value.value is None:
        return value.display()
    return f"{value.value * 100:.1f}"


def sources_table(audit: Audit) -> Table:
    sources = content.data_sources(audit, audit.min_group_size)
    participants = sources.participants or {}
    rows = [
        ["documents_collected", sources.documents],
        ["documents_reviewed", sources.documents_reviewed],
        ["interviews_held", sources.interviews.display()],
        ["people_interviewed", sources.interviewees.display()],
        ["workshops", sources.workshops],
        *[[f"workshop_participants_{name}", cell.display()] for name, cell in participants.items()],
        ["survey_responses", sources.responses.display() if sources.responses else ""],
        ["survey_response_rate_pct", sources.response_rate.display(".1f") if sources.response_rate else ""],
        ["staff_file_workers", sources.staff_workers.display() if sources.staff_workers else ""],
    ]
    return ["source", "count"], rows


# The files


def roadmap_xlsx(audit: Audit) -> bytes:
    return xlsx_bytes([("roadmap", roadmap_table(audit)), ("recommendations", recommendations_table(audit))])


def findings_xlsx(audit: Audit) -> bytes:
    return xlsx_bytes([("findings", findings_table(audit))])


def data_package(audit: Audit) -> bytes:
    """Every anonymised table of the audit as CSV files, with a README that explains them."""
    k = audit.min_group_size
    with translation.override(audit.language):
        files: list[tuple[str, bytes]] = [
            ("data_sources.csv", csv_bytes(sources_table(audit))),
            ("findings.csv", csv_bytes(findings_table(audit))),
            ("recommendations.csv", csv_bytes(recommendations_table(audit))),
            ("roadmap.csv", csv_bytes(roadmap_table(audit))),
            ("roadmap_progress.csv", csv_bytes(progress_table(audit))),
        ]
        files += [(f"{name}.csv", csv_bytes(table)) for name, table in staff_tables(audit)]
        results = survey_results_table(audit)
        survey = survey_of(audit)
        responses_note = ""
        if results is not None:
            files.append(("survey_results.csv", csv_bytes(results)))
            try:
                files.append(("survey_responses.csv", survey_exports.responses_csv(survey)))
            except DomainError as error:
                responses_note = error.message
        readme = render_to_string(
            "reports/data_package_readme.txt",
            {
                "audit": audit,
                "files": [name for name, _data in files],
                "k": k,
                "marker": marker(k),
                "footnote": footnote(k),
                "responses_note": responses_note,
                "created": timezone.now(),
            },
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()
