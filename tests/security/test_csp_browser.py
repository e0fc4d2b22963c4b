"""The demo's pages, signed in as its people, raise no Content Security Policy violation in Chromium,
and the scripts moved out of the templates still work."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from audits.demo import DEMO_PASSWORD
from audits.models import Audit, TeamRole
from audits.surveys import services as surveys
from audits.surveys.models import Survey
from audits.surveys.selectors import library_instruments
from facilitators.models import Certificate, Certification
from reports.models import ReportRender

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Reported through the console, so that a violation on any page of the session is caught.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
  `(${event.sourceFile}:${event.lineNumber})`));
"""


@pytest.fixture
def demo(transactional_db):
    """`make run`'s data: the methodology, the demo audits and people, plus an open shared survey."""
    call_command("loadmethodology", stdout=io.StringIO())
    call_command("loaddemo", stdout=io.StringIO())
    ministry = Audit.objects.get(title="Comprehensive PGA of the Ministry")
    lead = ministry.team.get(role=TeamRole.LEAD).user
    instrument = library_instruments(ministry.methodology).get(code="pga-staff")
    surveys.survey_prepare(actor=lead, audit=ministry, instrument=instrument)
    surveys.survey_open(
        actor=lead,
        audit=ministry,
        closes_on=datetime.date.today() + datetime.timedelta(days=7),
        mode="shared",
    )
    return {
        "completed": Audit.objects.get(title__endswith="(completed)"),
        "ministry": ministry,
        "geosa": Audit.objects.get(title__startswith="GEOSA"),
        "link": f"/s/{Survey.objects.get(audit=ministry).shared_token}/",
        "code": Certificate.objects.get().code,
        "candidate": Certification.objects.get(facilitator__user__username="candidate"),
    }


def watch_violations(page) -> list[str]:
    found = []
    page.add_init_script(REPORT_VIOLATIONS)

    def keep(message):
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", keep)
    return found


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_the_pages_raise_no_csp_violation_and_their_scripts_work(demo, page):
    walk_the_demo(page, demo)


def walk_the_demo(page, demo) -> None:
    violations = watch_violations(page)
    completed, ministry, geosa = demo["completed"].pk, demo["ministry"].pk, demo["geosa"].pk

    for path in ["/accounts/login/", "/certification/roster/", "/certification/verify/"]:
        visit(page, path)
    visit(page, f"/certification/verify/{demo['code']}/")
    expect(page.get_by_test_id("status")).to_have_text("Valid")

    # The respondent's page: surveys.js saves a draft as soon as an answer is chosen.
    visit(page, demo["link"])
    page.locator("form[data-autosave] input[type=radio]").first.check()
    expect(page.get_by_role("status")).to_have_text("Answers saved.")

    sign_in(page, "lead")
    for path in [
        "/",
        f"/audits/{completed}/",
        f"/audits/{completed}/team/",
        f"/audits/{completed}/evidence/",
        f"/audits/{completed}/documents/",
        f"/audits/{completed}/staff/",
        f"/audits/{completed}/key-areas/KA08/board/",
        f"/audits/{completed}/survey/",
        f"/audits/{completed}/survey/analysis/",
        f"/audits/{completed}/roadmap/",
        f"/audits/{completed}/follow-up/",
        f"/audits/{ministry}/",
        f"/audits/{ministry}/survey/",
        "/certification/me/",
    ]:
        visit(page, path)

    # report.js draws each render's progress bar, then follows a render the worker is working on.
    visit(page, f"/audits/{completed}/report/")
    expect(page.get_by_test_id("final").locator(".progress-bar")).to_have_attribute("style", "width: 100%;")
    page.get_by_role("button", name="Render the draft report").click()
    expect(page.get_by_test_id("draft-status")).to_have_text("Queued")
    ReportRender.objects.filter(audit_id=completed, status="queued").update(status="rendering", progress=40)
    expect(page.get_by_test_id("draft-status")).to_have_text("Rendering")
    expect(page.get_by_test_id("draft").locator(".progress-bar")).to_have_attribute("style", "width: 40%;")

    # Bootstrap's bundle: the menu opens on a narrow screen.
    page.set_viewport_size({"width": 400, "height": 800})
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in(page, "certstaff")
    visit(page, "/certification/")
    visit(page, f"/certification/candidates/{demo['candidate'].pk}/")

    sign_in(page, "focalpoint")
    visit(page, f"/geosa/{geosa}/")

    sign_in(page, "admin")
    visit(page, "/admin/")
    visit(page, "/admin/audits/audit/")
    visit(page, "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Participatory Gender Audit engine API")

    assert violations == []
