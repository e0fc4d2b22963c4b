"""The REST API: same rules as the pages, JSON refusals that say what to do."""

import pytest
from rest_framework.test import APIClient

from facilitators import services
from facilitators.models import Certification, CertificationState, PracticeRecord
from tests.facilitators import factories as f
from tests.factories import UserFactory

S = CertificationState
pytestmark = pytest.mark.django_db
SCORES = dict.fromkeys(
    ["gender_analysis", "discrimination", "advocacy", "team_facilitation", "accountability"], 3
)


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_apply_then_see_transitions_with_failing_guards(programme, cert_staff):
    ana = UserFactory()
    response = api(ana).post("/api/certifications/", {"applicant_type": "practitioner"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "applicant"
    assert body["next_step"]["action"] == "admit"
    assert body["next_step"]["blocking"][0]["message"].startswith("0 of 4 portfolio documents")
    options = api(cert_staff).get(f"/api/certifications/{body['id']}/transitions/").json()
    admit = next(option for option in options if option["action"] == "admit")
    assert admit["allowed"] is False and admit["permitted"] is True
    assert [check["passed"] for check in admit["checks"]] == [False, True]
    own = api(ana).get(f"/api/certifications/{body['id']}/transitions/").json()
    assert all(option["permitted"] is False for option in own)


def test_a_blocked_transition_is_refused_with_the_guard_messages(programme, cert_staff):
    certification = f.walk_to(S.IN_PRACTICE, cert_staff)
    response = api(cert_staff).post(
        f"/api/certifications/{certification.pk}/transitions/",
        {"target": "under_review"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Submit to the certification committee is not possible yet.",
        "problems": [
            "0 of 2 supervised audits as co-facilitator or trainee facilitator.",
            "0 of 2 satisfactory evaluations.",
        ],
    }
    again = api(cert_staff).post(
        f"/api/certifications/{certification.pk}/transitions/", {"target": "certified"}, format="json"
    )
    assert again.status_code == 409


def test_facilitators_see_only_their_own_certification(programme, cert_staff):
    mine, theirs = f.apply(), f.apply()
    client = api(mine.facilitator.user)
    assert [item["id"] for item in client.get("/api/certifications/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/certifications/{theirs.pk}/").status_code == 404
    assert api(cert_staff).get("/api/certifications/").json()["count"] == 2
    assert api().get("/api/certifications/").status_code in (401, 403)


def test_a_state_filter_with_a_nul_byte_matches_nothing(programme, cert_staff):
    """PostgreSQL refuses NUL in a query: schemathesis found the 500 this used to give there."""
    f.apply()
    response = api(cert_staff).get("/api/certifications/", {"state": "applied\x00"})
    assert (response.status_code, response.json()["count"]) == (200, 0)


def test_records_through_the_api_walk_a_candidate_to_review(programme, cert_staff):
    certification = f.walk_to(S.IN_PRACTICE, cert_staff)
    lena = UserFactory(username="lena")
    staff = api(cert_staff)
    for title in ("Audit A", "Audit B"):
        response = staff.post(
            "/api/practice-records/",
            {
                "username": certification.facilitator.user.username,
                "audit_title": title,
                "modality_code": "selective",
                "role": "co_facilitator",
                "supervisor": "lena",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
    records = PracticeRecord.objects.filter(user=certification.facilitator.user)
    first = records.first()
    # Only the supervisor evaluates: the candidate sees the record but may not; others do not see it.
    candidate = api(certification.facilitator.user)
    refused = candidate.post(
        f"/api/practice-records/{first.pk}/evaluation/",
        {"scores": SCORES, "comments": "Self-assessment"},
        format="json",
    )
    assert refused.status_code == 403
    stranger = api(UserFactory()).post(
        f"/api/practice-records/{first.pk}/evaluation/", {"scores": SCORES, "comments": "x"}, format="json"
    )
    assert stranger.status_code == 404
    invalid = api(lena).post(
        f"/api/practice-records/{first.pk}/evaluation/",
        {"scores": {**SCORES, "advocacy": 9, "charisma": 4}, "comments": "Good"},
        format="json",
    )
    assert invalid.status_code == 400
    assert invalid.json()["problems"] == [
        "charisma is not a competence of this programme.",
        "Advocacy and capacity-building strategies: give a score from 1 to 4.",
    ]
    for record in records:
        response = api(lena).post(
            f"/api/practice-records/{record.pk}/evaluation/",
            {"scores": SCORES, "comments": "Good"},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["satisfactory"] is True
    moved = staff.post(
        f"/api/certifications/{certification.pk}/transitions/", {"target": "under_review"}, format="json"
    )
    assert moved.status_code == 201
    decision = staff.post(
        f"/api/certifications/{certification.pk}/decisions/",
        {"decision": "certify", "reasons": "All competences shown."},
        format="json",
    )
    assert decision.status_code == 201
    assert decision.json()["evidence"]["competences"][0]["scores"] == [3, 3]
    detail = staff.get(f"/api/certifications/{certification.pk}/").json()
    assert detail["state"] == "certified"
    assert len(detail["certificates"]) == 1
    assert len(detail["practice"]) == 2


def test_training_results_and_portfolio_through_the_api(programme, cert_staff):
    certification = f.apply()
    candidate = api(certification.facilitator.user)
    response = candidate.post(
        f"/api/certifications/{certification.pk}/portfolio/",
        {"requirement": "cv", "note": "Sent by post"},
        format="json",
    )
    assert response.status_code == 201
    document_id = response.json()["id"]
    review = api(cert_staff).post(
        f"/api/portfolio-documents/{document_id}/review/", {"accept": False}, format="json"
    )
    assert review.status_code == 400
    assert review.json()["detail"] == "Say why the document is rejected, so the applicant can fix it."
    assert (
        candidate.post(
            f"/api/portfolio-documents/{document_id}/review/", {"accept": True}, format="json"
        ).status_code
        == 404
    )
    admitted = f.walk_to(S.IN_TRAINING, cert_staff)
    result = api(cert_staff).post(
        f"/api/certifications/{admitted.pk}/training-results/",
        {"component": "final_exam", "score": 65},
        format="json",
    )
    assert result.status_code == 201
    assert result.json()["passed"] is False


def test_the_public_roster_endpoint(programme, cert_staff):
    ana = UserFactory(first_name="Ana", last_name="Silva", email="ana@private.example")
    services.profile_update(
        actor=ana,
        user=ana,
        languages="Spanish",
        regions="Andes",
        contact="ana@private.example",
        publish_on_roster=True,
        publish_languages=True,
    )
    f.walk_to(S.CERTIFIED, cert_staff, user=ana)
    f.walk_to(S.IN_PRACTICE, cert_staff)  # not certified: not listed
    response = api().get("/api/roster/", {"language": "span"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert entry["name"] == "Ana Silva"
    assert entry["languages"] == ["Spanish"]
    assert entry["regions"] == [] and entry["contact"] == ""
    assert "private.example" not in response.content.decode()
    assert api().get("/api/roster/", {"region": "Andes"}).json()["count"] == 0


def test_profile_me_through_the_api(programme):
    ana = UserFactory()
    client = api(ana)
    assert client.get("/api/facilitators/me/").status_code == 404
    response = client.patch(
        "/api/facilitators/me/", {"languages": "French", "publish_on_roster": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["languages"] == "French"
    assert client.get("/api/facilitators/").json()["count"] == 1
    assert Certification.objects.count() == 0
