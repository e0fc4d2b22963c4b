"""The demo lead facilitator finds a blocked step, fixes its cause on the page and moves on."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from audits.demo import DEMO_PASSWORD
from audits.models import Audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("loadmethodology", verbosity=0)
    call_command("loaddemo", verbosity=0)


def test_lead_unblocks_preparation_and_advances(demo, page, sign_in):
    audit = Audit.objects.get(title="Selective PGA of the Department of Family Policy")
    sign_in("lead", DEMO_PASSWORD)

    page.get_by_role("link", name=audit.title).click()
    expect(page.get_by_test_id("phase")).to_have_text("Preparation")
    advance = page.get_by_test_id("advance")
    expect(advance).to_contain_text("0 key areas selected; a Selective PGA covers 1–11.")
    expect(advance.get_by_role("button", name="Move to Desk review")).to_be_disabled()

    page.get_by_role("link", name="Choose key areas").click()
    page.get_by_label("KA08").check()
    page.get_by_label("KA09").check()
    page.get_by_role("button", name="Save the key areas").click()

    expect(page.get_by_text("The key areas are saved.")).to_be_visible()
    expect(advance).not_to_contain_text("key areas selected")
    page.get_by_label("Comment (optional)").fill("Scope agreed with the coordinator.")
    advance.get_by_role("button", name="Move to Desk review").click()

    expect(page.get_by_test_id("phase")).to_have_text("Desk review")
    expect(page.get_by_text("Preparation → Desk review")).to_be_visible()
    expect(page.get_by_text("Scope agreed with the coordinator.")).to_be_visible()
    audit.refresh_from_db()
    assert audit.phase == "desk_review"
    assert sorted(audit.key_areas.values_list("code", flat=True)) == ["KA08", "KA09"]
    assert audit.transitions.last().actor.username == "lead"


def test_workspace_fits_a_phone(demo, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    audit = Audit.objects.get(title="Comprehensive PGA of the Ministry")
    page.goto(f"/audits/{audit.pk}/")
    expect(page.get_by_test_id("phase")).to_have_text("Fieldwork")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone screen"
    context.close()
