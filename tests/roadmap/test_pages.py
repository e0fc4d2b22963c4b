"""The roadmap pages and API: who sees and changes what, and a page whose queries do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audits.roadmap.models import ActionTemplate
from audits.roadmap.services import feedback_share
from tests.roadmap.builders import action, client_for, finding, recommendation, team_audit


@pytest.fixture
def team(methodology):
    team = team_audit(phase="feedback")
    finding(team, "KA08")
    return team


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_team_sees_the_roadmap_and_outsiders_get_404(team):
    url = f"/audits/{team.audit.pk}/roadmap/"
    assert client_for(team.people["trainee"]).get(url).status_code == 200
    assert client_for(team.people["unrelated"]).get(url).status_code == 404
    assert client_for(team.people["coordinator"]).get(url).status_code == 404
    feedback_share(actor=team.people["lead"], audit=team.audit)
    page = client_for(team.people["coordinator"]).get(url)
    assert page.status_code == 200 and "New recommendation" not in page.content.decode()


def test_the_coordinator_cannot_open_the_editing_pages(team):
    feedback_share(actor=team.people["lead"], audit=team.audit)
    client = client_for(team.people["coordinator"])
    assert client.get(f"/audits/{team.audit.pk}/roadmap/actions/new/").status_code == 403
    assert client.get(f"/audits/{team.audit.pk}/roadmap/library/").status_code == 403


def test_a_recommendation_and_an_adopted_action_through_the_pages(team):
    client = client_for(team.people["lead"])
    gap = team.findings["KA08"][0]
    response = client.post(
        f"/audits/{team.audit.pk}/roadmap/recommendations/",
        {"key_area": "KA08", "text": "Review pay every year.", "findings": [str(gap.pk)]},
    )
    assert response.status_code == 302
    made = team.audit.recommendations.get()
    assert list(made.findings.all()) == [gap]
    template = ActionTemplate.objects.get(methodology=team.audit.methodology, code="ka08-pay-review")
    response = client.post(
        f"/audits/{team.audit.pk}/roadmap/library/",
        {"template": template.pk, "recommendation": made.pk, "start": "2027-05-03"},
    )
    adopted = team.audit.roadmap_actions.get()
    assert response.url.endswith(f"/roadmap/actions/{adopted.pk}/")
    assert adopted.title == template.title["en"]
    page = client.get(f"/audits/{team.audit.pk}/roadmap/")
    assert adopted.title in page.content.decode()


def test_the_roadmap_page_makes_the_same_number_of_queries_whatever_its_size(team):
    client = client_for(team.people["lead"])
    url = f"/audits/{team.audit.pk}/roadmap/"
    first = recommendation(team, "KA08", findings=team.findings["KA08"])
    action(team, first)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(6):
        finding(team, "KA04" if index % 2 else "KA08")
        made = recommendation(team, "KA04" if index % 2 else "KA08")
        for number in range(4):
            action(team, made, title=f"Action {index}.{number}")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [query["sql"] for query in large.captured_queries]


def test_the_api_creates_recommendations_and_actions_and_refuses_the_coordinator(team):
    lead_api = api_for(team.people["lead"])
    base = f"/api/audits/{team.audit.pk}"
    response = lead_api.post(
        f"{base}/recommendations/",
        {"key_area": "KA08", "text": "Publish criteria.", "findings": [team.findings["KA08"][0].pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    recommendation_id = response.json()["id"]
    response = lead_api.post(
        f"{base}/actions/",
        {
            "recommendation": recommendation_id,
            "title": "Publish the promotion criteria",
            "owner": "Head of HR",
            "start": "2027-05-01",
            "end": "2027-09-30",
            "indicator": "Criteria published",
            "priority": "high",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["key_area"] == "KA08" and response.json()["status"] == "planned"
    response = lead_api.post(
        f"{base}/actions/from-library/",
        {"recommendation": recommendation_id, "template": "ka08-recruitment"},
        format="json",
    )
    assert response.status_code == 201
    feedback_share(actor=team.people["lead"], audit=team.audit)
    coordinator_api = api_for(team.people["coordinator"])
    assert coordinator_api.get(f"{base}/actions/").status_code == 200
    assert (
        coordinator_api.post(
            f"{base}/recommendations/", {"key_area": "KA08", "text": "x"}, format="json"
        ).status_code
        == 403
    )
    assert api_for(team.people["unrelated"]).get(f"{base}/actions/").status_code == 404
    response = coordinator_api.post(
        f"{base}/feedback/comments/", {"recommendation": recommendation_id, "text": "Agreed."}, format="json"
    )
    assert response.status_code == 201
    comment_id = response.json()["id"]
    response = lead_api.post(
        f"{base}/feedback/comments/{comment_id}/resolve/", {"resolution": "Thanks."}, format="json"
    )
    assert response.status_code == 200 and response.json()["resolved_by"] == team.people["lead"].username
    assert len(lead_api.get(f"{base}/action-library/").json()) >= 24
