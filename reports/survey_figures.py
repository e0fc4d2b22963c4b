"""The staff survey in the report: each key area's answers and its women-vs-men chart, and its score.

Registered with reports.figures (imported from ReportsConfig.ready). The figures come from
audits.surveys' analysis, already through audits.disclosure, with the surveys' colours. The pages'
SVG charts (audits.surveys.charts) are not reused in print: WeasyPrint lays out SVG text several
times slower than HTML text, and twelve key areas of them break the report's time budget, so the
same figures are drawn here with reports.charts' HTML bars.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from audits.disclosure import Cell, footnote
from audits.models import Audit, KeyArea
from audits.surveys.charts import LIKERT_COLOURS
from audits.surveys.models import QuestionType, SurveyStatus
from audits.surveys.selectors import survey_analysis, survey_of
from reports import charts, formats
from reports.figures import Figure, figure_provider

LIKERT_SCALE = (1.0, 5.0)


def _analysis(audit: Audit):
    """The survey's analysis once per audit instance (figures and scores share it)."""
    cache = audit.__dict__.setdefault("_report_cache", {})
    if "survey" not in cache:
        survey = survey_of(audit)
        usable = survey is not None and survey.instrument_id and survey.status != SurveyStatus.SKIPPED
        cache["survey"] = survey_analysis(survey) if usable else None
    return cache["survey"]


def survey_scores(audit: Audit, key_areas: list[KeyArea]) -> dict[str, Cell]:
    """The mean Likert score (1-5) of each key area's questions."""
    analysis = _analysis(audit)
    if analysis is None:
        return {}
    return {figure.code: figure.mean for figure in analysis.key_areas if figure.mean is not None}


def _distribution(question) -> charts.StackRow:
    label = f"{question.code} {question.label}"
    if question.answers.suppressed or not question.answers.value:
        return charts.StackRow(label, (), hidden=formats.figure(question.answers))
    segments = [
        charts.Segment(float(choice.share.value or 0), LIKERT_COLOURS.get(choice.code, "#9e9e9e"))
        for choice in question.distribution
    ]
    return charts.StackRow(label, segments, value=formats.figure(question.answers))


def _difference(gap) -> str:
    if gap.gap.suppressed or gap.gap.value is None:
        return formats.figure(gap.gap) if gap.gap.suppressed else formats.NOT_AVAILABLE
    return formats.signed(gap.gap.value, 2) + ("*" if gap.significant else "")


@figure_provider(
    "survey", order=10, scores=survey_scores, score_label=gettext_lazy("Staff survey: mean score (1–5)")
)
def survey_figures(audit: Audit, key_areas: list[KeyArea]) -> dict[str, list[Figure]]:
    """Per key area, one figure: the answers to its Likert questions, and women's and men's means."""
    analysis = _analysis(audit)
    if analysis is None:
        return {}
    notes = (footnote(analysis.k),)
    gaps = {(gap.kind, gap.code): gap for gap in analysis.gaps}
    headings = (
        _("Answers"),
        _("Answered"),
        _("Mean score of women and men (1–5)"),
        pgettext("women minus men", "Gap"),
    )
    result: dict[str, list[Figure]] = {}
    for key_area in key_areas:
        questions = [
            q for q in analysis.questions if key_area.code in q.key_areas and q.type == QuestionType.LIKERT
        ]
        if not questions:
            continue
        rows = [
            _row(f"{q.code} {q.label}", _distribution(q), gaps.get(("question", q.code))) for q in questions
        ]
        overall = gaps.get(("key_area", key_area.code))
        if overall is not None:
            rows.insert(
                0,
                _row(
                    _("All questions of %(code)s") % {"code": key_area.code}, charts.StackRow("", ()), overall
                ),
            )
        title = _("Staff survey on %(code)s") % {"code": key_area.code}
        legend = [(LIKERT_COLOURS[code], label) for code, label in _likert_labels(questions[0])]
        caption = (
            _(
                "Answers: the share of each answer among those who answered, from 1 (not at all) to 5 "
                "(to the fullest extent) and “don't know”. Mean score of women and men: the gap is "
                "women's mean minus men's (* when its 95 %% interval excludes 0)."
            )
            % {}
        )
        result[key_area.code] = [
            Figure(
                title=title,
                markup=charts.survey(rows, title=title, legend=legend, scale=LIKERT_SCALE, headings=headings),
                caption=caption,
                notes=notes,
            )
        ]
    return result


def _row(label: str, answers: charts.StackRow, gap) -> charts.SurveyRow:
    if gap is None:
        return charts.SurveyRow(label, answers)
    return charts.SurveyRow(label, answers, gap.women, gap.men, _difference(gap))


def _likert_labels(question) -> list[tuple[str, str]]:
    return [(choice.code, choice.label) for choice in question.distribution if choice.code in LIKERT_COLOURS]
