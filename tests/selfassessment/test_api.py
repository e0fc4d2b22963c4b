"""The adviser's accept/decline and the comment/answer cycle through the API, with its refusals."""

from rest_framework.test import APIClient

from audits.models import TeamRole
from selfassessment.models import AdviserRequest, CommentKind, RequestStatus
from tests.factories import UserFactory


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ask(geosa) -> int:
    response = _api(geosa.focal_point).post(
        f"/api/geosa/{geosa.audit.pk}/adviser-requests/", {"adviser": geosa.adviser.username}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    return response.json()["id"]


def test_the_adviser_accepts_through_the_api_and_joins_the_team(geosa):
    request_id = _ask(geosa)
    response = _api(geosa.adviser).post(
        f"/api/geosa/adviser-requests/{request_id}/answer/",
        {"accept": True, "note": "Glad to"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert geosa.audit.team.filter(user=geosa.adviser, role=TeamRole.EXPERT).exists()

    again = _api(geosa.adviser).post(
        f"/api/geosa/adviser-requests/{request_id}/answer/", {"accept": False}, format="json"
    )
    assert again.status_code == 404  # no longer pending for them: nothing left to answer
    assert AdviserRequest.objects.get(pk=request_id).status == RequestStatus.ACCEPTED


def test_the_adviser_declines_and_stays_off_the_team(geosa):
    request_id = _ask(geosa)
    response = _api(geosa.adviser).post(
        f"/api/geosa/adviser-requests/{request_id}/answer/",
        {"accept": False, "note": "No time this quarter"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert response.json()["answer_note"] == "No time this quarter"
    assert not geosa.audit.team.filter(user=geosa.adviser).exists()


def test_only_the_person_asked_answers_a_request(geosa):
    request_id = _ask(geosa)
    for someone in (geosa.focal_point, UserFactory()):
        response = _api(someone).post(
            f"/api/geosa/adviser-requests/{request_id}/answer/", {"accept": True}, format="json"
        )
        assert response.status_code == 404
    assert AdviserRequest.objects.get(pk=request_id).status == RequestStatus.PENDING


def test_an_answer_without_a_decision_is_a_clear_400(geosa):
    request_id = _ask(geosa)
    url = f"/api/geosa/adviser-requests/{request_id}/answer/"
    response = _api(geosa.adviser).post(url, {}, format="json")
    assert response.status_code == 400
    assert "accept" in response.json()
    assert AdviserRequest.objects.get(pk=request_id).status == RequestStatus.PENDING


def test_the_adviser_questions_a_rating_and_the_team_answers_through_the_api(geosa):
    geosa.with_adviser().to("self_assessment")
    geosa.rate_all()
    geosa.to("technical_review")
    base = f"/api/geosa/{geosa.audit.pk}"

    refused = _api(geosa.focal_point).post(
        f"{base}/ratings/KA08/comments/", {"kind": CommentKind.QUESTION, "text": "?"}, format="json"
    )
    assert refused.status_code == 403
    empty = _api(geosa.adviser).post(
        f"{base}/ratings/KA08/comments/", {"kind": CommentKind.QUESTION, "text": ""}, format="json"
    )
    assert empty.status_code == 400
    assert "Write the question" in empty.json()["detail"]

    created = _api(geosa.adviser).post(
        f"{base}/ratings/KA08/comments/",
        {"kind": CommentKind.SUGGEST, "text": "Only one policy exists.", "suggested_level": 3},
        format="json",
    )
    assert created.status_code == 201, created.content
    comment = created.json()
    assert comment["resolved"] is False

    blank = _api(geosa.focal_point).post(
        f"{base}/comments/{comment['id']}/answer/", {"answer": ""}, format="json"
    )
    assert blank.status_code == 400
    answered = _api(geosa.focal_point).post(
        f"{base}/comments/{comment['id']}/answer/",
        {"answer": "Agreed, level 3.", "new_level": 3},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["resolved"] is True
    state = _api(geosa.focal_point).get(f"{base}/").json()
    assert {rating["key_area"]: rating["level"] for rating in state["ratings"]}["KA08"] == 3

    twice = _api(geosa.focal_point).post(
        f"{base}/comments/{comment['id']}/answer/", {"answer": "Again"}, format="json"
    )
    assert twice.status_code == 400
    assert "already resolved" in twice.json()["detail"]
