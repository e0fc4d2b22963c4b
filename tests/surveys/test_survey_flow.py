"""Opening, invitations, answering through a link, closing, skipping, and the fieldwork guard."""

import datetime
import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from audits import services as audit_services
from audits.surveys import links, services
from audits.surveys.models import Draft, Invitation, Response, Survey
from audits.workflow import evaluate_exit_guards
from config.errors import Conflict, DomainError, Forbidden
from tests.surveys.conftest import add_responses, in_phase

pytestmark = pytest.mark.django_db
NEXT_WEEK = datetime.date.today() + datetime.timedelta(days=7)


def invite(team, *emails):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invitations_add(
            actor=team.lead, audit=team.audit, emails=list(emails), base_url="http://testserver/"
        )
    return [re.search(r"http://testserver(/\S+)", message.body).group(1) for message in mail.outbox]


def test_only_steering_people_open_a_survey_and_only_once(prepared):
    with pytest.raises(Forbidden):
        services.survey_open(actor=prepared.co, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared")
    with pytest.raises(DomainError, match="future"):
        services.survey_open(
            actor=prepared.lead, audit=prepared.audit, closes_on=datetime.date(2020, 1, 1), mode="shared"
        )
    survey = services.survey_open(
        actor=prepared.lead, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared"
    )
    assert survey.status == "open" and survey.shared_token
    with pytest.raises(Conflict):
        services.survey_open(actor=prepared.lead, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared")


def test_invitations_are_emailed_in_the_audits_language_and_only_the_hash_is_kept(opened):
    opened.audit.language = "fr"
    opened.audit.save(update_fields=["language"])
    (path,) = invite(opened, "Ana@Example.org")
    assert path.startswith("/fr/s/")
    token = path.split("/")[3]
    invitation = Invitation.objects.get()
    assert invitation.email == "ana@example.org" and invitation.sent_at is not None
    assert invitation.token_hash == links.digest(token)
    assert token not in str(Invitation.objects.values().get())
    assert path in mail.outbox[0].body and mail.outbox[0].to == ["ana@example.org"]


def test_reminders_go_only_to_those_who_have_not_answered(opened, client):
    paths = invite(opened, "a@example.org", "b@example.org")
    answer(client, paths[0])
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        reminded = services.reminders_send(
            actor=opened.lead, audit=opened.audit, base_url="http://testserver/"
        )
    assert reminded == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    reminded = Invitation.objects.get(email="b@example.org")
    assert reminded.reminders == 1
    assert paths[1] in mail.outbox[0].body  # the same link again: its token is derived, not stored


def pages(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content[:400]
    return response


def answer(client, path, *, extra=None):
    """Answer both pages of the restricted questionnaire and the profile, then submit."""
    pages(client, path)
    client.post(path, {"page": 0, "action": "next", "q-ka07_women_decide": "4"})
    client.post(
        path,
        {
            "page": 1,
            "action": "next",
            "q-ka08_recruitment": "5",
            "q-ka08_balance": "dk",
            "q-ka08_arrangement": "childcare",
            "q-ka09_respect": "2",
            "q-ka09_harassment": "yes",
            **(extra or {}),
        },
    )
    submit = client.get(path)
    submission = re.search(r'name="submission_id" value="(\w+)"', submit.content.decode()).group(1)
    data = {
        "page": 2,
        "action": "submit",
        "submission_id": submission,
        "p-gender": "woman",
        "p-staff_category": "senior",
    }
    return client.post(path, data), data


def test_a_single_use_link_answers_once_and_the_response_cannot_be_joined_back(opened, client):
    (path,) = invite(opened, "a@example.org")
    response, data = answer(client, path)
    assert response.status_code == 302 and "/done/" in response["Location"]
    stored = Response.objects.get()
    assert stored.answers["ka08_recruitment"] == "5" and stored.answers["ka08_arrangement"] == "childcare"
    assert stored.gender == "woman" and stored.staff_category == "senior"
    invitation = Invitation.objects.get()
    assert invitation.used_at is not None
    assert not Draft.objects.exists()  # the draft keyed by the link is gone
    fields = {field.name for field in Response._meta.get_fields()}
    assert not fields & {
        "invitation",
        "token",
        "token_hash",
        "created_at",
        "submitted_at",
        "ip",
        "user_agent",
    }
    assert invitation.token_hash not in str(Response.objects.values().get())
    # retrying the same submission stores nothing more and says thank you
    again = client.post(path, data)
    assert again.status_code == 302 and "stored=0" in again["Location"]
    assert Response.objects.count() == 1
    # the link itself is now used up: a friendly page, not an error
    used = client.get(path)
    assert used.status_code == 410
    assert "already been used" in used.content.decode()


def test_a_new_submission_through_a_used_link_is_refused_kindly(opened, client):
    (path,) = invite(opened, "a@example.org")
    answer(client, path)
    response = client.post(path, {"page": 2, "action": "submit", "submission_id": "f" * 32})
    assert response.status_code == 410 and "already been used" in response.content.decode()
    assert Response.objects.count() == 1


def test_drafts_resume_from_the_same_link(opened, client):
    (path,) = invite(opened, "a@example.org")
    pages(client, path)
    client.post(path, {"page": 0, "action": "next", "q-ka07_women_decide": "3"})
    resumed = pages(client, path)  # no ?page: back where the respondent was
    assert "Page 2 of 3" in resumed.content.decode()
    back = pages(client, f"{path}?page=0").content.decode()
    assert re.search(r'value="3" checked', back)


def test_the_api_submit_is_idempotent_and_a_valid_link_is_never_throttled(opened, client):
    (path,) = invite(opened, "a@example.org")
    token = path.split("/")[2]
    url = reverse("survey-respond-submit", args=[token])
    payload = {"submission_id": "a" * 32, "answers": {"ka08_recruitment": "4"}, "profile": {"gender": "man"}}
    first = client.post(url, payload, content_type="application/json")
    second = client.post(url, payload, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["stored"] is True and second.json()["stored"] is False
    assert Response.objects.count() == 1
    other = client.post(url, {**payload, "submission_id": "b" * 32}, content_type="application/json")
    assert other.status_code == 410
    for _ in range(130):  # one NAT address for a whole ministry: only guessing is throttled
        last = client.get(reverse("survey-respond", args=[token]))
    assert last.status_code == 410


def test_unknown_and_closed_links_get_a_friendly_page(opened, client):
    assert client.get("/s/nonsense/").status_code == 404
    assert "do not know this link" in client.get("/s/nonsense/").content.decode()
    (path,) = invite(opened, "a@example.org")
    services.survey_close(actor=opened.lead, audit=opened.audit)
    closed = client.get(path)
    assert closed.status_code == 410 and "survey is closed" in closed.content.decode()
    assert Invitation.objects.get().email == ""  # addresses are erased at closing


def test_a_required_question_must_be_answered(opened, client):
    instrument = opened.audit.survey.instrument
    instrument.questions.filter(code="ka09_respect").update(required=True)
    (path,) = invite(opened, "a@example.org")
    pages(client, path)
    page = client.get(f"{path}?page=2").content.decode()
    submission = re.search(r'name="submission_id" value="(\w+)"', page).group(1)
    refused = client.post(path, {"page": 2, "action": "submit", "submission_id": submission})
    assert refused.status_code == 400 and "required" in refused.content.decode()
    assert not Response.objects.exists()


def test_the_respondent_page_never_shows_participation_under_k(opened, client):
    (path,) = invite(opened, "a@example.org")
    survey = opened.audit.survey
    add_responses(survey, [({"ka08_recruitment": "3"}, "woman", "senior")] * 4)
    page = pages(client, path).content.decode()
    assert "colleagues have answered" not in page and ">4<" not in page
    add_responses(survey, [({"ka08_recruitment": "3"}, "man", "senior")])
    assert "5 colleagues have answered so far" in pages(client, path).content.decode()


def test_a_shared_link_keeps_drafts_per_browser(prepared, client):
    survey = services.survey_open(
        actor=prepared.lead, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared"
    )
    path = f"/s/{survey.shared_token}/"
    pages(client, path)
    client.post(path, {"page": 0, "action": "next", "q-ka07_women_decide": "5"})
    assert Draft.objects.get().answers == {"ka07_women_decide": "5"}
    client.cookies.clear()
    assert "Page 1 of 3" in pages(client, path).content.decode()  # another browser starts afresh


def test_the_guard_needs_the_survey_closed_or_skipped(team, library_instrument):
    audit = team.audit

    def blocked():
        options = audit_services.workflow.transition_options(audit, permitted=True)
        advance = next(option for option in options if option.action == "advance")
        return [check.code for check in advance.blocking]

    assert "survey_closed_or_skipped" not in blocked()  # no survey: nothing to wait for
    services.survey_prepare(actor=team.lead, audit=audit, instrument=library_instrument)
    assert "survey_closed_or_skipped" in blocked()
    with pytest.raises(DomainError) as refused:
        audit_services.audit_transition(actor=team.lead, audit_id=audit.pk, target="feedback")
    assert "survey has not run" in " ".join(refused.value.details)
    services.survey_open(actor=team.lead, audit=audit, closes_on=NEXT_WEEK, mode="shared")
    assert "survey_closed_or_skipped" in blocked()
    services.survey_close(actor=team.lead, audit=audit)
    assert "survey_closed_or_skipped" not in blocked()


def test_skipping_is_a_recorded_decision_with_a_reason(team):
    with pytest.raises(DomainError, match="why"):
        services.survey_skip(actor=team.lead, audit=team.audit, reason="  ")
    with pytest.raises(Forbidden):
        services.survey_skip(actor=team.coordinator, audit=team.audit, reason="No time")
    survey = services.survey_skip(actor=team.lead, audit=team.audit, reason="Staff surveyed last month")
    assert survey.status == "skipped" and survey.decided_by == team.lead and survey.decided_at
    guard = next(
        check for check in evaluate_exit_guards(team.audit) if check.code == "survey_closed_or_skipped"
    )
    assert guard.passed


def test_an_open_survey_past_its_date_counts_as_closed(opened):
    Survey.objects.filter(audit=opened.audit).update(
        closes_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    survey = Survey.objects.get(audit=opened.audit)
    assert survey.effective_status == "closed"
    assert links.resolve("whatever").state == links.LinkState.UNKNOWN
    in_phase(opened.audit, "fieldwork")
