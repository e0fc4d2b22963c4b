"""The evidence sources a key area's board gathers, and the registry other sub-apps plug into.

A source is a function `items(audit, key_area, user) -> list[EvidenceItem]` registered under a
code. The board shows every source's items; a finding cites items by their `key` ("kind:ref");
the `evidence_per_key_area` guard asks every source which key areas it covers.

Registering a source from another sub-app (the surveys app, for instance), in a module imported
from its AppConfig.ready():

    from audits.evidence.sources import EvidenceItem, evidence_source

    def survey_key_areas(audit) -> set[str]:
        # codes of the key areas with at least one result, in a query or two
        ...

    @evidence_source("survey", label=_("Survey results"), order=10, covers=survey_key_areas)
    def survey_results(audit, key_area, user):
        return [
            EvidenceItem(
                kind="survey_result",          # an EvidenceKind value; the finding stores `ref`
                ref=question.code,             # stable within the audit (survey_question_code)
                label=question.text,
                text="62 % agree (n = 48)",    # already through audits.disclosure, safe to cite
                source=_("Staff survey"),
            )
            for question in ...
        ]

Contract: `items` is called only for a user on the facilitation team, or with user=None by the
guard (a system check whose result never shows an item); it returns only this audit's items for
this key area, in a constant number of queries; `text` and `source` carry no name and no figure or
attribute about fewer than the audit's min_group_size people, because findings copy them into the
report. `covers(audit)` is optional: without it the guard calls `items` for each selected key area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from audits.disclosure import marker
from audits.evidence import selectors
from audits.evidence.models import (
    DocumentAssessment,
    EvidenceKind,
    Excerpt,
    ExcerptKind,
    StaffRecord,
    WorkshopStatement,
)
from audits.models import Audit, KeyArea


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence as the board shows it and a finding cites it."""

    kind: str
    ref: str
    label: str
    text: str
    source: str = ""
    tag: str = ""
    tag_label: str = ""
    url: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"

    @property
    def citation(self) -> str:
        """The text a finding keeps: the content and where it comes from, nothing identifying."""
        return f"{self.text} ({self.source})" if self.source else self.text


Items = Callable[[Audit, KeyArea, Any], list[EvidenceItem]]
Covers = Callable[[Audit], set[str]]


@dataclass(frozen=True)
class EvidenceSource:
    code: str
    label: Any
    items: Items
    covers: Covers | None = None
    order: int = 100


SOURCES: dict[str, EvidenceSource] = {}


def evidence_source(code: str, *, label, order: int = 100, covers: Covers | None = None) -> Callable:
    """Register `items` as the evidence source `code`; registering a code again replaces it."""

    def register(items: Items) -> Items:
        SOURCES[code] = EvidenceSource(code=code, label=label, items=items, covers=covers, order=order)
        return items

    return register


def registered() -> list[EvidenceSource]:
    return sorted(SOURCES.values(), key=lambda source: (source.order, source.code))


def board(audit: Audit, key_area: KeyArea, user) -> list[tuple[EvidenceSource, list[EvidenceItem]]]:
    """Every source with its items for this key area, in the sources' order."""
    return [(source, source.items(audit, key_area, user)) for source in registered()]


def items_by_key(audit: Audit, key_area: KeyArea, user) -> dict[str, EvidenceItem]:
    return {item.key: item for _source, items in board(audit, key_area, user) for item in items}


def covered_key_areas(audit: Audit) -> set[str]:
    """Codes of the selected key areas with at least one item from any source."""
    selected = selectors.selected_key_areas(audit)
    codes = {key_area.code for key_area in selected}
    covered: set[str] = set()
    for source in registered():
        if source.covers is not None:
            covered |= source.covers(audit) & codes
        else:
            covered |= {
                ka.code for ka in selected if ka.code not in covered and source.items(audit, ka, None)
            }
    return covered


# The sources of this app.


def _excerpt_key_areas(audit: Audit) -> set[str]:
    return set(
        Excerpt.objects.filter(interview__audit=audit).values_list("key_areas__code", flat=True).distinct()
    )


@evidence_source("excerpts", label=gettext_lazy("Interview excerpts"), order=20, covers=_excerpt_key_areas)
def interview_excerpts(audit: Audit, key_area: KeyArea, user) -> list[EvidenceItem]:
    excerpts = (
        Excerpt.objects.filter(interview__audit=audit, key_areas=key_area)
        .select_related("interview")
        .order_by("interview__scheduled_at", "pk")
    )
    items = []
    for excerpt in excerpts:
        interview = excerpt.interview
        profile = selectors.safe_profile(interview, audit)
        kind = _("Group interview") if interview.kind == "group" else _("Interview")
        text = f"“{excerpt.text}”" if excerpt.kind == ExcerptKind.QUOTATION else excerpt.text
        items.append(
            EvidenceItem(
                kind=EvidenceKind.EXCERPT,
                ref=str(excerpt.pk),
                label=f"{kind} — {excerpt.get_code_display()}",
                text=text,
                source=f"{kind}, {profile}" if profile else kind,
                tag=excerpt.code,
                tag_label=excerpt.get_code_display(),
                url=reverse("evidence:interview", args=[audit.pk, interview.pk]),
            )
        )
    return items


def _statement_key_areas(audit: Audit) -> set[str]:
    return set(
        WorkshopStatement.objects.filter(workshop__audit=audit, promoted=True)
        .values_list("key_area__code", flat=True)
        .distinct()
    )


@evidence_source(
    "workshops", label=gettext_lazy("Workshop statements"), order=30, covers=_statement_key_areas
)
def workshop_statements(audit: Audit, key_area: KeyArea, user) -> list[EvidenceItem]:
    statements = (
        WorkshopStatement.objects.filter(workshop__audit=audit, key_area=key_area, promoted=True)
        .select_related("workshop")
        .order_by("workshop__date", "pk")
    )
    return [
        EvidenceItem(
            kind=EvidenceKind.WORKSHOP_STATEMENT,
            ref=str(statement.pk),
            label=f"{statement.workshop.title} — {statement.get_kind_display()}",
            text=statement.text,
            source=_("Participatory workshop"),
            tag=statement.kind,
            tag_label=statement.get_kind_display(),
            url=reverse("evidence:workshop", args=[audit.pk, statement.workshop_id]),
        )
        for statement in statements
    ]


def _document_key_areas(audit: Audit) -> set[str]:
    return set(
        DocumentAssessment.objects.filter(document__audit=audit)
        .values_list("key_area__code", flat=True)
        .distinct()
    )


@evidence_source("documents", label=gettext_lazy("Reviewed documents"), order=40, covers=_document_key_areas)
def document_reviews(audit: Audit, key_area: KeyArea, user) -> list[EvidenceItem]:
    assessments = (
        DocumentAssessment.objects.filter(document__audit=audit, key_area=key_area)
        .select_related("document", "key_area")
        .order_by("document__title", "criterion")
    )
    items = []
    for assessment in assessments:
        document = assessment.document
        text = f"{assessment.criterion_text} {assessment.get_rating_display()}."
        if assessment.notes:
            text = f"{text} {assessment.notes}"
        items.append(
            EvidenceItem(
                kind=EvidenceKind.DOCUMENT_REVIEW,
                ref=str(assessment.pk),
                label=f"{document.title} — {assessment.get_rating_display()}",
                text=text,
                source=f"{document.get_doc_type_display()}: {document.title}",
                tag=assessment.rating,
                tag_label=assessment.get_rating_display(),
                url=reverse("evidence:document", args=[audit.pk, document.pk]),
            )
        )
    return items


# Staff statistics are evidence for the staffing key area; the code is the library's stable code.
STAFF_KEY_AREAS_DEFAULT = ("KA08",)


def staff_key_areas() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(getattr(settings, "EVIDENCE_STAFF_KEY_AREAS", STAFF_KEY_AREAS_DEFAULT))


def _staff_covers(audit: Audit) -> set[str]:
    if not StaffRecord.objects.filter(dataset__audit=audit).exists():
        return set()
    return set(staff_key_areas())


def _pct(value: float | None, k: int, hidden: bool = False) -> str:
    if hidden:
        return _("a share not shown (%(marker)s: a small group)") % {"marker": marker(k)}
    return _("not available") if value is None else f"{value:.1f} %"


@evidence_source("staff", label=gettext_lazy("Staff statistics"), order=50, covers=_staff_covers)
def staff_figures(audit: Audit, key_area: KeyArea, user) -> list[EvidenceItem]:
    if key_area.code not in staff_key_areas():
        return []
    dataset = selectors.staff_dataset(audit)
    if dataset is None:
        return []
    analysis = selectors.staff_analysis(audit, dataset)
    k = analysis["k"]
    gap = analysis["pay_gap"]
    url = reverse("evidence:staff", args=[audit.pk])
    source = _("Staff file %(name)s") % {"name": dataset.source_name}
    everyone = next(row for row in analysis["headcount"]["category"] if row["total"])
    share = everyone["female_pct"]
    items = [
        EvidenceItem(
            kind=EvidenceKind.STAFF_INDICATOR,
            ref="female_share",
            label=_("Share of women"),
            text=_("Women are %(share)s of the staff (women and men).")
            % {"share": _pct(share.value, k, share.suppressed)},
            source=source,
            url=url,
        ),
        EvidenceItem(
            kind=EvidenceKind.STAFF_INDICATOR,
            ref="mean_gap_pct",
            label=_("Mean gender pay gap"),
            text=_("Mean hourly pay gap: %(gap)s of men's pay (positive: women earn less).")
            % {"gap": _pct(gap["mean_gap_pct"], k)},
            source=source,
            url=url,
        ),
        EvidenceItem(
            kind=EvidenceKind.STAFF_INDICATOR,
            ref="median_gap_pct",
            label=_("Median gender pay gap"),
            text=_("Median hourly pay gap: %(gap)s of men's pay.") % {"gap": _pct(gap["median_gap_pct"], k)},
            source=source,
            url=url,
        ),
    ]
    levels = [row for row in analysis["pipeline"]["levels"] if not row["total"]]
    if len(levels) >= 2:
        low, high = levels[0], levels[-1]
        items.append(
            EvidenceItem(
                kind=EvidenceKind.STAFF_INDICATOR,
                ref="pipeline",
                label=_("Leaky pipeline"),
                text=_(
                    "Women are %(low)s of the lowest-paid grade (%(low_label)s) and %(high)s of the "
                    "highest-paid grade (%(high_label)s)."
                )
                % {
                    "low": _pct(low["female_pct"].value, k, low["female_pct"].suppressed),
                    "low_label": low["label"],
                    "high": _pct(high["female_pct"].value, k, high["female_pct"].suppressed),
                    "high_label": high["label"],
                },
                source=source,
                url=url,
            )
        )
    triggered = [row["category"] for row in gap["categories"] if row["joint_assessment_trigger"]]
    if triggered:
        items.append(
            EvidenceItem(
                kind=EvidenceKind.STAFF_INDICATOR,
                ref="joint_assessment",
                label=_("Joint pay assessment"),
                text=_("A gap of 5 %% or more calls for a joint pay assessment (Article 10) in: %(list)s.")
                % {"list": ", ".join(str(name) for name in triggered)},
                source=source,
                tag="gap",
                tag_label=pgettext("finding kind", "Gap"),
                url=url,
            )
        )
    return items
