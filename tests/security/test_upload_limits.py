"""Every upload entry point has a size limit that says what it is and stores nothing; a body over the
global limit gets a 413 page or JSON naming the limit, never a 500."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Gender
from audits import services as audit_services
from audits.evidence.models import Document, StaffDataset
from audits.models import TeamRole
from audits.surveys.models import Survey
from facilitators.library import load_programme
from facilitators.models import PortfolioDocument
from tests.facilitators import factories as f
from tests.facilitators.conftest import PROGRAMME_FOLDER
from tests.factories import StaffFactory, add_member, make_audit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def upload(name: str, size: int, head: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, head + b"0" * (size - len(head)))


@pytest.fixture
def lead(methodology):
    audit = make_audit("selective")
    audit_services.audit_set_key_areas(actor=StaffFactory(), audit=audit, codes=["KA08", "KA09"])
    user = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN)
    return user, audit


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_evidence_document_over_its_limit_is_refused_on_the_page_and_the_api(lead, media, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 4096
    user, audit = lead
    fields = {"title": "HR policy", "doc_type": "policy", "key_areas": ["KA08"]}
    page = page_client(user).post(
        f"/audits/{audit.pk}/documents/", {**fields, "file": upload("policy.pdf", 8192)}
    )
    assert page.status_code == 200
    assert "The file policy.pdf is 8 KiB; the limit is 4 KiB." in page.content.decode()
    api = api_client(user).post(
        f"/api/audits/{audit.pk}/documents/",
        {**fields, "file": upload("policy.pdf", 8192)},
        format="multipart",
    )
    assert api.status_code == 400 and "the limit is 4 KiB" in api.json()["detail"]
    assert not Document.objects.exists() and stored_files(media) == []


def test_a_staff_file_over_the_limit_is_refused_on_the_page_and_the_api(lead, media, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 4096
    user, audit = lead
    big = b"employee_id,gender,category,annual_hours,base_pay\n" + b"1,F,A,1000,30000\n" * 400
    page = page_client(user).post(
        f"/audits/{audit.pk}/staff/", {"file": SimpleUploadedFile("staff.csv", big)}
    )
    assert "the limit is 4 KiB" in page.content.decode()
    api = api_client(user).post(
        f"/api/audits/{audit.pk}/staff/", {"file": SimpleUploadedFile("staff.csv", big)}, format="multipart"
    )
    assert api.status_code == 400 and "the limit is 4 KiB" in api.json()["detail"]
    assert not StaffDataset.objects.exists() and stored_files(media) == []


def test_an_xlsform_over_5_mb_is_refused_on_the_page_and_the_api(lead):
    user, audit = lead
    big = b"PK\x03\x04" + b"0" * 5_000_100
    page = page_client(user).post(
        f"/audits/{audit.pk}/survey/import/", {"file": SimpleUploadedFile("form.xlsx", big)}
    )
    assert page.status_code == 400 and "larger than 5 MB" in page.content.decode()
    api = api_client(user).post(
        f"/api/audits/{audit.pk}/survey/xlsform/",
        {"file": SimpleUploadedFile("form.xlsx", big)},
        format="multipart",
    )
    assert api.status_code == 400 and "larger than 5 MB" in api.json()["detail"]
    assert not Survey.objects.filter(audit=audit).exists()


def test_a_portfolio_document_over_the_limit_is_refused_on_the_page_and_the_api(db, media, settings):
    load_programme(PROGRAMME_FOLDER)
    settings.PORTFOLIO_MAX_UPLOAD_BYTES = 4096
    certification = f.apply()
    candidate = certification.facilitator.user
    page = page_client(candidate).post(
        f"/certification/candidates/{certification.pk}/portfolio/",
        {"requirement": "cv", "file": upload("cv.pdf", 8192), "note": ""},
    )
    assert page.status_code == 200
    assert "The file cv.pdf is 8 KiB; the limit is 4 KiB." in page.content.decode()
    api = api_client(candidate).post(
        f"/api/certifications/{certification.pk}/portfolio/",
        {"requirement": "cv", "file": upload("cv.pdf", 8192), "note": ""},
        format="multipart",
    )
    assert api.status_code == 400 and "the limit is 4 KiB" in api.json()["detail"]
    assert not PortfolioDocument.objects.exists() and stored_files(media) == []


def test_a_body_over_the_global_limit_gets_413_naming_the_limit_before_anything_is_read(
    lead, media, settings
):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    user, audit = lead
    fields = {"title": "HR policy", "doc_type": "policy", "key_areas": ["KA08"]}
    page = page_client(user).post(
        f"/audits/{audit.pk}/documents/", {**fields, "file": upload("policy.pdf", 100_000)}
    )
    assert page.status_code == 413
    assert "The request is larger than 64 KiB, the most this service accepts." in page.content.decode()
    api = api_client(user).post(
        f"/api/audits/{audit.pk}/documents/",
        {**fields, "file": upload("policy.pdf", 100_000)},
        format="multipart",
    )
    assert api.status_code == 413 and "larger than 64 KiB" in api.json()["detail"]
    json_body = api_client(user).post(
        f"/api/audits/{audit.pk}/documents/", {**fields, "summary": "x" * 100_000}, format="json"
    )
    assert json_body.status_code == 413 and "larger than 64 KiB" in json_body.json()["detail"]
    assert not Document.objects.exists() and stored_files(media) == []


def test_form_data_over_the_memory_limit_gets_413_not_a_bare_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    page = client.post("/accounts/login/", {"username": "x" * 5000, "password": "y"})
    assert page.status_code == 413
    assert "The request is larger than 2 KiB" in page.content.decode()


def test_too_many_fields_get_a_clear_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/accounts/login/", {f"field{n}": "x" for n in range(20)})
    assert response.status_code == 400
    assert "more than 10 fields" in response.content.decode()
