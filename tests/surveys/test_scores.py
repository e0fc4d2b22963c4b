"""Key-area scores a survey stores when it closes: hand-computed sums, the close hook, the backfill."""

import datetime

import pytest
from django.core.management import call_command
from django.test import TestCase

from audits.surveys import scores, selectors, services
from audits.surveys.models import KeyAreaScore, Survey, SurveyStatus
from tests.surveys.conftest import add_responses

# 5 women score KA08 3 (2 and 4) and KA09 not at all ("don't know"); 6 men score KA08 5 and KA09 3
# (4 and 2); 1 undisclosed scores KA08 1; 1 person with no gender answers nothing.
ROWS = (
    [({"ka08_recruitment": "2", "ka08_balance": "4", "ka09_respect": "dk"}, "woman", "")] * 5
    + [({"ka08_recruitment": "5", "ka09_respect": "4", "ka09_jokes": "2"}, "man", "")] * 6
    + [({"ka08_recruitment": "1"}, "undisclosed", ""), ({}, "", "")]
)
EXPECTED = {
    ("", ""): (13, 0.0),
    ("KA08", "woman"): (5, 15.0),
    ("KA08", "man"): (6, 30.0),
    ("KA08", "not_stated"): (1, 1.0),
    ("KA09", "man"): (6, 18.0),
}


def stored(survey: Survey) -> dict:
    return {
        (s.key_area, s.group): (s.respondents, s.score_sum)
        for s in KeyAreaScore.objects.filter(survey=survey)
    }


def close(team) -> None:
    """Close the survey as its lead does, running what waits for the commit (the scoring task)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.survey_close(actor=team.lead, audit=team.audit)


@pytest.fixture
def answered(opened):
    add_responses(opened.audit.survey, ROWS)
    return opened


def test_closing_a_survey_stores_its_scores(answered):
    survey = answered.audit.survey
    assert not KeyAreaScore.objects.exists()
    close(answered)
    assert stored(survey) == EXPECTED


def test_the_stored_scores_are_the_analysis_scores(answered):
    close(answered)
    survey = Survey.objects.get(pk=answered.audit.survey.pk)
    areas = {item.code: item for item in selectors.survey_analysis(survey).key_areas}
    for area in ("KA08", "KA09"):
        rows = KeyAreaScore.objects.filter(survey=survey, key_area=area)
        respondents = sum(row.respondents for row in rows)
        assert respondents == areas[area].mean.n
        assert sum(row.score_sum for row in rows) / respondents == pytest.approx(areas[area].mean.value)


def test_scores_are_stored_only_once_the_close_is_committed(answered):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.survey_close(actor=answered.lead, audit=answered.audit)
    assert len(callbacks) == 1
    assert not KeyAreaScore.objects.exists(), "nothing is scored inside the closing transaction"
    callbacks[0]()
    assert stored(answered.audit.survey) == EXPECTED


def test_a_survey_still_open_is_not_scored(answered):
    survey = answered.audit.survey
    assert scores.survey_scores_store(survey_ids=[survey.pk]) == 0
    assert not KeyAreaScore.objects.exists()
    Survey.objects.filter(pk=survey.pk).update(closes_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert scores.survey_scores_store(survey_ids=[survey.pk]) == 1, "past its closing time, answers are final"
    assert stored(survey) == EXPECTED


def test_a_closed_survey_without_responses_is_scored_with_none(opened):
    close(opened)
    assert stored(opened.audit.survey) == {("", ""): (0, 0.0)}


def test_scoring_again_replaces_the_scores(answered):
    close(answered)
    survey = answered.audit.survey
    assert scores.survey_scores_store(survey_ids=[survey.pk]) == 1
    assert stored(survey) == EXPECTED


def test_the_command_scores_closed_surveys_that_have_none(answered, capsys):
    survey = answered.audit.survey
    # a mass import: closed in the database directly, so no task stored its scores
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED)
    call_command("scoresurveys")
    assert "Scored 1 closed surveys" in capsys.readouterr().out
    assert stored(survey) == EXPECTED
    KeyAreaScore.objects.filter(survey=survey, key_area="KA09").update(score_sum=0)
    call_command("scoresurveys")
    assert "Scored 0 closed surveys" in capsys.readouterr().out, "surveys with scores are left alone"
    call_command("scoresurveys", "--all")
    assert "Scored 1 closed surveys" in capsys.readouterr().out
    assert stored(survey) == EXPECTED, "--all recomputes them"
