"""Who sees what: 404 outside the audit, coordinators never read open answers, pages and API agree."""

import datetime

import pytest
from django.template import Context, Template
from rest_framework.test import APIClient

from audits.models import TeamRole
from audits.surveys import services
from audits.surveys.models import Response
from tests.factories import PASSWORD, StaffFactory, add_member, make_audit
from tests.surveys.conftest import add_responses

pytestmark = pytest.mark.django_db
NEXT_WEEK = datetime.date.today() + datetime.timedelta(days=7)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web_as(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def seeded(opened, count=12):
    rows = [
        ({"ka08_recruitment": str(1 + i % 5), "ka09_respect": "4", "ka10_change": f"idea {i}"}, g, "senior")
        for i, g in zip(range(count), ["woman", "man"] * count, strict=False)
    ]
    add_responses(opened.audit.survey, rows)
    return opened


def test_a_co_facilitator_of_another_audit_gets_404(opened, client):
    other = make_audit("selective")
    outsider = add_member(other, TeamRole.CO_FACILITATOR).user
    pk = opened.audit.pk
    for url in (
        f"/api/audits/{pk}/survey/",
        f"/api/audits/{pk}/survey/analysis/",
        f"/api/audits/{pk}/survey/open-answers/",
    ):
        assert api_as(outsider).get(url).status_code == 404, url
    web = web_as(client, outsider)
    assert web.get(f"/audits/{pk}/survey/").status_code == 404
    assert web.get(f"/audits/{pk}/survey/analysis/").status_code == 404


def test_the_coordinator_sees_participation_but_never_open_answers(opened, client):
    seeded(opened)
    pk = opened.audit.pk
    coordinator = api_as(opened.coordinator)
    participation = coordinator.get(f"/api/audits/{pk}/survey/participation/")
    assert participation.status_code == 200 and participation.json()["responses"]["value"] == 12
    assert coordinator.get(f"/api/audits/{pk}/survey/open-answers/").status_code == 403
    assert coordinator.get(f"/api/audits/{pk}/survey/analysis/").status_code == 403
    assert coordinator.get(f"/api/audits/{pk}/survey/export/csv/").status_code == 403
    assert web_as(client, opened.coordinator).get(f"/audits/{pk}/survey/analysis/").status_code == 403


def test_the_facilitation_team_reads_open_answers_and_staff_only_the_figures(prepared):
    question = services.question_add(
        actor=prepared.lead,
        audit=prepared.audit,
        data=services.QuestionInput(
            section="staffing", type="text", text={"en": "What would help?"}, key_areas=["KA09"], choices=[]
        ),
    )
    services.survey_open(actor=prepared.lead, audit=prepared.audit, closes_on=NEXT_WEEK, mode="shared")
    add_responses(
        prepared.audit.survey, [({question.code: f"idea {i}"}, "woman", "senior") for i in range(3)]
    )
    pk = prepared.audit.pk
    for member in (prepared.lead, prepared.co):
        answers = api_as(member).get(f"/api/audits/{pk}/survey/open-answers/").json()
        assert sorted(answers[0]["answers"]) == ["idea 0", "idea 1", "idea 2"]
    staff = StaffFactory()
    assert api_as(staff).get(f"/api/audits/{pk}/survey/analysis/").status_code == 200
    assert api_as(staff).get(f"/api/audits/{pk}/survey/open-answers/").status_code == 403


def test_only_steering_roles_change_the_survey(prepared):
    pk = prepared.audit.pk
    co = api_as(prepared.co)
    assert (
        co.post(f"/api/audits/{pk}/survey/open/", {"closes_on": NEXT_WEEK, "mode": "shared"}).status_code
        == 403
    )
    assert co.post(f"/api/audits/{pk}/survey/skip/", {"reason": "x"}).status_code == 403
    assert co.delete(f"/api/audits/{pk}/survey/instrument/questions/ka09_jokes/").status_code == 403
    lead = api_as(prepared.lead)
    opened = lead.post(
        f"/api/audits/{pk}/survey/open/", {"closes_on": NEXT_WEEK, "mode": "shared"}, format="json"
    )
    assert opened.status_code == 200 and opened.json()["status"] == "open" and opened.json()["shared_link"]
    assert co.get(f"/api/audits/{pk}/survey/").json()["shared_link"] is None


def test_the_api_returns_null_and_suppressed_for_hidden_figures(opened):
    add_responses(opened.audit.survey, [({"ka08_recruitment": "4"}, "woman", "senior")] * 4)
    pk = opened.audit.pk
    lead = api_as(opened.lead)
    participation = lead.get(f"/api/audits/{pk}/survey/participation/").json()
    assert participation["shown"] is False
    assert participation["responses"] == {"value": None, "suppressed": True}
    analysis = lead.get(f"/api/audits/{pk}/survey/analysis/").json()
    assert analysis["breakdowns_allowed"] is False and analysis["by_gender"] is None
    question = next(q for q in analysis["questions"] if q["code"] == "ka08_recruitment")
    assert question["mean"] == {"value": None, "suppressed": True}
    assert all(choice["count"]["suppressed"] for choice in question["distribution"] if choice["code"] == "4")


def test_the_api_analysis_and_exports_once_there_are_enough_responses(opened):
    seeded(opened)
    pk = opened.audit.pk
    lead = api_as(opened.lead)
    analysis = lead.get(f"/api/audits/{pk}/survey/analysis/").json()
    assert analysis["responses"]["value"] == 12 and analysis["breakdowns_allowed"]
    gap = next(g for g in analysis["perception_gaps"] if g["item"] == "KA08")
    assert gap["gap"]["suppressed"] is False and len(gap["interval_95"]) == 2
    csv = lead.get(f"/api/audits/{pk}/survey/export/csv/")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 13 and "ka10_change" not in lines[0] and "idea" not in csv.content.decode()
    xlsx = lead.get(f"/api/audits/{pk}/survey/export/xlsx/")  # prepared in the background instead
    assert xlsx.status_code == 409 and xlsx.json()["exports"].endswith(f"/api/audits/{pk}/survey/exports/")


def test_the_export_hides_profile_values_shared_by_fewer_than_k(opened):
    rows = [({"ka08_recruitment": "3"}, "woman", "senior")] * 6 + [
        ({"ka08_recruitment": "2"}, "another", "senior")
    ]
    add_responses(opened.audit.survey, rows)
    from audits.surveys.selectors import anonymised_responses

    frame = anonymised_responses(opened.audit.survey)
    assert "another" not in set(frame["gender"])
    assert (frame["gender"] == "<5").sum() == 1
    assert frame.groupby(["gender", "staff_category"]).size().min() >= 1
    combos = frame.groupby(list(frame.columns[:5]), dropna=False).size()
    visible = combos[[not any(value == "<5" for value in key) for key in combos.index]]
    assert (visible >= 5).all()


def test_the_facilitator_pages_render_for_each_state(prepared, client):
    web = web_as(client, prepared.lead)
    pk = prepared.audit.pk
    home = web.get(f"/audits/{pk}/survey/").content.decode()
    assert "Open the survey" in home and "Skip the survey" in home
    assert "ka09_jokes" in web.get(f"/audits/{pk}/survey/questionnaire/").content.decode()
    opened = web.post(
        f"/audits/{pk}/survey/open/", {"closes_on": NEXT_WEEK.isoformat(), "mode": "single_use"}
    )
    assert opened.status_code == 302
    home = web.get(f"/audits/{pk}/survey/").content.decode()
    assert "Fewer than 5 responses so far" in home
    add_responses(prepared.audit.survey, [({"ka08_recruitment": "4"}, "woman", "senior")] * 6)
    home = web.get(f"/audits/{pk}/survey/").content.decode()
    assert "6 responses" in home
    analysis = web.get(f"/audits/{pk}/survey/analysis/")
    assert analysis.status_code == 200 and "<svg" in analysis.content.decode()
    assert web.get(f"/audits/{pk}/survey/questionnaire/xlsform/").content[:2] == b"PK"


def test_the_workspace_card_shows_status_and_participation_from_k(opened):
    template = Template("{% load survey_tags %}{% survey_workspace_card audit user %}")
    add_responses(opened.audit.survey, [({}, "woman", "senior")] * 3)
    text = template.render(Context({"audit": opened.audit, "user": opened.coordinator}))
    assert "Fewer than 5 responses" in text and "Analysis" not in text
    add_responses(opened.audit.survey, [({}, "man", "senior")] * 3)
    text = template.render(Context({"audit": opened.audit, "user": opened.lead}))
    assert "6 responses" in text and "Analysis" in text
    assert Response.objects.count() == 6


def test_skipping_through_the_page_records_the_reason(team, client):
    web = web_as(client, team.lead)
    response = web.post(f"/audits/{team.audit.pk}/survey/skip/", {"reason": "Surveyed last month"})
    assert response.status_code == 302
    assert "Surveyed last month" in web.get(f"/audits/{team.audit.pk}/survey/").content.decode()
