"""The lead requests the report, watches it go from queued to ready as the worker renders it, and
downloads the PDF (the real task backend: the page enqueues, `manage.py db_worker` renders)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from audits.library import load_library
from reports.models import ReportRender
from tests.conftest import LIBRARY_FOLDER
from tests.factories import PASSWORD
from tests.roadmap.builders import action, finding, recommendation, team_audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db):
    load_library(LIBRARY_FOLDER)
    team = team_audit(phase="reporting", codes=("KA08",))
    gap = finding(team, "KA08", "gap", "Women earn less per hour than men.")
    action(
        team,
        recommendation(team, "KA08", "Review pay by sex every year.", [gap]),
        "Run a joint pay assessment",
    )
    return team


def test_the_lead_requests_the_report_watches_it_render_and_downloads_it(team, page, sign_in, tmp_path):
    sign_in(team.people["lead"].username, PASSWORD)
    page.goto(f"/audits/{team.audit.pk}/report/")
    expect(page.get_by_test_id("draft")).to_contain_text("Not rendered yet.")

    page.get_by_role("button", name="Render the draft report").click()
    status = page.get_by_test_id("draft-status")
    expect(status).to_have_text("Queued")
    assert ReportRender.objects.get(audit=team.audit).status == "queued"

    call_command(
        "db_worker", "--batch", "--no-startup-delay", verbosity=0
    )  # what the worker beside the server does
    expect(status).to_have_text("Ready", timeout=20_000)
    expect(page.get_by_test_id("draft")).to_contain_text("page")

    with page.expect_download() as download_info:
        page.get_by_test_id("draft-download").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert data == bytes(ReportRender.objects.get(audit=team.audit).pdf)
