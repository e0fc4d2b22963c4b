"""The survey analysis, computed column-wise with pandas on responses read in one query.

Nothing here returns a bare number about people: every figure is an `audits.disclosure.Cell`, so a
group of fewer than k respondents is hidden, and the groupings by gender and by gender x category
are protected together (`suppress_linked`) against recovery by subtraction from the overall figures.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from audits.disclosure import (
    TOTAL,
    Cell,
    SuppressedTable,
    breakdown_allowed,
    cell,
    suppress_counts,
    suppress_linked,
)
from audits.surveys.models import AGREE_VALUES, DONT_KNOW, QuestionType

NOT_STATED = "not_stated"
# Breakdowns by gender keep women and men apart and group everyone else: a PGA's unit rarely has k
# people of another identity, and a lone small column would cost the women's or men's figures.
OTHER_GENDERS = ("another", "undisclosed")
BOOTSTRAP_SEED = 2026
BOOTSTRAP_RESAMPLES = 2000
# Past this many answers in each group the bootstrap interval is the normal one (central limit);
# the normal formula is then used, exact and instant. A PGA's groups stay far below it.
LARGE_GROUP = 1000
SCORED = (QuestionType.LIKERT, QuestionType.YES_NO)


@dataclass(frozen=True)
class QuestionMeta:
    code: str
    type: str
    label: str
    key_areas: tuple[str, ...]
    choices: tuple[tuple[str, str], ...]  # (code, label in the active language)


@dataclass(frozen=True)
class ChoiceFigure:
    code: str
    label: str
    count: Cell
    share: Cell


@dataclass(frozen=True)
class ItemFigure:
    """Figures for one question or one key area, over everyone who answered it."""

    code: str
    label: str
    kind: str  # "key_area" or "question"
    type: str
    key_areas: tuple[str, ...]
    answers: Cell  # people who answered (a key area: any of its Likert questions)
    mean: Cell | None
    agree: Cell | None
    dont_know: Cell | None
    distribution: tuple[ChoiceFigure, ...] = ()


@dataclass(frozen=True)
class GroupFigure:
    mean: Cell | None
    agree: Cell | None


@dataclass(frozen=True)
class Breakdown:
    """Mean and share agreeing per item and group; groups are (code, label) pairs."""

    groups: tuple[tuple, ...]
    group_labels: dict
    rows: dict[str, dict]


@dataclass(frozen=True)
class Gap:
    """Women's mean minus men's, with a 95 % bootstrap interval (None when hidden)."""

    code: str
    label: str
    kind: str
    women: Cell
    men: Cell
    gap: Cell
    low: float | None
    high: float | None

    @property
    def significant(self) -> bool | None:
        if self.gap.suppressed or self.low is None or self.high is None:
            return None
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class SurveyAnalysis:
    k: int
    responses: Cell
    breakdowns_allowed: bool
    key_areas: list[ItemFigure]
    questions: list[ItemFigure]
    by_gender: Breakdown | None = None
    by_gender_category: Breakdown | None = None
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True)
class RepresentativenessRow:
    group: str
    label: str
    respondents: Cell
    respondents_share: Cell
    in_scope: Cell | None
    in_scope_share: Cell | None
    rate: Cell | None


@dataclass(frozen=True)
class Participation:
    k: int
    shown: bool
    responses: Cell
    people_in_scope: int | None
    rate: Cell | None
    table: SuppressedTable | None
    gender_labels: dict
    category_labels: dict
    representativeness: dict[str, list[RepresentativenessRow]]


# Per-respondent arrays ---------------------------------------------------------------------------


def group_labels(choices: list[tuple[str, str]], not_stated_label: str, *, merge=()) -> dict[str, str]:
    return {**{code: label for code, label in choices if code not in merge}, NOT_STATED: not_stated_label}


def profile_groups(values: pd.Series, choices: list[tuple[str, str]], *, merge=()) -> pd.Categorical:
    """Profile answers as groups: unknown or blank (and any code in `merge`) become NOT_STATED."""
    known = [code for code, _label in choices if code not in merge]
    return pd.Categorical(values.where(values.isin(known), NOT_STATED), categories=[*known, NOT_STATED])


@dataclass(frozen=True)
class ItemArrays:
    """For one question or key area, one entry per respondent.

    score: the Likert score (a key area: the respondent's mean over its Likert questions), NaN if none;
    agree / scored: the respondent's agreeing and substantive (not "don't know") answers.
    """

    score: np.ndarray
    agree: np.ndarray
    scored: np.ndarray

    @property
    def answered(self) -> np.ndarray:
        return self.scored > 0


def coded(answers: list[dict], questions: list[QuestionMeta]) -> dict[str, np.ndarray]:
    """Single-answer questions' answers as positions in their choices (-1: no or invalid answer).

    All answers are factorized at once, then each question maps the distinct values to its choices.
    """
    codes = [q.code for q in questions]
    if not codes:
        return {}
    values = np.array([list(map(answer.get, codes)) for answer in answers], dtype=object).reshape(
        -1, len(codes)
    )
    factorized, distinct = pd.factorize(values.ravel(), use_na_sentinel=True)
    factorized = factorized.reshape(values.shape)
    result = {}
    for column, question in enumerate(questions):
        position = {code: index for index, code in enumerate(c for c, _label in question.choices)}
        lookup = np.array([position.get(value, -1) for value in distinct] + [-1], dtype="int64")
        result[question.code] = lookup[factorized[:, column]]
    return result


def chosen(answers: list[dict], question: QuestionMeta) -> np.ndarray:
    """A multiple-choice question's answers as a respondents x choices boolean matrix."""
    codes = [code for code, _label in question.choices]
    matrix = np.zeros((len(answers), len(codes)), dtype=bool)
    position = {code: index for index, code in enumerate(codes)}
    for row, answer in enumerate(answers):
        for value in answer.get(question.code) or ():
            if value in position:
                matrix[row, position[value]] = True
    return matrix


def question_arrays(codes: np.ndarray, question: QuestionMeta) -> ItemArrays:
    choice_codes = [code for code, _label in question.choices]
    values = np.array([float(code) if code.isdigit() else np.nan for code in choice_codes] + [np.nan])
    agreeing = np.array([code in AGREE_VALUES for code in choice_codes] + [False])
    substantive = np.array([code != DONT_KNOW for code in choice_codes] + [False])
    # index -1 (no answer) reads the extra last entry
    score = values[codes] if question.type == QuestionType.LIKERT else np.full(len(codes), np.nan)
    return ItemArrays(
        score=score, agree=agreeing[codes].astype(float), scored=substantive[codes].astype(float)
    )


def area_arrays(items: list[ItemArrays], size: int) -> ItemArrays:
    """A key area from its Likert questions: each respondent's mean score, and pooled answers."""
    if not items:
        empty = np.zeros(size)
        return ItemArrays(score=np.full(size, np.nan), agree=empty, scored=empty)
    scores = np.column_stack([item.score for item in items])
    answered = ~np.isnan(scores)
    counts = answered.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(counts > 0, np.nansum(scores, axis=1) / np.maximum(counts, 1), np.nan)
    return ItemArrays(
        score=score,
        agree=np.column_stack([item.agree for item in items]).sum(axis=1),
        scored=counts.astype(float),
    )


def area_scores(
    answers: list[dict], questions: list[QuestionMeta], key_areas: list[str]
) -> dict[str, np.ndarray]:
    """Each respondent's score per key area (NaN when none), as `analyse` scores them.

    For figures beyond one survey (the programme portfolio), so they use this definition, not another.
    """
    likert = [q for q in questions if q.type == QuestionType.LIKERT]
    codes = coded(answers, likert)
    items = {q.code: question_arrays(codes[q.code], q) for q in likert}
    return {
        area: area_arrays([items[q.code] for q in likert if area in q.key_areas], len(answers)).score
        for area in key_areas
    }


# Overall figures ---------------------------------------------------------------------------------


def _mean(item: ItemArrays) -> float | None:
    valid = ~np.isnan(item.score)
    return float(item.score[valid].mean()) if valid.any() else None


def _agree(item: ItemArrays) -> float | None:
    total = item.scored.sum()
    return float(item.agree.sum() / total) if total else None


def question_figure(question: QuestionMeta, codes, matrix, item: ItemArrays | None, k: int) -> ItemFigure:
    if matrix is not None:
        answered_rows = matrix.any(axis=1)
        counts = matrix.sum(axis=0)
    else:
        answered_rows = codes >= 0
        counts = np.bincount(codes[answered_rows], minlength=len(question.choices))
    n_answers = int(answered_rows.sum())
    distribution = tuple(
        ChoiceFigure(
            code=code,
            label=label,
            count=cell(int(count), n_answers, k),
            share=cell(count / n_answers if n_answers else None, n_answers, k),
        )
        for (code, label), count in zip(question.choices, counts, strict=True)
    )
    scored_type = question.type in SCORED
    n_scored = int(item.answered.sum()) if item is not None else 0
    dont_know = next(
        (int(c) for (code, _l), c in zip(question.choices, counts, strict=True) if code == DONT_KNOW), 0
    )
    return ItemFigure(
        code=question.code,
        label=question.label,
        kind="question",
        type=question.type,
        key_areas=question.key_areas,
        answers=cell(n_answers, n_answers, k),
        mean=cell(_mean(item), n_scored, k) if question.type == QuestionType.LIKERT else None,
        agree=cell(_agree(item), n_scored, k) if scored_type else None,
        dont_know=cell(dont_know / n_answers if n_answers else None, n_answers, k) if scored_type else None,
        distribution=distribution,
    )


def area_figure(
    code: str, name: str, item: ItemArrays, answered: list, dont_know: list, k: int
) -> ItemFigure:
    """A key area over its Likert questions: people answering, mean of their scores, pooled shares.

    answered / dont_know: per Likert question of the area, which respondents answered it, and which
    of them said "don't know".
    """
    if answered:
        answered_matrix = np.column_stack(answered)
        n_answers = int(answered_matrix.sum())
        n_people = int(answered_matrix.any(axis=1).sum())
        n_dont_know = int(np.column_stack(dont_know).sum())
    else:
        n_answers = n_people = n_dont_know = 0
    n_scored = int(item.answered.sum())
    return ItemFigure(
        code=code,
        label=name,
        kind="key_area",
        type="key_area",
        key_areas=(code,),
        answers=cell(n_people, n_people, k),
        mean=cell(_mean(item), n_scored, k),
        agree=cell(_agree(item), n_scored, k),
        dont_know=cell(n_dont_know / n_answers if n_answers else None, n_people, k),
    )


# Breakdowns and gaps -----------------------------------------------------------------------------


def _group_sums(item: ItemArrays, groups: np.ndarray, size: int) -> dict[str, np.ndarray]:
    valid = item.answered
    has_score = ~np.isnan(item.score)
    return {
        "n": np.bincount(groups, weights=valid, minlength=size),
        "score": np.bincount(groups, weights=np.where(has_score, item.score, 0.0), minlength=size),
        "scored": np.bincount(groups, weights=has_score, minlength=size),
        "agree": np.bincount(groups, weights=item.agree, minlength=size),
        "answers": np.bincount(groups, weights=item.scored, minlength=size),
    }


def _group_figure(sums: dict, index: int, hidden: bool, has_mean: bool, k: int) -> GroupFigure:
    n = int(sums["n"][index])
    if n == 0:
        return GroupFigure(None, None)
    mean = sums["score"][index] / sums["scored"][index] if sums["scored"][index] else None
    answers = sums["answers"][index]
    return GroupFigure(
        mean=Cell(mean, n, hidden, k) if has_mean else None,
        agree=Cell(sums["agree"][index] / answers if answers else None, n, hidden, k),
    )


def _masks(table, codes: list[str], columns) -> dict[str, np.ndarray]:
    mask = table.mask.loc[codes, columns].to_numpy()
    return {code: mask[row] for row, code in enumerate(codes)}


def _breakdowns(
    items: dict, areas: list[str], gender: pd.Categorical, category: pd.Categorical, labels, k: int
):
    """Mean and share agreeing by gender (every item) and by gender x category (key areas).

    A key area's two groupings describe the same people, so their counts are suppressed as linked
    tables; a group's figures are hidden exactly where its count is. Returns the two breakdowns and,
    per item, which gender columns are hidden.
    """
    genders, categories = list(gender.categories), list(category.categories)
    fine_groups = gender.codes.astype("int64") * len(categories) + category.codes.astype("int64")
    fine_columns = pd.MultiIndex.from_product([genders, categories])
    sums = {code: _group_sums(item, fine_groups, len(fine_columns)) for code, (item, _m) in items.items()}
    coarse_sums = {
        code: {
            name: values.reshape(len(genders), len(categories)).sum(axis=1) for name, values in fine.items()
        }
        for code, fine in sums.items()
    }

    def counts(codes: list[str], columns, source) -> pd.DataFrame:
        values = np.array([source[code]["n"] for code in codes]).reshape(len(codes), len(columns))
        return pd.DataFrame(values, index=codes, columns=columns).astype("int64")

    area_table, fine_table = suppress_linked(
        counts(areas, genders, coarse_sums),
        counts(areas, fine_columns, sums),
        k,
        row_totals=True,
        column_totals=False,
    )
    hidden = _masks(area_table, areas, genders)
    questions = [code for code in items if code not in areas]
    if questions:
        question_table = suppress_counts(
            counts(questions, genders, coarse_sums), k, row_totals=True, column_totals=False
        )
        hidden |= _masks(question_table, questions, genders)
    fine_hidden = _masks(fine_table, areas, fine_columns)
    coarse_rows = {
        code: {
            g: _group_figure(coarse_sums[code], i, bool(hidden[code][i]), has_mean, k)
            for i, g in enumerate(genders)
        }
        for code, (_item, has_mean) in items.items()
    }
    fine_rows = {
        code: {
            column: _group_figure(sums[code], i, bool(fine_hidden[code][i]), True, k)
            for i, column in enumerate(fine_columns)
        }
        for code in areas
    }
    gender_labels, category_labels = labels
    fine_labels = {(g, c): f"{gender_labels[g]} · {category_labels[c]}" for g, c in fine_columns}
    gender_hidden = {code: dict(zip(genders, map(bool, mask), strict=True)) for code, mask in hidden.items()}
    return (
        Breakdown(groups=tuple(genders), group_labels=gender_labels, rows=coarse_rows),
        Breakdown(groups=tuple(fine_columns), group_labels=fine_labels, rows=fine_rows),
        gender_hidden,
    )


def bootstrap_gap_interval(a: np.ndarray, b: np.ndarray, *, seed, resamples: int = BOOTSTRAP_RESAMPLES):
    """95 % percentile interval of mean(a) - mean(b) by the nonparametric bootstrap.

    Resampling n answers with replacement from a set of distinct values is a multinomial draw over
    those values, so each resample costs the number of distinct values, not the number of answers.
    """
    rng = np.random.default_rng(seed)

    def resampled_means(values: np.ndarray) -> np.ndarray:
        distinct, counts = np.unique(values, return_counts=True)
        draws = rng.multinomial(len(values), counts / len(values), size=resamples)
        return draws @ distinct / len(values)

    differences = resampled_means(a) - resampled_means(b)
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


def normal_gap_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """95 % interval of mean(a) - mean(b) from the normal approximation (plug-in variances)."""
    gap = a.mean() - b.mean()
    half = 1.959964 * np.sqrt(a.var() / len(a) + b.var() / len(b))
    return float(gap - half), float(gap + half)


def gap_interval(a: np.ndarray, b: np.ndarray, *, seed) -> tuple[float, float]:
    if min(len(a), len(b)) >= LARGE_GROUP:
        return normal_gap_interval(a, b)
    return bootstrap_gap_interval(a, b, seed=seed)


def item_seed(code: str) -> list[int]:
    """A fixed seed per item, so the same data always gives the same interval."""
    return [BOOTSTRAP_SEED, zlib.crc32(code.encode())]


def _gap(code, label, kind, item: ItemArrays, is_woman, is_man, hidden: dict[str, bool], k: int) -> Gap:
    has_score = ~np.isnan(item.score)
    women = item.score[has_score & is_woman]
    men = item.score[has_score & is_man]
    women_hidden, men_hidden = hidden["woman"], hidden["man"]
    both = len(women) > 0 and len(men) > 0
    low = high = None
    if both and not (women_hidden or men_hidden):
        low, high = gap_interval(women, men, seed=item_seed(code))
    return Gap(
        code=code,
        label=label,
        kind=kind,
        women=Cell(women.mean() if len(women) else None, len(women), women_hidden, k),
        men=Cell(men.mean() if len(men) else None, len(men), men_hidden, k),
        gap=Cell(
            women.mean() - men.mean() if both else None,
            min(len(women), len(men)),
            women_hidden or men_hidden,
            k,
        ),
        low=low,
        high=high,
    )


def analyse(
    answers: list[dict],
    profiles: pd.DataFrame,
    questions: list[QuestionMeta],
    key_areas: list[tuple[str, str]],
    *,
    k: int,
    gender_choices: list[tuple[str, str]],
    category_choices: list[tuple[str, str]],
    not_stated_label: str,
    other_gender_label: str,
) -> SurveyAnalysis:
    """The full analysis of a survey's responses; `profiles` has gender and staff_category columns."""
    total = len(answers)
    question_items: dict[str, ItemArrays] = {}
    likert_masks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    question_figures = []
    single = coded(
        answers, [q for q in questions if q.type not in (QuestionType.TEXT, QuestionType.MULTIPLE)]
    )
    for question in questions:
        if question.type == QuestionType.TEXT:
            continue
        if question.type == QuestionType.MULTIPLE:
            question_figures.append(question_figure(question, None, chosen(answers, question), None, k))
            continue
        codes = single[question.code]
        item = question_arrays(codes, question)
        question_items[question.code] = item
        if question.type == QuestionType.LIKERT:
            dont_know = next((i for i, (c, _l) in enumerate(question.choices) if c == DONT_KNOW), -2)
            likert_masks[question.code] = (codes >= 0, codes == dont_know)
        question_figures.append(question_figure(question, codes, None, item, k))
    area_items, area_figures = {}, []
    for code, name in key_areas:
        members = [q.code for q in questions if q.type == QuestionType.LIKERT and code in q.key_areas]
        area_items[code] = area_arrays([question_items[m] for m in members], total)
        area_figures.append(
            area_figure(
                code,
                name,
                area_items[code],
                [likert_masks[m][0] for m in members],
                [likert_masks[m][1] for m in members],
                k,
            )
        )
    allowed = breakdown_allowed(total, k)
    result = SurveyAnalysis(
        k=k,
        responses=cell(total, total, k),
        breakdowns_allowed=allowed,
        key_areas=area_figures,
        questions=question_figures,
    )
    if not allowed:
        return result
    gender = profile_groups(profiles["gender"], gender_choices, merge=OTHER_GENDERS)
    category = profile_groups(profiles["staff_category"], category_choices)
    labels = (
        group_labels(gender_choices, other_gender_label, merge=OTHER_GENDERS),
        group_labels(category_choices, not_stated_label),
    )
    items = {code: (item, True) for code, item in area_items.items()}
    items |= {
        q.code: (question_items[q.code], q.type == QuestionType.LIKERT) for q in questions if q.type in SCORED
    }
    by_gender, by_gender_category, hidden = _breakdowns(items, list(area_items), gender, category, labels, k)
    is_woman, is_man = np.asarray(gender) == "woman", np.asarray(gender) == "man"
    gaps = [
        _gap(code, name, "key_area", area_items[code], is_woman, is_man, hidden[code], k)
        for code, name in key_areas
    ]
    gaps += [
        _gap(q.code, q.label, "question", question_items[q.code], is_woman, is_man, hidden[q.code], k)
        for q in questions
        if q.type == QuestionType.LIKERT
    ]
    return SurveyAnalysis(
        k=k,
        responses=result.responses,
        breakdowns_allowed=True,
        key_areas=area_figures,
        questions=question_figures,
        by_gender=by_gender,
        by_gender_category=by_gender_category,
        gaps=gaps,
    )


# Participation and representativeness ------------------------------------------------------------


def participation(
    profiles: pd.DataFrame,
    *,
    k: int,
    people_in_scope: int | None,
    population: dict,
    gender_choices: list[tuple[str, str]],
    category_choices: list[tuple[str, str]],
    not_stated_label: str,
    other_gender_label: str,
) -> Participation:
    """Responses against people in scope, by gender x category; nothing shown under k responses."""
    total = len(profiles)
    shown = breakdown_allowed(total, k)
    gender_labels = group_labels(gender_choices, other_gender_label, merge=OTHER_GENDERS)
    category_labels = group_labels(category_choices, not_stated_label)
    responses = Cell(total, total, not shown, k)
    if not shown:
        return Participation(
            k, False, responses, people_in_scope, None, None, gender_labels, category_labels, {}
        )
    rate = cell(total / people_in_scope, total, k) if people_in_scope else None
    gender = profile_groups(profiles["gender"], gender_choices, merge=OTHER_GENDERS)
    category = profile_groups(profiles["staff_category"], category_choices)
    counts = pd.crosstab(
        pd.Series(gender, name="gender"), pd.Series(category, name="category"), dropna=False
    ).reindex(index=list(gender.categories), columns=list(category.categories), fill_value=0)
    table = suppress_counts(counts, k)
    representativeness = {
        "gender": _representativeness(
            table, "rows", population.get("gender") or {}, gender_labels, k, merge=OTHER_GENDERS
        ),
        "staff_category": _representativeness(
            table, "columns", population.get("staff_category") or {}, category_labels, k
        ),
    }
    return Participation(
        k, True, responses, people_in_scope, rate, table, gender_labels, category_labels, representativeness
    )


def _representativeness(table, axis, population, labels, k, merge=()) -> list[RepresentativenessRow]:
    """Respondents' shares by group beside the shares of the people in scope (both protected)."""
    groups = [group for group in labels if group != NOT_STATED]
    in_scope = pd.Series(
        {group: int(population.get(group) or 0) for group in groups}, dtype="int64", name="in_scope"
    )
    for merged in merge:
        in_scope[NOT_STATED] = in_scope.get(NOT_STATED, 0) + int(population.get(merged) or 0)
    has_population = bool(in_scope.sum())
    scope_table = suppress_counts(in_scope, k) if has_population else None
    scope_total = int(in_scope.sum())
    total = int(table.counts.at[TOTAL, TOTAL])
    rows = []
    for group in [*groups, NOT_STATED]:
        respondents = table.cell(group, TOTAL) if axis == "rows" else table.cell(TOTAL, group)
        share = Cell(respondents.n / total if total else None, respondents.n, respondents.suppressed, k)
        scope_cell = scope_share = rate = None
        if scope_table is not None and group in in_scope.index:
            scope_cell = scope_table.cell(group, "in_scope")
            scope_share = Cell(scope_cell.n / scope_total, scope_cell.n, scope_cell.suppressed, k)
            rate = Cell(
                respondents.n / scope_cell.n if scope_cell.n else None,
                respondents.n,
                respondents.suppressed or scope_cell.suppressed,
                k,
            )
        rows.append(
            RepresentativenessRow(group, labels[group], respondents, share, scope_cell, scope_share, rate)
        )
    return rows
