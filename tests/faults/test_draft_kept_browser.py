"""Answers are kept on the respondent's device: a reload restores them even when the server never got
a draft (the database was away), and a successful submit clears them."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from audits.models import Audit, TeamRole
from audits.surveys import services
from audits.surveys.models import Draft, Instrument, Response
from tests.factories import add_member, make_audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_link(methodology):
    audit = make_audit("selective", people_in_scope=40)
    audit.key_areas.set(audit.methodology.key_areas.filter(code__in=["KA08", "KA09"]))
    Audit.objects.filter(pk=audit.pk).update(phase="fieldwork")
    lead = add_member(audit, TeamRole.LEAD).user
    instrument = Instrument.objects.get(code="pga-staff", audit__isnull=True)
    services.survey_prepare(actor=lead, audit=audit, instrument=instrument)
    survey = services.survey_open(
        actor=lead, audit=audit, closes_on=datetime.date.today() + datetime.timedelta(days=7), mode="shared"
    )
    return f"/s/{survey.shared_token}/"


def kept_on_device(page) -> str:
    return page.evaluate("JSON.stringify(localStorage)")


def test_a_reload_restores_the_answers_kept_on_the_device(shared_link, page):
    page.route("**/draft/", lambda route: route.abort())  # the server keeps no draft meanwhile
    page.goto(shared_link)
    women = page.get_by_role("group", name=re.compile("women take part"))
    women.get_by_label("To a large extent").check()
    page.wait_for_function("() => Object.values(localStorage).some(v => v.includes('ka07_women_decide'))")

    page.reload()
    women = page.get_by_role("group", name=re.compile("women take part"))
    expect(women.get_by_label("To a large extent")).to_be_checked()
    assert not Draft.objects.exists()  # restored from the device, not from the server

    page.unroute("**/draft/")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    page.get_by_role("group", name=re.compile("recruitment and promotion")).get_by_label(
        "To the fullest extent"
    ).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    page.get_by_role("group", name="Gender").get_by_label("Woman").check()
    assert "ka08_recruitment" in kept_on_device(page)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_test_id("respond-done")).to_contain_text("Your answers are recorded.")
    page.wait_for_function("() => localStorage.length === 0")

    stored = Response.objects.get()
    assert (stored.answers["ka07_women_decide"], stored.answers["ka08_recruitment"]) == ("4", "5")
    assert stored.gender == "woman"
