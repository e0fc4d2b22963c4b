"""The analysis against hand computations, the bootstrap interval, and a constant number of queries."""

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.surveys import selectors
from audits.surveys.analysis import (
    LARGE_GROUP,
    QuestionMeta,
    analyse,
    bootstrap_gap_interval,
    gap_interval,
    item_seed,
    normal_gap_interval,
)
from tests.surveys.conftest import add_responses

LIKERT = tuple((code, code) for code in ("1", "2", "3", "4", "5", "dk"))
QUESTIONS = [
    QuestionMeta("q1", "likert", "Q1", ("KA01",), LIKERT),
    QuestionMeta("q2", "likert", "Q2", ("KA01",), LIKERT),
    QuestionMeta("q3", "yes_no", "Q3", ("KA02",), (("yes", "Yes"), ("no", "No"), ("dk", "Don't know"))),
    QuestionMeta("q4", "text", "Q4", ("KA02",), ()),
]
GENDERS = [("woman", "Woman"), ("man", "Man"), ("another", "Another"), ("undisclosed", "Prefer not to say")]
CATEGORIES = [("senior", "Senior"), ("support", "Support")]
# (gender, q1, q2, q3): six women, five men.
DATA = [
    ("woman", "5", "4", "yes"),
    ("woman", "4", "4", "yes"),
    ("woman", "4", "dk", "no"),
    ("woman", "3", "5", "yes"),
    ("woman", "5", "5", "dk"),
    ("woman", "2", "3", "no"),
    ("man", "2", "2", "no"),
    ("man", "3", "2", "no"),
    ("man", "1", "dk", "yes"),
    ("man", "2", "3", "no"),
    ("man", "3", "3", "no"),
]


def run(data=DATA, k=5):
    answers = [{"q1": q1, "q2": q2, "q3": q3, "q4": "text"} for _g, q1, q2, q3 in data]
    profiles = pd.DataFrame({"gender": [row[0] for row in data], "staff_category": ["senior"] * len(data)})
    return analyse(
        answers,
        profiles,
        QUESTIONS,
        [("KA01", "Area one"), ("KA02", "Area two")],
        k=k,
        gender_choices=GENDERS,
        category_choices=CATEGORIES,
        not_stated_label="Not stated",
        other_gender_label="Other or not stated",
    )


def by_code(items):
    return {item.code: item for item in items}


def test_question_figures_match_a_hand_computation():
    result = run()
    q1, q2, q3 = (by_code(result.questions)[code] for code in ("q1", "q2", "q3"))
    assert q1.answers.value == 11
    assert q1.mean.value == pytest.approx(34 / 11)
    assert q1.agree.value == pytest.approx(4 / 11)  # 5, 4, 4, 5
    assert q1.dont_know.value == 0
    assert [c.count.value for c in q1.distribution] == [1, 3, 3, 2, 2, 0]
    assert q2.mean.value == pytest.approx(31 / 9)  # dk excluded
    assert q2.dont_know.value == pytest.approx(2 / 11)
    assert q3.mean is None and q3.agree.value == pytest.approx(4 / 10)  # yes over yes + no
    assert "q4" not in by_code(result.questions)  # open answers are not figures


def test_key_area_mean_is_the_mean_of_each_respondents_area_score():
    area = by_code(run().key_areas)["KA01"]
    women = [4.5, 4, 4, 4, 5, 2.5]
    men = [2, 2.5, 1, 2.5, 3]
    assert area.mean.value == pytest.approx(np.mean(women + men))
    assert area.agree.value == pytest.approx(8 / 20)  # pooled over substantive answers
    assert area.dont_know.value == pytest.approx(2 / 22)
    assert area.answers.value == 11  # people answering, not answers


def test_perception_gap_and_interval_against_a_hand_computation():
    gaps = by_code(run().gaps)
    q1 = gaps["q1"]
    women, men = np.array([5, 4, 4, 3, 5, 2.0]), np.array([2, 3, 1, 2, 3.0])
    assert q1.women.value == pytest.approx(23 / 6)
    assert q1.men.value == pytest.approx(2.2)
    assert q1.gap.value == pytest.approx(23 / 6 - 2.2)
    # an independent bootstrap: resample indices, many times
    rng = np.random.default_rng(7)
    reference = np.percentile(
        women[rng.integers(0, 6, (20000, 6))].mean(axis=1) - men[rng.integers(0, 5, (20000, 5))].mean(axis=1),
        [2.5, 97.5],
    )
    assert q1.low == pytest.approx(reference[0], abs=0.1)
    assert q1.high == pytest.approx(reference[1], abs=0.1)
    # and the normal approximation with plug-in variances, roughly
    se = np.sqrt(women.var() / 6 + men.var() / 5)
    assert q1.low == pytest.approx(q1.gap.value - 1.96 * se, abs=0.3)
    assert q1.significant is True
    area = gaps["KA01"]
    assert area.gap.value == pytest.approx(4.0 - 2.2)


def test_the_interval_is_reproducible_with_its_fixed_seed():
    a, b = np.array([1, 2, 3, 4, 5.0] * 3), np.array([2, 3, 3, 4, 4.0] * 3)
    first = bootstrap_gap_interval(a, b, seed=item_seed("q1"))
    assert first == bootstrap_gap_interval(a, b, seed=item_seed("q1"))
    assert first[0] < 0 < first[1]  # the same mean: the interval straddles 0


def test_large_groups_use_the_normal_interval_which_the_bootstrap_matches_there():
    rng = np.random.default_rng(11)
    a = rng.integers(1, 6, LARGE_GROUP).astype(float)
    b = rng.integers(2, 6, LARGE_GROUP + 50).astype(float)
    boot = bootstrap_gap_interval(a, b, seed=item_seed("KA01"))
    normal = gap_interval(a, b, seed=item_seed("KA01"))
    assert normal == normal_gap_interval(a, b)
    assert normal == pytest.approx(boot, abs=0.02)
    assert gap_interval(a[:50], b[:50], seed=item_seed("x")) == bootstrap_gap_interval(
        a[:50], b[:50], seed=item_seed("x")
    )


def test_a_group_under_k_hides_its_mean_and_one_more_so_the_gap_is_hidden():
    result = run()
    q2 = result.by_gender.rows["q2"]
    assert q2["man"].mean.suppressed  # 4 men gave a score
    assert q2["man"].mean.value is None
    assert q2["woman"].mean.suppressed  # else overall minus women gives the men's mean
    assert by_code(result.gaps)["q2"].gap.suppressed
    assert by_code(result.gaps)["q2"].low is None
    assert not by_code(result.questions)["q2"].mean.suppressed


def test_no_breakdown_under_k_responses():
    result = run(DATA[:4])
    assert not result.breakdowns_allowed
    assert result.by_gender is None and result.gaps == []
    assert by_code(result.questions)["q1"].mean.suppressed


def _survey_with(prepared, count):
    survey = prepared.audit.survey
    rng = np.random.default_rng(count)
    add_responses(
        survey,
        [
            (
                {
                    "ka08_recruitment": str(rng.integers(1, 6)),
                    "ka09_respect": "dk",
                    "ka08_arrangement": "childcare",
                },
                rng.choice(["woman", "man"]),
                rng.choice(["senior", "support"]),
            )
            for _ in range(count)
        ],
    )
    return survey


@pytest.mark.django_db
def test_the_analysis_makes_the_same_few_queries_for_10_or_200_responses(
    prepared, django_assert_max_num_queries
):
    from audits.surveys.models import Survey

    counts = []
    for size in (10, 200):
        survey = _survey_with(prepared, size)
        survey = Survey.objects.select_related("audit__modality__methodology").get(pk=survey.pk)
        with CaptureQueriesContext(connection) as queries:
            result = selectors.survey_analysis(survey)
        counts.append(len(queries))
        assert result.responses.value == (10 if size == 10 else 210)
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(6):
        selectors.survey_analysis(survey)
