"""Certification staff find a candidate blocked on an evaluation; the supervisor records it, the
committee certifies, and anyone can check the new certificate on the public verification page."""

import datetime

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from facilitators import services
from facilitators.library import load_programme
from facilitators.models import Certificate, CertificationState
from facilitators.selectors import CERTIFICATION_STAFF_GROUP
from tests.facilitators import factories as f
from tests.facilitators.conftest import PROGRAMME_FOLDER
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
COMPETENCES = ["gender_analysis", "discrimination", "advocacy", "team_facilitation", "accountability"]


@pytest.fixture
def candidate(transactional_db):
    """Ana is in practice: one audit evaluated, the other waiting for Lena, its lead facilitator."""
    load_programme(PROGRAMME_FOLDER)
    carla = UserFactory(username="carla", first_name="Carla", last_name="Staff")
    carla.groups.add(Group.objects.get_or_create(name=CERTIFICATION_STAFF_GROUP)[0])
    ana = UserFactory(username="ana", first_name="Ana", last_name="Silva")
    lena = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    certification = f.walk_to(CertificationState.IN_PRACTICE, carla, user=ana)
    for reference, title in ((501, "Ministry of Labour"), (502, "Social insurance fund")):
        record = services.practice_record_from_audit(
            user=ana,
            audit_reference=reference,
            audit_title=title,
            modality_code="selective",
            role="co_facilitator",
            started_on=datetime.date(2026, 2, 1),
            ended_on=datetime.date(2026, 4, 1),
            supervisor=lena,
        )
        if reference == 501:
            f.evaluate(record)
    return certification


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)


def test_staff_supervisor_and_committee_certify_a_candidate(candidate, page, sign_in):
    sign_in("carla", PASSWORD)
    page.goto("/certification/")
    expect(page.get_by_test_id("stage-counts").locator("[data-stage=in_practice]")).to_contain_text("1")
    row = page.locator("[data-candidate=ana]")
    expect(row).to_contain_text("Ana Silva")
    expect(row).to_contain_text(
        "evaluation of “Social insurance fund” pending from the lead facilitator, Lena Lead."
    )
    sign_out(page)

    sign_in("lena", PASSWORD)
    page.goto("/certification/me/")
    due = page.get_by_test_id("evaluations-due")
    expect(due).to_contain_text("Social insurance fund")
    due.get_by_role("link", name="Evaluate").click()
    for code in COMPETENCES:
        page.locator(f"input[name=score_{code}][value='3']").check()
    page.get_by_label("Comments on the practice as a whole").fill("Ran the workshop with care.")
    page.get_by_role("button", name="Record the evaluation").click()
    expect(page.get_by_text("Thank you; the evaluation is recorded.")).to_be_visible()
    expect(page.get_by_test_id("evaluations-due")).to_have_count(0)
    sign_out(page)

    sign_in("carla", PASSWORD)
    page.goto("/certification/")
    expect(row).to_contain_text("Ready: Submit to the certification committee")
    row.click()
    page.get_by_role("button", name="Submit to the certification committee").click()
    expect(page.get_by_test_id("state")).to_have_text("Under review")
    page.get_by_role("link", name="Record the committee's decision").click()
    expect(page.get_by_text("Ran the workshop with care.")).to_be_visible()  # the evidence
    page.get_by_label("Certify").check()
    page.get_by_label("Reasons").fill("All five competences shown on two supervised audits.")
    page.get_by_label("Committee members").fill("M. Diallo, R. Novak")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The committee's decision is recorded.")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("Certified")
    code = page.get_by_test_id("certificate-code").inner_text()
    assert code == Certificate.objects.get(certification=candidate).display_code
    sign_out(page)

    page.goto("/certification/verify/")
    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("status")).to_have_text("Valid")
    expect(page.get_by_test_id("verification")).to_contain_text("This certificate is valid today.")
    expect(page.get_by_test_id("verification")).not_to_contain_text("Ana Silva")
