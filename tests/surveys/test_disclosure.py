"""Survey tables built to leak: every hidden figure must stay out of reach of an attacker's algebra.

The checker (tests/audits/test_disclosure.py) solves every "these add up" relation the output shows.
"""

import numpy as np
import pandas as pd
import pytest

from audits.disclosure import TOTAL
from audits.surveys.analysis import NOT_STATED, QuestionMeta, analyse, participation
from tests.audits.test_disclosure import (
    assert_nothing_recoverable,
    assert_primary,
    figures,
    table_equations,
)

GENDERS = [("woman", "Woman"), ("man", "Man"), ("another", "Another"), ("undisclosed", "Prefer not to say")]
CATEGORIES = [("senior", "Senior"), ("professional", "Professional"), ("support", "Support")]
LIKERT = tuple((code, code) for code in ("1", "2", "3", "4", "5", "dk"))


def profiles(groups: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [(gender, category) for (gender, category), n in groups.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["gender", "staff_category"])


# A category with 2 women and 40 men, one "another" respondent, and a few who say nothing.
LEAKY = {
    ("woman", "senior"): 2,
    ("man", "senior"): 40,
    ("woman", "professional"): 20,
    ("man", "professional"): 18,
    ("woman", "support"): 12,
    ("man", "support"): 9,
    ("another", "support"): 1,
    ("", "professional"): 6,
}


def test_participation_by_gender_and_category_resists_subtraction():
    result = participation(
        profiles(LEAKY),
        k=5,
        people_in_scope=150,
        population={},
        gender_choices=GENDERS,
        category_choices=CATEGORIES,
        not_stated_label="Not stated",
        other_gender_label="Other or not stated",
    )
    counts, mask = result.table.counts, result.table.mask
    assert mask.at["woman", "senior"] and mask.at[NOT_STATED, "support"]  # 1 person of another identity
    assert_primary(counts, mask)
    values, hidden = figures("t", counts, mask)
    assert_nothing_recoverable(table_equations("t", counts), values, hidden)
    # the shown figures are the true ones, and the totals add up to what respondents there are
    assert result.table.cell(TOTAL, TOTAL).value == sum(LEAKY.values())
    shown = [(r, c) for r in counts.index for c in counts.columns if not mask.at[r, c]]
    assert all(result.table.cell(r, c).value == counts.at[r, c] for r, c in shown)


def test_representativeness_hides_small_groups_of_people_in_scope_too():
    result = participation(
        profiles(LEAKY),
        k=5,
        people_in_scope=150,
        population={"gender": {"woman": 70, "man": 76, "another": 2, "undisclosed": 1}},
        gender_choices=GENDERS,
        category_choices=CATEGORIES,
        not_stated_label="Not stated",
        other_gender_label="Other or not stated",
    )
    rows = {row.group: row for row in result.representativeness["gender"]}
    assert set(rows) == {"woman", "man", NOT_STATED}
    hidden = {group for group, row in rows.items() if row.in_scope.suppressed}
    assert NOT_STATED in hidden  # 2 + 1 people of another identity, or not stated
    assert len(hidden) >= 2  # else the total in scope gives it away
    assert all(rows[group].rate.suppressed and rows[group].in_scope_share.value is None for group in hidden)
    shown = [row for group, row in rows.items() if group not in hidden]
    assert all(row.in_scope.value in (70, 76) for row in shown)
    assert rows["man"].rate.value == pytest.approx(67 / 76)


def test_under_k_responses_participation_shows_nothing():
    result = participation(
        profiles({("woman", "senior"): 3, ("man", "senior"): 1}),
        k=5,
        people_in_scope=40,
        population={},
        gender_choices=GENDERS,
        category_choices=CATEGORIES,
        not_stated_label="Not stated",
        other_gender_label="Other or not stated",
    )
    assert not result.shown and result.table is None
    assert result.responses.suppressed and result.responses.to_api() == {"value": None, "suppressed": True}


def _leaky_analysis(k=5):
    frame = profiles(LEAKY)
    rng = np.random.default_rng(3)
    answers = [{"q1": str(rng.integers(1, 6)), "q2": str(rng.integers(1, 6))} for _ in range(len(frame))]
    questions = [
        QuestionMeta("q1", "likert", "Q1", ("KA08",), LIKERT),
        QuestionMeta("q2", "likert", "Q2", ("KA08",), LIKERT),
    ]
    result = analyse(
        answers,
        frame,
        questions,
        [("KA08", "Staffing")],
        k=k,
        gender_choices=GENDERS,
        category_choices=CATEGORIES,
        not_stated_label="Not stated",
        other_gender_label="Other or not stated",
    )
    return result, answers, frame


def _score_sums(result, item):
    """Each breakdown cell as the figure an attacker would work with: the sum of its scores.

    With the group sizes known from the participation table, a mean is its sum; sums add up along
    gender (to the overall figure) and along category within a gender (to the gender's figure).
    """
    coarse = result.by_gender.rows[item]
    fine = result.by_gender_category.rows[item]
    values, hidden = {}, set()
    for group, figure in coarse.items():
        key = ("coarse", group)
        values[key] = (figure.mean.value or 0) * figure.mean.n if figure.mean else 0.0
        if figure.mean is not None and figure.mean.suppressed:
            hidden.add(key)
    for group, figure in fine.items():
        key = ("fine", group)
        values[key] = (figure.mean.value or 0) * figure.mean.n if figure.mean else 0.0
        if figure.mean is not None and figure.mean.suppressed:
            hidden.add(key)
    values[("overall",)] = 0.0
    equations = [{**{("coarse", g): 1 for g in coarse}, ("overall",): -1}]
    genders = {g for g, _c in fine}
    for gender in genders:
        equations.append({**{("fine", (g, c)): 1 for g, c in fine if g == gender}, ("coarse", gender): -1})
    return equations, values, hidden


def test_means_by_gender_and_by_gender_x_category_resist_subtraction_together():
    item = "KA08"
    result, _answers, _frame = _leaky_analysis()
    fine = result.by_gender_category.rows[item]
    coarse = result.by_gender.rows[item]
    assert fine[("woman", "senior")].mean.suppressed  # 2 women in senior management
    assert fine[("woman", "senior")].mean.value is None
    assert not coarse["woman"].mean.suppressed and not coarse["man"].mean.suppressed
    # every line that hides one figure hides at least one more
    equations, values, hidden = _score_sums(result, item)
    assert_nothing_recoverable(equations, values, hidden)
    # in particular, women's means by category never give away the 2 senior women
    women = [f.mean for (g, _c), f in fine.items() if g == "woman" and f.mean is not None]
    assert sum(mean.suppressed for mean in women) >= 2


def test_question_means_by_gender_hide_two_or_none():
    result, _answers, _frame = _leaky_analysis(k=10)
    for item in ("q1", "q2"):
        row = result.by_gender.rows[item]
        hidden = [
            group for group, figure in row.items() if figure.mean is not None and figure.mean.suppressed
        ]
        assert len(hidden) != 1, hidden
    assert "q1" not in result.by_gender_category.rows  # gender x category is shown for key areas only


def test_the_gap_survives_small_categories_when_women_and_men_are_many():
    result, _answers, _frame = _leaky_analysis()
    gap = next(g for g in result.gaps if g.code == "KA08")
    assert not gap.gap.suppressed and gap.low is not None
    assert result.by_gender.groups == ("woman", "man", NOT_STATED)
