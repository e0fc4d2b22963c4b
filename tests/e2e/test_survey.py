"""A respondent answers on a phone through a single-use link, drops offline, resumes and submits once;
the facilitator then sees the response counted. axe-core finds no serious or critical violation."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from audits.models import Audit, TeamRole
from audits.surveys import services
from audits.surveys.models import Instrument, Response
from tests.factories import PASSWORD, add_member, make_audit
from tests.surveys.conftest import add_responses

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def survey_link(transactional_db, settings):
    """An open single-use survey with 4 responses already in, and one invitation's link."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    call_command("loadmethodology", verbosity=0)
    audit = make_audit("selective", people_in_scope=40)
    audit.key_areas.set(audit.methodology.key_areas.filter(code__in=["KA08", "KA09"]))
    Audit.objects.filter(pk=audit.pk).update(phase="fieldwork")
    lead = add_member(audit, TeamRole.LEAD).user
    instrument = Instrument.objects.get(code="pga-staff", audit__isnull=True)
    services.survey_prepare(actor=lead, audit=audit, instrument=instrument)
    services.survey_open(
        actor=lead,
        audit=audit,
        closes_on=datetime.date.today() + datetime.timedelta(days=7),
        mode="single_use",
    )
    add_responses(audit.survey, [({"ka08_recruitment": "3"}, "man", "senior")] * 4)
    services.invitations_add(
        actor=lead, audit=audit, emails=["staff@example.org"], base_url="http://testserver/"
    )
    path = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    return audit, lead, path


def assert_accessible(page) -> None:
    results = Axe().run(page)
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious


def assert_fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


def test_answer_on_a_phone_drop_resume_submit_once(survey_link, browser, live_server):
    audit, lead, path = survey_link
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB", has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(10_000)

    page.goto(path)
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    expect(page.get_by_test_id("respondents")).to_have_count(0)  # 4 answers so far: under k, not shown
    assert_accessible(page)
    assert_fits(page)
    page.get_by_role("group", name=re.compile("women take part")).get_by_label("To a large extent").check()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    assert_accessible(page)
    assert_fits(page)
    page.get_by_role("group", name=re.compile("recruitment and promotion")).get_by_label(
        "To the fullest extent"
    ).check()
    expect(page.get_by_role("status")).to_have_text("Answers saved.")

    phone.set_offline(True)
    page.get_by_role("group", name=re.compile("equal weight in meetings")).get_by_label(
        "To a small extent"
    ).check()
    expect(page.get_by_role("status")).to_contain_text("kept on this device")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("status")).to_contain_text("You seem to be offline")
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    page.close()

    phone.set_offline(False)
    page = phone.new_page()
    page.goto(path)
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()  # the server kept the page reached
    recruitment = page.get_by_role("group", name=re.compile("recruitment and promotion"))
    expect(recruitment.get_by_label("To the fullest extent")).to_be_checked()  # saved on the server
    meetings = page.get_by_role("group", name=re.compile("equal weight in meetings"))
    expect(meetings.get_by_label("To a small extent")).to_be_checked()  # kept on the phone while offline
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Gender").get_by_label("Woman").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_test_id("respond-done")).to_contain_text("Your answers are recorded.")
    assert_accessible(page)

    assert Response.objects.filter(survey=audit.survey).count() == 5
    stored = Response.objects.get(gender="woman")
    assert stored.answers["ka08_recruitment"] == "5" and stored.answers["ka09_respect"] == "2"
    assert stored.answers["ka07_women_decide"] == "4"
    assert page.evaluate("Object.keys(localStorage).length") == 0  # nothing left on the phone

    page.goto(path)  # the link works once
    expect(page.get_by_test_id("link-refused")).to_contain_text("already been used")
    assert_accessible(page)
    assert Response.objects.filter(survey=audit.survey).count() == 5
    phone.close()

    desk = browser.new_context(base_url=live_server.url, locale="en-GB")
    facilitator = desk.new_page()
    facilitator.goto("/accounts/login/")
    facilitator.get_by_label("Username").fill(lead.username)
    facilitator.get_by_label("Password").fill(PASSWORD)
    facilitator.get_by_role("main").get_by_role("button", name="Sign in").click()
    facilitator.goto(f"/audits/{audit.pk}/survey/")
    expect(facilitator.get_by_test_id("response-count")).to_contain_text("5 responses")
    desk.close()
