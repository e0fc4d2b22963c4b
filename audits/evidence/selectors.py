"""Reads of an audit's evidence, scoped to its facilitation team, and the staff-data analyses.

Evidence is confidential: interview notes, documents and findings are for the facilitation team
(lead, co-facilitators, experts, trainees) only. Anyone else, the coordinator included, gets a 404,
so they cannot learn what exists. Staff figures leave through audits.disclosure with the audit's
minimum group size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from audits.analysis.paygap import GENDERS, headcount_by, pay_gap_indicators
from audits.disclosure import TOTAL, Cell, suppress_counts
from audits.evidence.models import (
    Document,
    DocumentAssessment,
    Excerpt,
    Finding,
    FindingEvidence,
    Interview,
    StaffDataset,
    StaffRecord,
    Workshop,
    WorkshopStatement,
)
from audits.models import FACILITATION_ROLES, Audit, KeyArea
from audits.selectors import audit_get, can_steer, user_roles

STAFF_FIELDS = (
    "employee_id",
    "gender",
    "category",
    "annual_hours",
    "base_pay",
    "variable_pay",
    "grade",
    "unit",
    "contract_type",
)
BREAKDOWN_COLUMNS = ("grade", "unit", "contract_type")
HEADCOUNT_COLUMNS = ("category", "unit", "contract_type")


# Access


def is_facilitator(user, audit: Audit) -> bool:
    """A member of the audit's facilitation team (not the coordinator, not a staff administrator)."""
    return bool(user.is_authenticated and user_roles(user, audit) & set(FACILITATION_ROLES))


def can_delete(user, audit: Audit) -> bool:
    """Facilitators record evidence; only those who also steer the audit delete it."""
    return is_facilitator(user, audit) and can_steer(user, audit)


def evidence_audit_get(user, audit_id) -> Audit:
    """The audit if the user is on its facilitation team; 404 otherwise."""
    audit = audit_get(user, audit_id)
    if not is_facilitator(user, audit):
        raise Http404("No such audit.")
    return audit


# Key areas


def selected_key_areas(audit: Audit) -> list[KeyArea]:
    cache = audit.__dict__.setdefault("_evidence_cache", {})
    if "selected" not in cache:
        cache["selected"] = list(audit.key_areas.order_by("order"))
    return cache["selected"]


def taggable_key_areas(audit: Audit) -> QuerySet[KeyArea]:
    """The audit's selected key areas, or its methodology's while none is selected yet."""
    selected = audit.key_areas.order_by("order")
    return selected if selected.exists() else audit.methodology.key_areas.order_by("order")


def key_area_get(audit: Audit, code: str) -> KeyArea:
    if "\x00" in code:
        raise Http404("No such key area.")  # PostgreSQL refuses a NUL byte in a query
    return get_object_or_404(audit.methodology.key_areas, code=code.upper())


# Documents, interviews, workshops


def documents_of(audit: Audit) -> QuerySet[Document]:
    return (
        audit.documents.select_related("added_by")
        .prefetch_related(Prefetch("key_areas", queryset=KeyArea.objects.order_by("order")))
        .annotate(assessed=Count("assessments", distinct=True))
        .order_by("-added_at", "-pk")
    )


def document_get(audit: Audit, pk) -> Document:
    return get_object_or_404(documents_of(audit), pk=pk)


def assessments_of(document: Document) -> QuerySet[DocumentAssessment]:
    return document.assessments.select_related("key_area", "reviewer").order_by(
        "key_area__order", "criterion"
    )


def interviews_of(audit: Audit) -> QuerySet[Interview]:
    return (
        audit.interviews.prefetch_related("interviewers")
        .annotate(excerpt_count=Count("excerpts"))
        .order_by("scheduled_at", "pk")
    )


def interview_get(audit: Audit, pk) -> Interview:
    return get_object_or_404(interviews_of(audit), pk=pk)


def excerpts_of(interview: Interview) -> QuerySet[Excerpt]:
    return interview.excerpts.prefetch_related(
        Prefetch("key_areas", queryset=KeyArea.objects.order_by("order"))
    ).order_by("created_at", "pk")


def workshops_of(audit: Audit) -> QuerySet[Workshop]:
    return audit.workshops.annotate(
        statement_count=Count("statements"),
        promoted_count=Count("statements", filter=Q(statements__promoted=True)),
    ).order_by("date", "pk")


def workshop_get(audit: Audit, pk) -> Workshop:
    return get_object_or_404(workshops_of(audit), pk=pk)


def statements_of(workshop: Workshop) -> QuerySet[WorkshopStatement]:
    return workshop.statements.select_related("key_area").order_by("key_area__order", "kind", "pk")


@dataclass(frozen=True)
class Participants:
    """A workshop's participants by gender with their total, after the disclosure rule."""

    women: Cell
    men: Cell
    other: Cell
    total: Cell

    @property
    def any_hidden(self) -> bool:
        return any(cell.suppressed for cell in (self.women, self.men, self.other, self.total))


def workshop_participants(workshop: Workshop, k: int) -> Participants:
    counts = pd.Series({"women": workshop.women, "men": workshop.men, "other": workshop.other})
    table = suppress_counts(counts, k)
    column = table.counts.columns[0]
    return Participants(*(table.cell(row, column) for row in ("women", "men", "other", TOTAL)))


# Findings


def findings_of(audit: Audit, key_area: KeyArea | None = None) -> QuerySet[Finding]:
    findings = audit.findings.select_related("key_area", "created_by").prefetch_related(
        Prefetch("evidence", queryset=FindingEvidence.objects.order_by("pk"))
    )
    if key_area is not None:
        findings = findings.filter(key_area=key_area)
    return findings.order_by("key_area__order", "kind", "pk")


def finding_get(audit: Audit, pk) -> Finding:
    return get_object_or_404(findings_of(audit), pk=pk)


def evidence_counts(audit: Audit) -> dict[str, int]:
    """How many documents, interviews, workshops and findings the audit has (one query)."""
    counts = Audit.objects.filter(pk=audit.pk).aggregate(
        documents=Count("documents", distinct=True),
        interviews=Count("interviews", distinct=True),
        workshops=Count("workshops", distinct=True),
        findings=Count("findings", distinct=True),
    )
    return {name: int(value or 0) for name, value in counts.items()}


def finding_counts_by_key_area(audit: Audit) -> dict[str, int]:
    rows = audit.findings.values("key_area__code").annotate(n=Count("pk"))
    return {row["key_area__code"]: row["n"] for row in rows}


# Staff data


def staff_dataset(audit: Audit) -> StaffDataset | None:
    cache = audit.__dict__.setdefault("_evidence_cache", {})
    if "dataset" not in cache:
        cache["dataset"] = StaffDataset.objects.filter(audit=audit).select_related("uploaded_by").first()
    return cache["dataset"]


def staff_frame(dataset: StaffDataset) -> pd.DataFrame:
    """The workers as read_staff_file returns them, from one query; breakdown blanks labelled.

    Only the breakdown columns the file had are read.
    """
    fields = [name for name in STAFF_FIELDS if name not in BREAKDOWN_COLUMNS or name in dataset.columns]
    rows = StaffRecord.objects.filter(dataset=dataset).order_by("row").values_list(*fields)
    frame = pd.DataFrame.from_records(list(rows), columns=fields)
    for column in BREAKDOWN_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].replace("", _("(not given)"))
    return frame


def pipeline_column(dataset: StaffDataset) -> str:
    """Grade levels come from a `grade` column when the file has one, else from the categories."""
    return "grade" if "grade" in dataset.columns else "category"


def _grade_order(frame: pd.DataFrame, column: str) -> list[str]:
    """Grade levels from the lowest to the highest paid (median hourly pay), whatever their labels."""
    hourly = (frame["base_pay"] + frame["variable_pay"]) / frame["annual_hours"]
    medians = hourly.groupby(frame[column]).median()
    return sorted(medians.index, key=lambda level: (medians[level], str(level)))


def _headcount_rows(table: pd.DataFrame, order: list | None = None) -> list[dict[str, Any]]:
    labels = [*(order if order is not None else table.index.drop(TOTAL)), TOTAL]
    return [
        {
            "label": _("All staff") if label == TOTAL else str(label),
            "total": label == TOTAL,
            **{name: table.at[label, name] for name in (*GENDERS, "female_pct")},
        }
        for label in labels
    ]


def staff_analysis(audit: Audit, dataset: StaffDataset) -> dict[str, Any]:
    """Headcounts, the leaky pipeline and the pay-gap indicators, all through the disclosure rule.

    Each headcount table is protected on its own; they share only the overall totals, so a count
    hidden in one cannot be worked out from another (no table crosses two breakdowns). Computed
    once per request for an audit instance.
    """
    cache = audit.__dict__.setdefault("_evidence_cache", {})
    if cache.get("analysis_of") != dataset.pk:
        cache["analysis"], cache["analysis_of"] = _staff_analysis(audit, dataset), dataset.pk
    return cache["analysis"]


def _staff_analysis(audit: Audit, dataset: StaffDataset) -> dict[str, Any]:
    k = audit.min_group_size
    frame = staff_frame(dataset)
    headcount = {
        column: _headcount_rows(headcount_by(frame, column, k))
        for column in HEADCOUNT_COLUMNS
        if column == "category" or column in dataset.columns
    }
    level_column = pipeline_column(dataset)
    pipeline = _headcount_rows(headcount_by(frame, level_column, k), _grade_order(frame, level_column))
    return {
        "k": k,
        "workers": len(frame),
        "headcount": headcount,
        "pipeline": {"column": level_column, "levels": pipeline},
        "pay_gap": pay_gap_indicators(frame, min_group=k),
    }


def staff_group_sizes(audit: Audit) -> dict[tuple[str, str], int] | None:
    """Workers by (gender, grade level), lower-cased, for deciding which profile is safe to show."""
    cache = audit.__dict__.setdefault("_evidence_cache", {})
    if "group_sizes" not in cache:
        dataset = staff_dataset(audit)
        if dataset is None:
            cache["group_sizes"] = None
        else:
            column = pipeline_column(dataset)
            rows = dataset.records.values_list("gender", column).annotate(n=Count("pk")).order_by()
            cache["group_sizes"] = {(gender, str(level).strip().lower()): n for gender, level, n in rows}
    return cache["group_sizes"]


PROFILE_GENDERS = {"woman": "female", "man": "male"}


def safe_profile(interview: Interview, audit: Audit) -> str:
    """The interviewee's profile as it may be shown beside an excerpt: never a name or role, and
    only the attributes (gender, grade) whose group in the staff data has at least k people.

    Without staff data nothing can be proven safe, so nothing is shown.
    """
    sizes = staff_group_sizes(audit)
    if not sizes:
        return ""
    k = audit.min_group_size
    gender = PROFILE_GENDERS.get(interview.gender)
    grade = interview.grade.strip().lower()

    def size(gender_value: str | None, grade_value: str | None) -> int:
        return sum(
            n
            for (g, level), n in sizes.items()
            if (gender_value is None or g == gender_value) and (grade_value is None or level == grade_value)
        )

    labels = {"female": _("women"), "male": _("men")}
    for with_gender, with_grade in ((True, True), (True, False), (False, True)):
        if (with_gender and not gender) or (with_grade and not grade):
            continue
        if size(gender if with_gender else None, grade if with_grade else None) >= k:
            parts = [str(labels[gender])] if with_gender else []
            if with_grade:
                parts.append(_("grade %(grade)s") % {"grade": interview.grade.strip()})
            return ", ".join(parts)
    return ""
