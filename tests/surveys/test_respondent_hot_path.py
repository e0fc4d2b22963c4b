"""The respondent's hot path: one narrow query to resolve a link, the questionnaire read once per
opening, a submit without a look-up before it, and a submission id that survives a lost reply."""

import copy
import datetime
import re
import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from audits.surveys import links, selectors, services
from audits.surveys.models import Draft, Response, Survey
from config.errors import Conflict
from tests.surveys.test_survey_flow import NEXT_WEEK, answer, invite, pages

pytestmark = pytest.mark.django_db
SUBMISSION = re.compile(r'name="submission_id" value="(\w+)"')


@pytest.fixture
def shared(prepared):
    return services.survey_open(actor=prepared.lead, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared")


def captured(call):
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, [query["sql"] for query in queries.captured_queries]


# Resolving a link ---------------------------------------------------------------------------------


def test_a_single_use_link_resolves_in_one_narrow_query(opened):
    (path,) = invite(opened, "a@example.org")
    token = path.split("/")[2]
    assert links.is_invitation_format(token)
    link, queries = captured(lambda: links.resolve(token))
    assert link.state == links.LinkState.OK and link.invitation is not None
    assert len(queries) == 1
    (sql,) = queries
    assert "ORDER BY" not in sql and "surveys_instrument" not in sql and '"email"' not in sql
    _, queries = captured(lambda: link.draft_key())  # the hash is loaded, not fetched again
    assert queries == []


def test_a_shared_token_never_queries_the_invitations(shared):
    assert not links.is_invitation_format(shared.shared_token)
    link, queries = captured(lambda: links.resolve(shared.shared_token))
    assert link.state == links.LinkState.OK and link.survey.pk == shared.pk
    assert len(queries) == 1 and "surveys_invitation" not in queries[0] and "ORDER BY" not in queries[0]
    stored = Survey.objects.get(pk=shared.pk)  # the hand-written look-up reads the fields as the ORM does
    for name in links.SURVEY_FIELDS:
        assert getattr(link.survey, name) == getattr(stored, name), name
    assert timezone.is_aware(link.survey.closes_at) and link.survey.accepting


def test_a_shared_token_of_a_survey_that_went_back_to_single_use_links_is_unknown(shared):
    Survey.objects.filter(pk=shared.pk).update(mode="single_use")
    assert links.resolve(shared.shared_token).state == links.LinkState.UNKNOWN


def test_a_shared_token_shaped_like_an_invitation_still_works(shared):
    token = secrets.token_hex(20)
    Survey.objects.filter(pk=shared.pk).update(shared_token=token)
    assert links.is_invitation_format(token)
    link, queries = captured(lambda: links.resolve(token))
    assert link.state == links.LinkState.OK and link.invitation is None
    assert len(queries) == 2  # the invitation first, as its format says, then the shared link


def test_unknown_links_stay_unknown(shared):
    for token in ("nonsense", secrets.token_hex(20), secrets.token_urlsafe(18)):
        assert links.resolve(token).state == links.LinkState.UNKNOWN


# The frozen questionnaire ------------------------------------------------------------------------


def test_an_open_surveys_questionnaire_is_read_once_per_opening(shared):
    first = selectors.frozen_questionnaire(shared)
    again, queries = captured(
        lambda: selectors.frozen_questionnaire(links.resolve(shared.shared_token).survey)
    )
    assert again is first and len(queries) == 1  # the link's query only
    assert list(first.questions) == [q["code"] for s in first.document["sections"] for q in s["questions"]]
    # reopened (a new opening time): the questionnaire is read afresh
    shared.instrument.questions.filter(code="ka08_recruitment").update(text={"en": "Reworded"})
    Survey.objects.filter(pk=shared.pk).update(opened_at=timezone.now() + datetime.timedelta(seconds=1))
    reopened = selectors.frozen_questionnaire(Survey.objects.get(pk=shared.pk))
    assert reopened is not first and reopened.questions["ka08_recruitment"].label == "Reworded"
    assert first.questions["ka08_recruitment"].label != "Reworded"


def test_the_api_serves_the_questionnaire_as_encoded_once_and_it_reads_as_drf_renders_it(shared, client):
    response = client.get(reverse("survey-respond", args=[shared.shared_token]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    questionnaire = selectors.frozen_questionnaire(shared)
    expected = {"closes_at": shared.closes_at, "questionnaire": questionnaire.document}
    assert response.content == JSONRenderer().render(expected)
    assert response.json()["questionnaire"]["sections"] and questionnaire.document_json in response.content
    assert selectors.frozen_questionnaire(shared).document_json is questionnaire.document_json  # encoded once


def test_a_questionnaire_being_prepared_is_never_cached_and_an_open_one_cannot_change(prepared):
    survey = prepared.audit.survey
    before = selectors.frozen_questionnaire(survey)
    services.question_update(
        actor=prepared.lead,
        audit=prepared.audit,
        code="ka08_recruitment",
        text={"en": "New"},
        key_areas=["KA08"],
        required=False,
    )
    assert selectors.frozen_questionnaire(survey).questions["ka08_recruitment"].label == "New"
    assert before.questions["ka08_recruitment"].label != "New"
    services.survey_open(actor=prepared.lead, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared")
    with pytest.raises(Conflict, match="frozen"):
        services.question_update(
            actor=prepared.lead,
            audit=prepared.audit,
            code="ka08_recruitment",
            text={"en": "Later"},
            key_areas=["KA08"],
            required=False,
        )


def test_answers_are_checked_against_the_cached_questionnaire_without_a_query(shared):
    shared.instrument.questions.filter(code="ka09_respect").update(required=True)
    selectors.frozen_questionnaire(shared)
    (kept, profile, missing), queries = captured(
        lambda: services.clean_answers(
            shared,
            {
                "ka08_recruitment": "5",
                "ka08_balance": "7",  # not one of its choices
                "ka08_arrangement": ["childcare"],  # a list for a single choice
                "ka09_jokes": "3",
                "zz_unknown": "1",  # no such question
                "ka09_harassment": "",
            },
            {"gender": "woman", "staff_category": "astronaut", "shoe_size": "42"},
        )
    )
    assert queries == []
    assert kept == {"ka08_recruitment": "5", "ka09_jokes": "3"}
    assert profile == {"gender": "woman"}
    assert missing == [shared.instrument.questions.get(code="ka09_respect").label]


# Submitting --------------------------------------------------------------------------------------


def test_a_first_submit_does_not_look_for_itself_and_a_retry_stores_nothing(shared, client):
    url = reverse("survey-respond-submit", args=[shared.shared_token])
    payload = {"submission_id": "c" * 32, "answers": {"ka08_recruitment": "4"}, "profile": {}}
    client.get(reverse("survey-respond", args=[shared.shared_token]))  # the questionnaire is read
    first, queries = captured(lambda: client.post(url, payload, content_type="application/json"))
    assert first.status_code == 201
    assert not [sql for sql in queries if sql.startswith("SELECT") and "surveys_response" in sql]
    assert len(queries) <= 5  # the link; BEGIN, the survey's row lock, the insert, COMMIT
    second = client.post(url, payload, content_type="application/json")
    assert second.status_code == 200 and second.json()["stored"] is False
    assert Response.objects.count() == 1


def test_a_retry_through_a_used_single_use_link_is_already_stored_not_refused(opened, client):
    (path,) = invite(opened, "a@example.org")
    token = path.split("/")[2]
    url = reverse("survey-respond-submit", args=[token])
    payload = {"submission_id": "d" * 32, "answers": {"ka08_recruitment": "4"}, "profile": {}}
    assert client.post(url, payload, content_type="application/json").status_code == 201
    again = client.post(url, payload, content_type="application/json")
    assert again.status_code == 200 and again.json()["stored"] is False
    assert Response.objects.count() == 1


def test_a_page_retry_after_the_draft_is_gone_is_already_stored_not_incomplete(shared, prepared, client):
    """The draft held the earlier pages' answers and went with the first submit: the retry that sends
    only the last page must still be recognised rather than refused for missing answers."""
    shared.instrument.questions.filter(code="ka07_women_decide").update(required=True)
    path = f"/s/{shared.shared_token}/"
    first, data = answer(client, path)
    assert first["Location"].endswith("stored=1") and not Draft.objects.exists()
    again = client.post(path, data)
    assert again.status_code == 302 and again["Location"].endswith("stored=0")
    services.survey_close(actor=prepared.lead, audit=prepared.audit)  # and once the survey has closed
    again = client.post(path, data)
    assert again.status_code == 302 and again["Location"].endswith("stored=0")
    assert Response.objects.count() == 1


# The pages' submission id ------------------------------------------------------------------------


def submission_of(response) -> str:
    return SUBMISSION.search(response.content.decode()).group(1)


def test_the_submission_id_survives_a_lost_reply_so_sending_again_stores_once(shared, client):
    path = f"/s/{shared.shared_token}/"
    first_page = submission_of(pages(client, path))
    client.post(path, {"page": 0, "action": "next", "q-ka07_women_decide": "4"})
    client.post(path, {"page": 1, "action": "next", "q-ka08_recruitment": "5"})
    last_page = client.get(path)
    assert submission_of(last_page) == first_page  # the same id on every page of this browser
    kept = copy.deepcopy(client.cookies)
    data = {"page": 2, "action": "submit", "submission_id": first_page, "p-gender": "woman"}
    stored = client.post(path, data)
    assert stored["Location"].endswith("stored=1")
    # the reply (and the cookies it renewed) never reached the browser: it still holds its old ones
    client.cookies = kept
    retry_page = client.get(path)  # "Back to the questionnaire" from the try-again page
    assert submission_of(retry_page) == first_page
    retried = client.post(path, {**data, "submission_id": submission_of(retry_page)})
    assert retried["Location"].endswith("stored=0")
    assert Response.objects.count() == 1


def test_an_acknowledged_submit_gives_whoever_answers_next_a_new_id(shared, client):
    path = f"/s/{shared.shared_token}/"
    first = submission_of(pages(client, path))
    done = client.post(path, {"page": 2, "action": "submit", "submission_id": first, "p-gender": "man"})
    assert done["Location"].endswith("stored=1")
    second = submission_of(pages(client, path))
    assert second != first
    client.post(path, {"page": 2, "action": "submit", "submission_id": second, "p-gender": "woman"})
    assert Response.objects.count() == 2


def test_each_link_in_the_same_browser_has_its_own_submission_id(opened, client):
    first_path, second_path = invite(opened, "a@example.org", "b@example.org")
    first, second = submission_of(pages(client, first_path)), submission_of(pages(client, second_path))
    assert first != second and submission_of(pages(client, first_path)) == first
    assert "submission" not in str(Draft.objects.values()) and first not in str(Draft.objects.values())
