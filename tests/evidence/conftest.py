"""Fixtures for the evidence tests: an audit with its facilitation team, outsiders, and files."""

import io
import zipfile
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import Gender
from audits import services as audit_services
from audits.models import Audit, TeamRole
from tests.factories import StaffFactory, UserFactory, add_member, make_audit

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STAFF_HEADER = "employee_id,gender,category,annual_hours,base_pay,variable_pay"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The factories set a password on every user; PBKDF2 would make these modules slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, which the tests can inspect."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class World:
    audit: Audit  # selective PGA, key areas KA08 and KA09, with its full team
    other: Audit  # another organization's audit
    people: dict


@pytest.fixture
def world(methodology) -> World:
    audit = make_audit("selective")
    other = make_audit("selective")
    audit_services.audit_set_key_areas(actor=StaffFactory(), audit=audit, codes=["KA08", "KA09"])
    people = {
        "lead": add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user,
        "co_facilitator": add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN).user,
        "expert": add_member(audit, TeamRole.EXPERT).user,
        "trainee": add_member(audit, TeamRole.TRAINEE).user,
        "coordinator": add_member(audit, TeamRole.COORDINATOR).user,
        "other_co_facilitator": add_member(other, TeamRole.CO_FACILITATOR).user,
        "other_lead": add_member(other, TeamRole.LEAD).user,
        "staff": StaffFactory(),
        "unrelated": UserFactory(),
    }
    return World(audit=Audit.objects.get(pk=audit.pk), other=other, people=people)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def named(data: bytes, name: str):
    """An in-memory upload with a name, as Django hands it to a service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def office_package(main_content_type: str, *, extra: dict | None = None) -> bytes:
    """A minimal Office Open XML package declaring its main part's content type."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/word/document.xml" ContentType="{main_content_type}"/>'
            "</Types>",
        )
        for name, content in (extra or {"word/document.xml": "<w:document/>"}).items():
            package.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = office_package(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def staff_csv(*rows: str, header: str = STAFF_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def balanced_staff(women_a: int = 2, men_a: int = 40, women_b: int = 20, men_b: int = 20) -> bytes:
    """Category A with few women, category B balanced; women paid 10 % less in B."""
    rows, n = [], 0
    for category, women, men, pay in (("A", women_a, men_a, 30000), ("B", women_b, men_b, 50000)):
        for gender, count, factor in (("F", women, 0.9), ("M", men, 1.0)):
            for _ in range(count):
                n += 1
                rows.append(f"{n},{gender},{category},1000,{pay * factor:.0f},0")
    return staff_csv(*rows)
