"""The wizard page, the adviser's requests page, the report and the API: permissions and queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audits.models import TeamRole
from selfassessment import services
from selfassessment.models import CommentKind
from tests.factories import UserFactory, add_member, make_audit

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_the_wizard_shows_the_current_step_and_the_next_one(client, geosa):
    response = _client(client, geosa.focal_point).get(f"/geosa/{geosa.audit.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Now: Set-up" in page
    assert "Ask a certified facilitator to be your technical adviser." in page
    assert "Send the request" in page


def test_another_organizations_people_get_404(client, geosa):
    stranger = add_member(make_audit("geosa"), TeamRole.COORDINATOR).user
    client = _client(client, stranger)
    assert client.get(f"/geosa/{geosa.audit.pk}/").status_code == 404
    assert client.get(f"/audits/{geosa.audit.pk}/report/").status_code == 404
    assert client.post(f"/geosa/{geosa.audit.pk}/adviser/", {"adviser": "x"}).status_code == 404
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get(f"/api/geosa/{geosa.audit.pk}/").status_code == 404


def test_a_facilitated_audit_has_no_wizard(client, methodology):
    audit = make_audit("selective")
    lead = add_member(audit, TeamRole.LEAD).user
    assert _client(client, lead).get(f"/geosa/{audit.pk}/").status_code == 404


def test_the_adviser_accepts_from_the_requests_page(client, geosa):
    request = services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=geosa.adviser)
    client = _client(client, geosa.adviser)
    assert geosa.audit.title in client.get("/geosa/requests/").content.decode()
    assert client.get(f"/geosa/{geosa.audit.pk}/").status_code == 404  # not on the audit yet

    response = client.post(f"/geosa/requests/{request.pk}/answer/", {"answer": "accept"})

    assert response.status_code == 302
    assert client.get(f"/geosa/{geosa.audit.pk}/").status_code == 200


def test_someone_else_cannot_answer_a_request(client, geosa):
    request = services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=geosa.adviser)
    response = _client(client, geosa.focal_point).post(
        f"/geosa/requests/{request.pk}/answer/", {"answer": "accept"}
    )
    assert response.status_code == 404


def test_the_api_rates_and_reports_the_state(geosa):
    geosa.to("self_assessment")
    api = APIClient()
    api.force_authenticate(geosa.focal_point)
    response = api.put(
        f"/api/geosa/{geosa.audit.pk}/ratings/KA08/",
        {"level": 3, "justification": "Policies exist"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    state = api.get(f"/api/geosa/{geosa.audit.pk}/").json()
    assert state["ratings"][0]["key_area"] == "KA08"
    assert [item["code"] for item in state["comparison"]] == ["KA04", "KA08", "KA09"]
    refused = api.put(
        f"/api/geosa/{geosa.audit.pk}/ratings/KA08/", {"level": 3, "justification": " "}, format="json"
    )
    assert refused.status_code == 400


def test_the_internal_team_cannot_review_through_the_api(geosa):
    geosa.with_adviser().to("self_assessment")
    geosa.rate_all()
    geosa.to("technical_review")
    api = APIClient()
    api.force_authenticate(geosa.focal_point)
    response = api.post(
        f"/api/geosa/{geosa.audit.pk}/ratings/KA08/comments/", {"kind": "accept"}, format="json"
    )
    assert response.status_code == 403


def _wizard_queries(client, geosa) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/geosa/{geosa.audit.pk}/").status_code == 200
    return len(queries)


def test_the_wizard_runs_a_constant_number_of_queries(client, geosa, methodology):
    geosa.with_adviser().with_trained_team(1).to("self_assessment")
    client = _client(client, geosa.focal_point)
    geosa.rate_all({"KA04": 2})
    geosa.to("technical_review")
    services.comment_add(
        actor=geosa.adviser, rating=geosa.audit.geosa_ratings.get(), kind=CommentKind.QUESTION, text="Why?"
    )
    few = _wizard_queries(client, geosa)

    geosa.audit.key_areas.set(methodology.key_areas.filter(code__in=["KA01", "KA02", "KA04", "KA08", "KA09"]))
    geosa.to("self_assessment")
    geosa.rate_all({"KA01": 1, "KA02": 3, "KA08": 4, "KA09": 5})
    geosa.with_trained_team(4)
    geosa.to("technical_review")
    for rating in geosa.audit.geosa_ratings.all():
        services.comment_add(actor=geosa.adviser, rating=rating, kind=CommentKind.QUESTION, text="And?")
    many = _wizard_queries(client, geosa)

    assert many == few


def test_a_user_with_no_role_gets_404(client, geosa):
    assert _client(client, UserFactory()).get(f"/geosa/{geosa.audit.pk}/").status_code == 404


def test_the_demo_reaches_the_self_assessment_and_loads_twice(methodology):
    from audits import demo as audits_demo
    from audits.models import Audit
    from selfassessment import demo

    users = audits_demo.load_demo()
    demo.load_demo(users)
    demo.load_demo(users)

    audit = Audit.objects.get(title=demo.TITLE)
    assert audit.phase == "self_assessment"
    assert audit.geosa_ratings.count() == 3
    assert audit.internal_team.count() == 3
    assert audit.adviser_requests.get().adviser == users["lead"]
