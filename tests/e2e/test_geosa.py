"""A focal point is guided from set-up to an action plan with a technical adviser, then renders the
GEOSA report through the background renderer and downloads it."""

import datetime
import re
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Gender
from audits.models import TeamRole
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, add_member, certify, make_audit

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _advance(page, phase):
    page.get_by_role("button", name=f"Move to {phase}").click()
    expect(page.get_by_text(f"Now: {phase}")).to_be_visible()


def test_focal_point_walks_to_an_action_plan_and_the_report(
    page, browser, live_server, methodology, tmp_path
):
    organization = OrganizationFactory(name="Regional office")
    audit = make_audit(
        "geosa",
        organization=organization,
        title="GEOSA of the regional office",
        planned_start=None,
        planned_end=None,
        people_in_scope=30,
    )
    focal = add_member(
        audit, TeamRole.COORDINATOR, user=UserFactory(username="focal", gender=Gender.MAN)
    ).user
    audit.key_areas.set(methodology.key_areas.filter(code__in=["KA08", "KA09"]))
    adviser = UserFactory(username="adviser", first_name="Lena", last_name="Kovalenko")
    certify(adviser, certified_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2029, 1, 1))
    url = f"/geosa/{audit.pk}/"

    # Set-up: ask for an adviser
    _sign_in(page, focal.username)
    page.goto(url)
    expect(page.get_by_test_id("next-step-text")).to_have_text(
        "Ask a certified facilitator to be your technical adviser."
    )
    page.get_by_label("Username or e-mail of a certified facilitator").fill("adviser")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_test_id("next-step-text")).to_contain_text(
        "Lena Kovalenko has not answered your request yet"
    )

    # The adviser accepts, in their own browser session
    adviser_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    adviser_page = adviser_context.new_page()
    adviser_page.set_default_timeout(10_000)
    _sign_in(adviser_page, "adviser")
    adviser_page.goto("/geosa/requests/")
    expect(adviser_page.get_by_test_id("adviser-request")).to_contain_text("GEOSA of the regional office")
    adviser_page.get_by_role("button", name="Accept").click()
    expect(adviser_page.get_by_text("You are now the technical adviser")).to_be_visible()

    page.reload()
    expect(page.get_by_text("Lena Kovalenko is your adviser.")).to_be_visible()
    page.screenshot(path="var/geosa-setup-desktop.png", full_page=True)
    _advance(page, "Team training")

    # Team training: three trained members
    expect(page.get_by_test_id("next-step-text")).to_contain_text("at least 3 must")
    for name in ("Oksana", "Taras", "Iryna"):
        if not page.locator("#id_name").is_visible():
            page.get_by_text("Add a member").click()
        page.locator("#id_name").fill(name)
        page.locator("#id_trained_on").fill("2026-10-01")
        page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_test_id("internal-team")).to_contain_text("Trained on")
    _advance(page, "Self-assessment")

    # Self-assessment: rate each key area with the rubric
    for code, level, why in (
        ("KA08", "4", "Pay and promotion are reviewed by sex."),
        ("KA09", "2", "Few speak up."),
    ):
        area = page.get_by_test_id(f"area-{code}")
        area.get_by_role("radio").nth(int(level) - 1).check()
        area.get_by_label("Why this level?").fill(why)
        area.get_by_role("button", name=f"Save the rating of {code}").click()
        expect(page.get_by_test_id(f"area-{code}")).to_contain_text(why)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="var/geosa-ratings-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    _advance(page, "Technical review")

    # Technical review: the adviser accepts one rating and questions the other
    adviser_page.goto(url)
    ka08 = adviser_page.get_by_test_id("area-KA08")
    ka08.get_by_label("Accept the rating").check()
    ka08.get_by_role("button", name="Send the review of KA08").click()
    ka09 = adviser_page.get_by_test_id("area-KA09")
    ka09.get_by_label("Ask a question").check()
    ka09.get_by_label("Comment").fill("What do staff say about meetings?")
    ka09.get_by_role("button", name="Send the review of KA09").click()
    expect(adviser_page.get_by_test_id("area-KA09").get_by_test_id("comment")).to_contain_text(
        "What do staff say"
    )
    adviser_page.get_by_label("Your statement on the self-assessment").fill(
        "A candid and well-evidenced assessment."
    )
    adviser_page.get_by_role("button", name="Save the statement").click()

    page.reload()
    expect(page.get_by_test_id("next-step-text")).to_have_text(
        "1 comment of the adviser awaits the team's answer."
    )
    area = page.get_by_test_id("area-KA09")
    area.get_by_label("Your answer").fill("Women say meetings run late; we keep level 2.")
    area.get_by_role("button", name="Answer").click()
    _advance(page, "Action planning")

    # Action planning: adopt a suggestion for the lowest-rated area
    expect(page.get_by_test_id("next-step-text")).to_contain_text("Add at least one action to the roadmap")
    page.locator("#plan").get_by_role("button", name=re.compile("Add to the roadmap")).first.click()
    expect(page.get_by_text("is on your roadmap")).to_be_visible()
    expect(page.get_by_role("button", name="Move to Follow-up")).to_be_visible()
    page.screenshot(path="var/geosa-plan-desktop.png", full_page=True)

    # The GEOSA report: rendered in the background by the reports app's worker, then downloaded
    page.get_by_role("link", name="The GEOSA report").click()
    expect(page.get_by_role("heading", name="GEOSA report")).to_be_visible()
    page.get_by_role("button", name="Render the draft report").click()
    expect(page.get_by_test_id("draft-status")).to_have_text("Queued")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(page.get_by_test_id("draft-status")).to_have_text("Ready", timeout=20_000)
    with page.expect_download() as download_info:
        page.get_by_test_id("draft-download").click()
    path = tmp_path / "geosa.pdf"
    download_info.value.save_as(path)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout.decode().split()
    )
    assert "GEOSA of the regional office" in text
    assert "A candid and well-evidenced assessment." in text
    assert "level 2" in text
    adviser_context.close()
