"""Fixtures for the fault tests: an open survey behind a shared link, and answering it page by page."""

import datetime
import re

import pytest
from django.core.cache import cache

from audits.surveys import services
from tests.surveys.conftest import library_instrument, prepared, team  # noqa: F401 (fixtures)

NEXT_WEEK = datetime.date.today() + datetime.timedelta(days=7)
SECTION_ANSWERS = [
    {"q-ka07_women_decide": "4"},
    {"q-ka08_recruitment": "5", "q-ka08_balance": "dk", "q-ka09_respect": "2", "q-ka09_harassment": "yes"},
]
PROFILE = {"p-gender": "woman", "p-staff_category": "senior"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The respondent throttle counts per address in the cache; each test starts at zero."""
    cache.clear()


@pytest.fixture
def shared_path(prepared):  # noqa: F811 (the imported fixture)
    """The respondent path of the prepared survey, opened for a week with one shared link."""
    survey = services.survey_open(
        actor=prepared.lead, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared"
    )
    return f"/s/{survey.shared_token}/"


def answer_sections(client, path: str) -> dict:
    """Answer every section (saved as a draft) and return the submit of the profile page, unsent."""
    assert client.get(path).status_code == 200
    for index, answers in enumerate(SECTION_ANSWERS):
        moved = client.post(path, {"page": index, "action": "next", **answers})
        assert moved.status_code == 302, moved.content[:300]
    last = client.get(path).content.decode()
    assert "Page 3 of 3" in last
    submission = re.search(r'name="submission_id" value="(\w+)"', last).group(1)
    return {"page": 2, "action": "submit", "submission_id": submission, **PROFILE}
