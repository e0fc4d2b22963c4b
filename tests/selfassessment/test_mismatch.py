"""Self-ratings beside the staff survey: the mismatch flags on constructed examples."""

import uuid

import numpy as np
import pandas as pd
import pytest

from audits.surveys import services as survey_services
from audits.surveys.models import Instrument, Response
from selfassessment import selectors
from selfassessment.selectors import COMPARISON_COLUMNS, compare


def _frame(rows):
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _row(code, level, staff, women, men):
    """staff/women/men: (mean, n) or None."""
    row = [code, f"Area {code}", level]
    for figure in (staff, women, men):
        row += [np.nan, 0, False] if figure is None else [figure[0], figure[1], False]
    return row


def test_team_high_staff_low_is_flagged_from_one_and_a_half_points():
    result = {
        item.code: item
        for item in compare(
            _frame(
                [
                    _row("KA04", 4, (2.5, 30), (2.4, 15), (2.6, 15)),  # exactly 1.5 apart: flagged
                    _row("KA08", 4, (2.6, 30), (2.6, 15), (2.6, 15)),  # 1.4 apart: not flagged
                    _row(
                        "KA09", 1, (3.0, 30), (3.0, 15), (3.0, 15)
                    ),  # team lower by 2: flagged the other way
                    _row("KA10", None, (1.0, 30), None, None),  # not rated yet: nothing to compare
                ]
            ),
            k=5,
        )
    }
    assert (result["KA04"].team_higher, result["KA04"].team_lower) == (True, False)
    assert not result["KA08"].flagged
    assert (result["KA09"].team_higher, result["KA09"].team_lower) == (False, True)
    assert result["KA10"].level is None and not result["KA10"].flagged
    assert result["KA04"].staff.display(".1f") == "2.5"


def test_women_and_men_differ_from_half_a_point_when_both_groups_are_large_enough():
    result = compare(
        _frame(
            [
                _row("KA04", 3, (3.0, 20), (2.7, 10), (3.2, 10)),  # gap -0.5: flagged
                _row("KA08", 3, (3.0, 20), (2.8, 10), (3.2, 10)),  # gap -0.4: not flagged
            ]
        ),
        k=5,
    )
    assert [item.gender_differs for item in result] == [True, False]
    assert result[0].gap.display(".1f") == "-0.5"


def test_a_small_gender_group_is_hidden_and_never_flagged():
    """Four men under a minimum group size of 5: their mean is hidden and no gap is computed from it."""
    [item] = compare(_frame([_row("KA09", 3, (3.0, 24), (3.6, 20), (1.5, 4))]), k=5)
    assert item.men.suppressed and item.men.value is None
    assert item.men.display(".1f") == "<5"
    assert item.gap.suppressed and item.gap.value is None
    assert item.gender_differs is False
    assert item.women.display(".1f") == "3.6"


def test_a_figure_the_survey_analysis_hid_stays_hidden():
    frame = _frame([_row("KA08", 5, (2.0, 40), (2.0, 20), (2.0, 20))])
    frame.loc[0, "staff_hidden"] = True  # e.g. secondary suppression in the survey's tables
    [item] = compare(frame, k=5)
    assert item.staff.suppressed
    assert not item.team_higher


def test_a_small_staff_group_raises_no_flag():
    [item] = compare(_frame([_row("KA08", 5, (1.0, 3), None, None)]), k=5)
    assert item.staff.suppressed and not item.flagged


@pytest.mark.django_db
def test_the_selector_reads_the_real_survey_analysis(geosa, methodology):
    geosa.to("self_assessment")
    geosa.rate_all({"KA04": 2, "KA08": 5, "KA09": 3})
    instrument = Instrument.objects.get(methodology=methodology, code="pga-staff", audit__isnull=True)
    survey = survey_services.survey_prepare(actor=geosa.focal_point, audit=geosa.audit, instrument=instrument)
    ka08 = [q.code for q in survey.instrument.questions.all() if "KA08" in q.key_areas and q.type == "likert"]
    ka09 = [q.code for q in survey.instrument.questions.all() if "KA09" in q.key_areas and q.type == "likert"]
    assert ka08 and ka09
    rows = [({**{c: "2" for c in ka08}, **{c: "4" for c in ka09}}, "woman", "") for _ in range(6)]
    rows += [({**{c: "3" for c in ka08}, **{c: "3" for c in ka09}}, "man", "") for _ in range(6)]
    Response.objects.bulk_create(
        Response(
            survey=survey, submission_key=uuid.uuid4().hex, answers=answers, gender=gender, staff_category=cat
        )
        for answers, gender, cat in rows
    )

    result = {item.code: item for item in selectors.survey_comparison(geosa.refresh())}

    assert result["KA08"].staff.value == pytest.approx(2.5)
    assert result["KA08"].team_higher  # 5 against 2.5
    assert result["KA08"].gender_differs  # women 2.0, men 3.0
    assert result["KA09"].gap.value == pytest.approx(1.0)
    assert not result["KA09"].team_higher and not result["KA09"].team_lower
    assert result["KA04"].level == 2
