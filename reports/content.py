"""What the report says: every section's data, read in a fixed number of queries and built in the
audit's language, with every figure about people through audits.disclosure.

The templates under templates/reports/ only lay this out; nothing here knows about pages.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import workflow
from audits.disclosure import TOTAL, Cell, cell, footnote, marker, suppress_counts
from audits.evidence import selectors as evidence
from audits.evidence.models import FindingKind
from audits.models import Audit, KeyArea, TeamRole
from audits.roadmap import selectors as roadmap
from audits.roadmap.charts import completion_chart
from audits.roadmap.models import ActionStatus, Priority
from audits.surveys.instruments import ordered_questions
from audits.surveys.models import QuestionType, SurveyStatus
from audits.surveys.selectors import instrument_with_content, survey_of, survey_participation
from config.i18n import translated
from reports import charts, formats
from reports.figures import Figure, key_area_figures, key_area_scores
from reports.models import ReportText
from selfassessment import selectors as geosa

TIMELINE_LABEL_CHARACTERS = 52


@dataclass
class FindingItem:
    number: str
    kind: str
    statement: str
    evidence: list[str]


@dataclass
class RecommendationItem:
    number: str
    key_area: KeyArea
    text: str
    answers: list[str]
    actions: list[str] = field(default_factory=list)


@dataclass
class ActionRow:
    number: str
    title: str
    description: str
    recommendation: str
    key_area: str
    owner: str
    start: datetime.date
    end: datetime.date
    priority: str
    priority_label: str
    indicator: str
    unit: str
    baseline: Any
    target: Any
    current: Any
    status: str
    status_label: str
    drop_reason: str
    progress: float | None = None
    values: tuple = (None, None, None)


@dataclass
class KeyAreaSection:
    key_area: KeyArea
    good_practices: list[FindingItem]
    gaps: list[FindingItem]
    figures: list[Figure]
    recommendations: list[RecommendationItem]
    actions: int


@dataclass
class Sources:
    documents: int
    documents_reviewed: int
    interviews: Cell
    interviewees: Cell
    workshops: int
    participants: dict[str, Cell] | None
    survey_status: str
    responses: Cell | None
    response_rate: Cell | None
    staff_workers: Cell | None


@dataclass
class ComparisonRow:
    label: str
    before: str
    after: str
    change: str


@dataclass
class Baseline:
    audit: Audit
    key_areas: list[tuple[KeyArea, list[ComparisonRow]]]
    indicators: list[ComparisonRow]


@dataclass
class ReportContent:
    audit: Audit
    language: str
    k: int
    marker: str
    footnote: str
    period: tuple[datetime.date | None, datetime.date | None]
    team: list[tuple[str, str]]
    phases: list[tuple[str, str]]
    sources: Sources
    key_areas: list[KeyAreaSection]
    recommendations: list[RecommendationItem]
    actions: list[ActionRow]
    timeline: Any
    staff: dict | None
    baseline: Baseline | None
    summary_text: list[str]
    totals: dict[str, int]
    instrument: list[tuple[str, list[dict]]]
    people_in_scope: Cell | None
    modality_description: str


# Data sources


def data_sources(audit: Audit, k: int) -> Sources:
    documents = audit.documents.aggregate(
        total=Count("pk", distinct=True),
        reviewed=Count("pk", filter=Q(assessments__isnull=False), distinct=True),
    )
    held = audit.interviews.filter(scheduled_at__lte=timezone.now()).aggregate(
        count=Count("pk"), people=Sum("participants")
    )
    people = int(held["people"] or 0)
    workshops = audit.workshops.aggregate(
        count=Count("pk"), women=Sum("women"), men=Sum("men"), other=Sum("other")
    )
    participants = None
    if workshops["count"]:
        counts = pd.Series({name: int(workshops[name] or 0) for name in ("women", "men", "other")})
        table = suppress_counts(counts, k)
        column = table.counts.columns[0]
        participants = {name: table.cell(name, column) for name in ("women", "men", "other")}
        participants["total"] = table.cell(TOTAL, column)
    survey = survey_of(audit)
    responses = rate = None
    survey_status = _("No staff survey was run.")
    if survey is not None and survey.status == SurveyStatus.SKIPPED:
        survey_status = _("The staff survey was skipped: %(reason)s") % {"reason": survey.skip_reason}
    elif survey is not None and survey.instrument_id:
        survey_status = survey.get_status_display()
        participation = survey_participation(survey)
        responses = participation.responses
        if participation.rate is not None:
            rate = Cell(
                None if participation.rate.value is None else participation.rate.value * 100,
                participation.rate.n,
                participation.rate.suppressed,
                k,
            )
    dataset = evidence.staff_dataset(audit)
    return Sources(
        documents=documents["total"],
        documents_reviewed=documents["reviewed"],
        interviews=cell(held["count"], people, k),
        interviewees=cell(people, people, k),
        workshops=workshops["count"],
        participants=participants,
        survey_status=survey_status,
        responses=responses,
        response_rate=rate,
        staff_workers=cell(dataset.workers, dataset.workers, k) if dataset else None,
    )


# Findings, recommendations and the roadmap


def report_key_areas(audit: Audit, extra: set[int]) -> list[KeyArea]:
    """The selected key areas (all the methodology's when none is), plus any that holds content."""
    selected = list(audit.key_areas.order_by("order"))
    if not selected:
        selected = list(audit.methodology.key_areas.order_by("order"))
    missing = extra - {key_area.pk for key_area in selected}
    if missing:
        selected += list(KeyArea.objects.filter(pk__in=missing))
    return sorted(selected, key=lambda key_area: key_area.order)


def _indicator_value(value, unit: str) -> str:
    if value is None:
        return formats.NOT_AVAILABLE
    text = formats.number(value, 0 if value == int(value) else 1)
    if unit == "%":
        return formats.percent(value, 0 if value == int(value) else 1)
    return f"{text} {unit}".strip()


def _timeline(rows: list[ActionRow], today: datetime.date | None) -> Any:
    """The roadmap as a Gantt chart (labels cut to one line; the table has them in full)."""
    if not rows:
        return None
    span = (min(row.start for row in rows), max(row.end for row in rows))
    return charts.timeline(
        [
            charts.TimelineRow(row.number, _one_line(row.title), row.start, row.end, row.priority, row.status)
            for row in rows
        ],
        span=span,
        title=_("Roadmap timeline"),
        today=today,
    )


def _one_line(text: str, limit: int = TIMELINE_LABEL_CHARACTERS) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


def _baseline(audit: Audit, key_areas: list[KeyArea], scores: list, staff: dict | None) -> Baseline | None:
    earlier = roadmap.baseline_of(audit)
    if earlier is None:
        return None
    earlier_scores = key_area_scores(earlier, key_areas)
    before_counts = _finding_counts(earlier)
    after_counts = _finding_counts(audit)
    self_rated = _self_rated_levels(earlier)
    rows = []
    for key_area in key_areas:
        comparison = []
        if self_rated:
            label = _("Self-rated maturity level (1–5)")
            then = formats.number(self_rated.get(key_area.code))
            comparison.append(ComparisonRow(label, then, formats.NOT_AVAILABLE, formats.NOT_AVAILABLE))
        for (label, now), (_label, then) in zip(scores, earlier_scores, strict=True):
            comparison.append(_compare(label, then.get(key_area.code), now.get(key_area.code), decimals=2))
        for kind, label in ((FindingKind.GOOD_PRACTICE, _("Good practices")), (FindingKind.GAP, _("Gaps"))):
            then, now = before_counts[(key_area.code, kind)], after_counts[(key_area.code, kind)]
            comparison.append(
                ComparisonRow(label, formats.number(then), formats.number(now), formats.signed(now - then, 0))
            )
        rows.append((key_area, comparison))
    indicators = []
    earlier_dataset = evidence.staff_dataset(earlier)
    earlier_staff = evidence.staff_analysis(earlier, earlier_dataset) if earlier_dataset else None
    for label, pick in (
        (_("Share of women in the staff"), lambda analysis: _overall_share(analysis)),
        (_("Mean gender pay gap"), lambda analysis: _gap(analysis, "mean_gap_pct")),
        (_("Median gender pay gap"), lambda analysis: _gap(analysis, "median_gap_pct")),
    ):
        then = pick(earlier_staff) if earlier_staff else None
        now = pick(staff) if staff else None
        if then is not None or now is not None:
            indicators.append(_compare(label, then, now, decimals=1, pct=True))
    then_done, now_done = _completion(earlier), _completion(audit)
    indicators.append(_compare(_("Roadmap actions done"), then_done, now_done, decimals=0, pct=True))
    return Baseline(audit=earlier, key_areas=rows, indicators=indicators)


def _self_rated_levels(audit: Audit) -> dict[str, int]:
    """A GEOSA baseline's self-rated level per key area (a facilitated audit rates nothing)."""
    if not geosa.is_geosa(audit):
        return {}
    return {rating.key_area.code: rating.level for rating in geosa.ratings_of(audit)}


def _finding_counts(audit: Audit) -> Counter:
    rows = audit.findings.values("key_area__code", "kind").annotate(n=Count("pk")).order_by()
    return Counter({(row["key_area__code"], row["kind"]): row["n"] for row in rows})


def _overall_share(analysis: dict) -> Cell | None:
    everyone = next((row for row in analysis["headcount"]["category"] if row["total"]), None)
    return everyone["female_pct"] if everyone else None


def _gap(analysis: dict, key: str) -> Cell:
    value = analysis["pay_gap"][key]
    return Cell(value, analysis["workers"], value is None, analysis["k"])


def _completion(audit: Audit) -> Cell | None:
    counts = roadmap.status_counts(audit)
    active = sum(counts.values()) - counts[ActionStatus.DROPPED]
    if not active:
        return None
    return Cell(round(100 * counts[ActionStatus.DONE] / active, 1), active)


def _compare(
    label: str, then: Cell | None, now: Cell | None, *, decimals: int, pct: bool = False
) -> ComparisonRow:
    change = formats.NOT_AVAILABLE
    comparable = then is not None and now is not None and not (then.suppressed or now.suppressed)
    if comparable and then.value is not None and now.value is not None:
        change = formats.signed(float(now.value) - float(then.value), decimals)
        if pct:
            change = _("%(change)s points") % {"change": change}
    return ComparisonRow(
        label,
        formats.figure(then, decimals, pct=pct) if then is not None else formats.NOT_AVAILABLE,
        formats.figure(now, decimals, pct=pct) if now is not None else formats.NOT_AVAILABLE,
        change,
    )


# Staff statistics


def _staff(audit: Audit) -> dict | None:
    dataset = evidence.staff_dataset(audit)
    if dataset is None:
        return None
    analysis = evidence.staff_analysis(audit, dataset)
    k = analysis["k"]
    pay_gap = analysis["pay_gap"]
    levels = [row for row in analysis["pipeline"]["levels"] if not row["total"]]
    categories = []
    for row in pay_gap["categories"]:
        hidden = row["suppressed"]
        categories.append(
            {
                "category": row["category"],
                "women": marker(k) if row["female"] is None else formats.number(row["female"]),
                "men": marker(k) if row["male"] is None else formats.number(row["male"]),
                "base": marker(k) if hidden else formats.percent(row["base_gap_pct"]),
                "variable": marker(k) if hidden else formats.percent(row["variable_gap_pct"]),
                "total": marker(k) if hidden else formats.percent(row["total_gap_pct"]),
                "trigger": row["joint_assessment_trigger"],
            }
        )
    gap_rows = [
        charts.BarRow(
            row["category"],
            Cell(row["total_gap_pct"], 0 if row["suppressed"] else k, row["suppressed"], k),
            charts.WOMEN,
        )
        for row in pay_gap["categories"]
    ]
    largest = max((abs(row["total_gap_pct"] or 0) for row in pay_gap["categories"]), default=0)
    scale = max(10.0, float(int(largest / 5) + 1) * 5)
    headline = [
        (_("Mean gender pay gap (hourly pay)"), pay_gap["mean_gap_pct"]),
        (_("Median gender pay gap (hourly pay)"), pay_gap["median_gap_pct"]),
        (_("Mean gap in variable pay"), pay_gap["variable_mean_gap_pct"]),
        (_("Median gap in variable pay"), pay_gap["variable_median_gap_pct"]),
    ]
    return {
        "k": k,
        "analysis": analysis,
        "workers": {
            name: marker(k) if value is None else formats.number(value)
            for name, value in pay_gap["workers"].items()
        },
        "headcount": analysis["headcount"]["category"],
        "pipeline_column": analysis["pipeline"]["column"],
        "pipeline": analysis["pipeline"]["levels"],
        "pipeline_chart": charts.bars(
            [charts.BarRow(row["label"], row["female_pct"]) for row in levels],
            title=_("Share of women by grade, lowest to highest paid"),
            scale=(0, 100),
            decimals=0,
            pct=True,
            reference=50,
            reference_label=_("parity"),
        )
        if levels
        else None,
        "headline": [
            (label, marker(k) if value is None else formats.percent(value)) for label, value in headline
        ],
        "variable_share": {
            name: marker(k) if value is None else formats.percent(value)
            for name, value in pay_gap["variable_pay_share_pct"].items()
        },
        "quartiles_chart": charts.quartiles(pay_gap["quartiles"], k=k),
        "categories": categories,
        "categories_chart": charts.bars(
            gap_rows,
            title=_("Gender pay gap by category of workers"),
            scale=(-scale, scale),
            decimals=1,
            pct=True,
            reference=0,
            reference_label=_("no gap"),
        )
        if gap_rows
        else None,
        "triggers": [row["category"] for row in pay_gap["categories"] if row["joint_assessment_trigger"]],
    }


# Context


def _team(audit: Audit) -> list[tuple[str, str]]:
    order = {role: index for index, role in enumerate(TeamRole.values)}
    members = sorted(audit.team.select_related("user"), key=lambda m: (order[m.role], m.user.last_name))
    return [
        (member.user.get_full_name() or member.user.username, member.get_role_display()) for member in members
    ]


def _phases(audit: Audit) -> list[tuple[str, str]]:
    entered: dict[str, datetime.datetime] = {}
    for to_phase, at in audit.transitions.order_by("at", "pk").values_list("to_phase", "at"):
        entered.setdefault(to_phase, at)
    phases = workflow.phases(audit)
    if phases:
        entered.setdefault(phases[0].code, audit.created_at)
    return [
        (phase.name, formats.date(timezone.localtime(entered[phase.code])))
        for phase in phases
        if phase.code in entered
    ]


def _instrument(audit: Audit) -> list[tuple[str, list[dict]]]:
    survey = survey_of(audit)
    if survey is None or not survey.instrument_id or survey.status == SurveyStatus.SKIPPED:
        return []
    instrument = instrument_with_content(survey.instrument_id)
    labels = dict(QuestionType.choices)
    sections: dict[str, list[dict]] = defaultdict(list)
    names = {}
    for question in ordered_questions(instrument):
        names[question.section_id] = question.section.name
        sections[question.section_id].append(
            {
                "code": question.code,
                "text": question.label,
                "type": labels.get(question.type, question.type),
                "key_areas": ", ".join(question.key_areas),
            }
        )
    return [(names[section], questions) for section, questions in sections.items()]


# The whole report


def numbered_findings(findings: list, key_areas: list[KeyArea]) -> tuple[dict, dict]:
    """Findings numbered F1, F2… in the report's order (key area, good practices before gaps)."""
    numbers: dict[int, str] = {}
    by_area: dict[int, dict[str, list[FindingItem]]] = defaultdict(lambda: defaultdict(list))
    for key_area in key_areas:
        for kind in (FindingKind.GOOD_PRACTICE, FindingKind.GAP):
            for finding in (f for f in findings if f.key_area_id == key_area.pk and f.kind == kind):
                numbers[finding.pk] = f"F{len(numbers) + 1}"
                by_area[key_area.pk][kind].append(
                    FindingItem(
                        number=numbers[finding.pk],
                        kind=kind,
                        statement=finding.statement,
                        evidence=[item.snapshot for item in finding.evidence.all()],
                    )
                )
    return numbers, by_area


def numbered_roadmap(
    recommendations: list, actions: list, finding_numbers: dict[int, str]
) -> tuple[dict[int, RecommendationItem], list[ActionRow]]:
    """Recommendations numbered R1… and actions A1…, each action naming the recommendation it serves."""
    items: dict[int, RecommendationItem] = {}
    ordered = sorted(recommendations, key=lambda r: (r.key_area.order, r.order, r.pk))
    for index, recommendation in enumerate(ordered, start=1):
        items[recommendation.pk] = RecommendationItem(
            number=f"R{index}",
            key_area=recommendation.key_area,
            text=recommendation.text,
            answers=[finding_numbers[f.pk] for f in recommendation.findings.all() if f.pk in finding_numbers],
        )
    priorities, statuses = dict(Priority.choices), dict(ActionStatus.choices)
    rows = []
    for index, action in enumerate(actions, start=1):
        item = items[action.recommendation_id]
        item.actions.append(f"A{index}")
        rows.append(
            ActionRow(
                number=f"A{index}",
                title=action.title,
                description=action.description,
                recommendation=item.number,
                key_area=action.recommendation.key_area.code,
                owner=action.owner,
                start=action.start,
                end=action.end,
                priority=action.priority,
                priority_label=str(priorities[action.priority]),
                indicator=action.indicator,
                unit=action.unit,
                baseline=_indicator_value(action.baseline, action.unit),
                target=_indicator_value(action.target, action.unit),
                current=_indicator_value(action.current, action.unit),
                status=action.status,
                status_label=str(statuses[action.status]),
                drop_reason=action.drop_reason,
                progress=roadmap.indicator_progress(action),
                values=(action.baseline, action.target, action.current),
            )
        )
    return items, rows


def build(audit: Audit) -> ReportContent:
    """Everything the report prints; call inside translation.override(audit's language)."""
    k = audit.min_group_size
    findings = list(evidence.findings_of(audit))
    recommendations = list(roadmap.recommendations_of(audit))
    key_areas = report_key_areas(
        audit, {f.key_area_id for f in findings} | {r.key_area_id for r in recommendations}
    )
    numbers, by_area = numbered_findings(findings, key_areas)
    recommendation_items, rows = numbered_roadmap(recommendations, list(roadmap.actions_of(audit)), numbers)
    figures = key_area_figures(audit, key_areas)
    action_counts = Counter(row.key_area for row in rows)
    sections = [
        KeyAreaSection(
            key_area=key_area,
            good_practices=by_area[key_area.pk][FindingKind.GOOD_PRACTICE],
            gaps=by_area[key_area.pk][FindingKind.GAP],
            figures=figures.get(key_area.code, []),
            recommendations=[
                item for item in recommendation_items.values() if item.key_area.pk == key_area.pk
            ],
            actions=action_counts[key_area.code],
        )
        for key_area in key_areas
    ]
    staff = _staff(audit)
    scores = key_area_scores(audit, key_areas)
    text = ReportText.objects.filter(audit=audit).values_list("executive_summary", flat=True).first() or ""
    totals = {
        "key_areas": len(key_areas),
        "good_practices": sum(len(s.good_practices) for s in sections),
        "gaps": sum(len(s.gaps) for s in sections),
        "recommendations": len(recommendation_items),
        "actions": len(rows),
        "high_priority": sum(1 for row in rows if row.priority == Priority.HIGH),
        "done": sum(1 for row in rows if row.status == ActionStatus.DONE),
    }
    return ReportContent(
        audit=audit,
        language=audit.language,
        k=k,
        marker=marker(k),
        footnote=footnote(k),
        period=(audit.planned_start, audit.planned_end),
        team=_team(audit),
        phases=_phases(audit),
        sources=data_sources(audit, k),
        key_areas=sections,
        recommendations=list(recommendation_items.values()),
        actions=rows,
        timeline=_timeline(rows, None),
        staff=staff,
        baseline=_baseline(audit, key_areas, scores, staff["analysis"] if staff else None),
        summary_text=[paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()],
        totals=totals,
        instrument=_instrument(audit),
        people_in_scope=cell(audit.people_in_scope, audit.people_in_scope, k)
        if audit.people_in_scope
        else None,
        modality_description=translated(audit.modality.description),
    )


# The follow-up progress report


@dataclass
class ProgressContent:
    audit: Audit
    language: str
    counts: dict[str, int]
    percent_done: float
    chart: Any
    actions: list[ActionRow]
    timeline: Any
    updates: list[dict]
    issued: Any


def build_progress(audit: Audit, *, today: datetime.date | None = None) -> ProgressContent:
    """The short follow-up report: completion over time and each action's latest status and value."""
    _items, rows = numbered_roadmap(
        list(roadmap.recommendations_of(audit)), list(roadmap.actions_of(audit)), {}
    )
    counts = roadmap.status_counts(audit)
    history = roadmap.completion_history(audit)
    active = sum(counts.values()) - counts[ActionStatus.DROPPED]
    updates = [
        {
            "date": formats.date(timezone.localtime(update.recorded_at)),
            "action": update.action.title,
            "status": update.get_status_display(),
            "value": _indicator_value(update.value, update.action.unit) if update.value is not None else "",
            "note": update.note,
        }
        for update in roadmap.latest_updates(audit, limit=30)
    ]
    return ProgressContent(
        audit=audit,
        language=audit.language,
        counts={str(label): counts[code] for code, label in ActionStatus.choices},
        percent_done=round(100 * counts[ActionStatus.DONE] / active, 1) if active else 0.0,
        chart=completion_chart(
            [(point.day, point.percent) for point in history], title=_("Share of roadmap actions done")
        )
        if history
        else None,
        actions=rows,
        timeline=_timeline(rows, today or timezone.localdate()),
        updates=updates,
        issued=audit.report_snapshots.defer("pdf").order_by("-version").first(),
    )
