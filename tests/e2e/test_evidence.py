"""A facilitator records an interview with a coded excerpt, uploads a document, opens the evidence
board of that key area and drafts a finding from the excerpt."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Gender
from audits import services
from audits.evidence.models import Document, Finding
from audits.models import TeamRole
from tests.factories import PASSWORD, StaffFactory, add_member, make_audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def audit(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loadmethodology", verbosity=0)
    audit = make_audit("selective", title="Selective PGA of the Family Policy Department")
    services.audit_set_key_areas(actor=StaffFactory(), audit=audit, codes=["KA08", "KA09"])
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    lead.username = "lena"
    lead.save()
    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN)
    return audit


def test_facilitator_drafts_a_finding_from_an_interview_excerpt(audit, page, sign_in):
    sign_in("lena", PASSWORD)
    page.goto(f"/audits/{audit.pk}/evidence/")
    expect(page.get_by_test_id("key-area-list")).to_contain_text("no evidence yet")

    # An interview, with consent, in Kyiv time.
    page.get_by_role("navigation", name="Evidence").get_by_role("link", name="Interviews").click()
    page.get_by_role("link", name="New interview").click()
    page.get_by_label("Scheduled for").fill("2027-03-12T10:00")
    page.get_by_label("Time zone").select_option("Europe/Kyiv")
    page.get_by_label("Mode").select_option("in_person")
    page.get_by_label("Grade").fill("P3")
    page.get_by_label("Gender").select_option("woman")
    page.get_by_label("Consent recorded").check()
    page.get_by_label("Notes").fill("Talked about evening meetings and promotion.")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.get_by_text("The interview is recorded.")).to_be_visible()
    expect(page.get_by_text("(Europe/Kyiv)")).to_be_visible()

    # A coded excerpt.
    excerpt_form = page.locator("#excerpt-form")
    excerpt_form.get_by_label("Quotation or summary").fill("Promotions go to whoever stays after six.")
    excerpt_form.get_by_label("Gap", exact=True).check()
    excerpt_form.get_by_role("checkbox", name=re.compile(r"^KA08")).check()
    excerpt_form.get_by_role("button", name="Add the excerpt").click()
    expect(page.get_by_text("The excerpt is coded.")).to_be_visible()

    # A document for the desk review, uploaded and reviewed.
    page.get_by_role("navigation", name="Evidence").get_by_role("link", name="Documents").click()
    page.get_by_label("Title").fill("Staff regulations 2025")
    page.get_by_label("Type").select_option("hr_rule")
    page.get_by_role("checkbox", name=re.compile(r"^KA08")).check()
    page.get_by_label("File").set_input_files(
        files=[{"name": "staff-regulations.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Add the document").click()
    expect(page.get_by_text("Staff regulations 2025 is added; review it below.")).to_be_visible()
    page.get_by_label("Which policies support work-family balance").select_option("partly")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("The review is saved.")).to_be_visible()
    assert Document.objects.get().original_name == "staff-regulations.pdf"

    # The evidence board of KA08 gathers both; the finding cites the excerpt.
    page.get_by_role("navigation", name="Evidence").get_by_role("link", name="Evidence").click()
    page.get_by_role("link", name=re.compile(r"^KA08")).click()
    excerpts = page.get_by_test_id("source-excerpts")
    expect(excerpts).to_contain_text("“Promotions go to whoever stays after six.”")
    expect(page.get_by_test_id("source-documents")).to_contain_text("Staff regulations 2025 — Partly")
    excerpts.get_by_label("Cite").check()
    page.get_by_label("Gap or challenge").check()
    page.get_by_role("textbox", name="Finding").fill("Promotion rewards long hours, which penalizes carers.")
    page.get_by_role("button", name="Save the finding").click()

    expect(page.get_by_text("The finding is drafted.")).to_be_visible()
    findings = page.get_by_test_id("findings")
    expect(findings).to_contain_text("Promotion rewards long hours, which penalizes carers.")
    expect(findings).to_contain_text("Interview excerpt: “Promotions go to whoever stays after six.”")
    finding = Finding.objects.get()
    assert (finding.key_area.code, finding.kind) == ("KA08", "gap")
    assert [evidence.kind for evidence in finding.evidence.all()] == ["excerpt"]


PHONE_PAGES = ["evidence/", "key-areas/KA08/board/", "staff/", "interviews/new/", "documents/", "workshops/"]


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_evidence_pages_fit_a_phone(audit, browser, live_server, path):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/audits/{audit.pk}/{path}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a phone screen"
    context.close()
