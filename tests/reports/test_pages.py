"""The report page and API: who sees them, requesting a render, downloading PDFs."""

import pytest
from rest_framework.test import APIClient

from reports.models import ReportRender
from tests.roadmap.builders import client_for, team_audit

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_report_page_for_the_team_the_coordinator_and_others(complete, methodology):
    url = f"/audits/{complete.audit.pk}/report/"
    page = client_for(complete.people["lead"]).get(url)
    assert page.status_code == 200 and "Render the draft report" in page.content.decode()
    coordinator_page = client_for(complete.people["coordinator"]).get(url)
    assert (
        coordinator_page.status_code == 200
        and "Render the draft report" not in coordinator_page.content.decode()
    )
    assert client_for(complete.people["unrelated"]).get(url).status_code == 404
    early = team_audit(phase="fieldwork")
    assert client_for(early.people["coordinator"]).get(f"/audits/{early.audit.pk}/report/").status_code == 404


def test_request_follow_and_download_through_the_api(complete, run_on_commit):
    api = api_for(complete.people["lead"])
    base = f"/api/audits/{complete.audit.pk}/report"
    with run_on_commit():
        response = api.post(f"{base}/renders/", {"kind": "report", "language": "fr"}, format="json")
    assert response.status_code == 202, response.json()
    render_id = response.json()["id"]
    state = api.get(f"{base}/").json()
    assert state["draft"]["id"] == render_id and state["draft"]["status"] == "ready"
    assert state["draft"]["progress"] == 100 and state["can_issue"] is True
    pdf = api.get(state["draft"]["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(ReportRender.objects.get(pk=render_id).pdf)
    coordinator = api_for(complete.people["coordinator"])
    assert coordinator.post(f"{base}/renders/", {}, format="json").status_code == 403
    assert coordinator.get(f"{base}/renders/{render_id}/pdf/").status_code == 200
    assert api_for(complete.people["unrelated"]).get(f"{base}/").status_code == 404


def test_issue_and_download_a_version_through_the_pages(complete, run_on_commit):
    client = client_for(complete.people["lead"])
    with run_on_commit():
        response = client.post(f"/audits/{complete.audit.pk}/report/issue/", {"language": "en"})
    assert response.status_code == 302
    snapshot = complete.audit.report_snapshots.get()
    download = client.get(f"/audits/{complete.audit.pk}/report/v1.pdf")
    assert download.content == bytes(snapshot.pdf) and download["X-Content-SHA256"] == snapshot.sha256
    page = client.get(f"/audits/{complete.audit.pk}/report/").content.decode()
    assert snapshot.sha256 in page
    api = api_for(complete.people["coordinator"])
    snapshots = api.get(f"/api/audits/{complete.audit.pk}/report/snapshots/").json()
    assert snapshots[0]["version"] == 1 and snapshots[0]["sha256"] == snapshot.sha256
