"""Uploads are judged by content and size; a refused file leaves nothing behind."""

import io

import pytest
from openpyxl import Workbook

from audits.evidence import services
from audits.evidence.models import Document
from audits.evidence.uploads import DOCUMENT_KINDS, STAFF_FILE_KINDS, UploadRefused, checked_upload
from tests.evidence.conftest import DOCX_BYTES, PDF_BYTES, client_for, named, odt_bytes, office_package

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF_BYTES, "policy.pdf", "pdf"),
        (DOCX_BYTES, "Strategy 2026.DOCX", "docx"),
        (xlsx_bytes(), "budget.xlsx", "xlsx"),
        (odt_bytes(), "rules.odt", "odt"),
        ("Règlement intérieur, article 3\n".encode(), "rules.txt", "text"),
        (b"a;b\n1;2\n", "figures.csv", "text"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(data, name, kind):
    assert checked_upload(named(data, name), allowed=DOCUMENT_KINDS).code == kind


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (EXECUTABLE, "policy.pdf", "The content of policy.pdf is not an accepted kind of file"),
        (ELF, "report.docx", "The content of report.docx is not an accepted kind of file"),
        (HTML, "policy.pdf", "The content of policy.pdf is not an accepted kind of file"),
        (HTML, "notes.txt", "The content of notes.txt is not an accepted kind of file"),
        (b"  <svg onload='x()'/>", "chart.txt", "not an accepted kind"),
        (
            b"just some text",
            "policy.pdf",
            "The name policy.pdf does not match its content, which is plain text",
        ),
        (PDF_BYTES, "policy.exe", "The name policy.exe does not match its content, which is PDF"),
        (
            office_package("application/vnd.ms-word.document.macroEnabled.main+xml"),
            "m.docx",
            "not an accepted",
        ),
        (b"PK\x03\x04 this is not really a zip", "fake.docx", "not an accepted kind"),
        (b"", "empty.pdf", "The file empty.pdf is empty."),
    ],
)
def test_refused_by_content_or_name(data, name, message):
    with pytest.raises(UploadRefused) as refused:
        checked_upload(named(data, name), allowed=DOCUMENT_KINDS)
    assert message in refused.value.message


def test_oversize_is_refused_before_reading(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(UploadRefused) as refused:
        checked_upload(named(PDF_BYTES + b"0" * 2000, "big.pdf"), allowed=DOCUMENT_KINDS)
    assert refused.value.message == "The file big.pdf is 2 KiB; the limit is 1 KiB."


def test_default_limit_is_20_mib(settings):
    from audits.evidence.uploads import max_upload_bytes

    del settings.EVIDENCE_MAX_UPLOAD_BYTES
    assert max_upload_bytes() == 20 * 1024 * 1024


def test_staff_files_accept_only_csv_and_xlsx():
    assert checked_upload(named(xlsx_bytes(), "staff.xlsx"), allowed=STAFF_FILE_KINDS).code == "xlsx"
    with pytest.raises(UploadRefused):
        checked_upload(named(PDF_BYTES, "staff.pdf"), allowed=STAFF_FILE_KINDS)


def _stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    ("data", "name"),
    [(EXECUTABLE, "policy.pdf"), (HTML, "policy.pdf"), (PDF_BYTES + b"0" * 4096, "big.pdf")],
)
def test_refused_upload_on_the_page_stores_nothing(world, media, settings, data, name):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 4096
    client = client_for(world.people["lead"])
    response = client.post(
        f"/audits/{world.audit.pk}/documents/",
        {"title": "HR policy", "doc_type": "policy", "key_areas": ["KA08"], "file": named(data, name)},
    )
    assert response.status_code == 200
    assert name in response.content.decode()
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_refused_upload_over_the_api_stores_nothing(world, media):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.people["co_facilitator"])
    response = client.post(
        f"/api/audits/{world.audit.pk}/documents/",
        {"title": "HR policy", "doc_type": "policy", "file": named(HTML, "policy.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "not an accepted kind of file" in response.json()["detail"]
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_accepted_upload_is_stored_under_a_random_name_in_media(world, media, settings):
    document = services.document_add(
        actor=world.people["lead"],
        audit=world.audit,
        title="Gender policy",
        doc_type="policy",
        key_areas=["KA08"],
        upload=named(PDF_BYTES, "Gender policy (draft).pdf"),
    )
    (stored,) = _stored_files(media)
    assert stored.read_bytes() == PDF_BYTES
    assert "Gender" not in stored.name and stored.suffix == ".pdf"
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert document.original_name == "Gender policy (draft).pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF_BYTES)


def test_deleting_a_document_removes_its_file(world, media, django_capture_on_commit_callbacks):
    document = services.document_add(
        actor=world.people["lead"],
        audit=world.audit,
        title="Policy",
        doc_type="policy",
        upload=named(PDF_BYTES, "p.pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=world.people["lead"], document=document)
    assert _stored_files(media) == []
    assert not Document.objects.exists()
