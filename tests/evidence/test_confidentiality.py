"""Notes, files and findings are for the audit's facilitation team: everyone else gets a 404."""

import datetime

import pytest
from rest_framework.test import APIClient

from audits.evidence import services
from audits.evidence.models import Document, Interview
from tests.evidence.conftest import PDF_BYTES, client_for, named

pytestmark = pytest.mark.django_db

TEAM = ["lead", "co_facilitator", "expert", "trainee"]
OUTSIDERS = ["coordinator", "other_co_facilitator", "other_lead", "staff", "unrelated"]
SECRET_NOTE = "She described the director's remarks in detail."


@pytest.fixture
def evidence(world):
    lead = world.people["lead"]
    interview = services.interview_create(
        actor=lead,
        audit=world.audit,
        kind="individual",
        scheduled_at=datetime.datetime(2027, 3, 12, 10, 0, tzinfo=datetime.UTC),
        time_zone="Europe/Kyiv",
        mode="phone",
        gender="woman",
        grade="P3",
        consent=True,
        name_consent=True,
        interviewee_name="Oksana Petrenko",
        notes=SECRET_NOTE,
        interviewers=[lead],
    )
    services.excerpt_add(
        actor=lead,
        interview=interview,
        kind="quotation",
        text="Nobody asks us.",
        code="gap",
        key_areas=["KA09"],
    )
    document = services.document_add(
        actor=lead,
        audit=world.audit,
        title="HR rules",
        doc_type="hr_rule",
        key_areas=["KA08"],
        upload=named(PDF_BYTES, "hr.pdf"),
    )
    return {"interview": interview, "document": document}


def web_urls(world, evidence) -> list[str]:
    a, i, d = world.audit.pk, evidence["interview"].pk, evidence["document"].pk
    return [
        f"/audits/{a}/evidence/",
        f"/audits/{a}/interviews/",
        f"/audits/{a}/interviews/{i}/",
        f"/audits/{a}/interviews/{i}/edit/",
        f"/audits/{a}/documents/",
        f"/audits/{a}/documents/{d}/",
        f"/audits/{a}/documents/{d}/download/",
        f"/audits/{a}/workshops/",
        f"/audits/{a}/staff/",
        f"/audits/{a}/key-areas/KA09/board/",
    ]


def api_urls(world, evidence) -> list[str]:
    a, i, d = world.audit.pk, evidence["interview"].pk, evidence["document"].pk
    return [
        f"/api/audits/{a}/interviews/",
        f"/api/audits/{a}/interviews/{i}/",
        f"/api/audits/{a}/documents/",
        f"/api/audits/{a}/documents/{d}/file/",
        f"/api/audits/{a}/workshops/",
        f"/api/audits/{a}/findings/",
        f"/api/audits/{a}/key-areas/KA09/evidence/",
    ]


@pytest.mark.parametrize("who", TEAM)
def test_the_facilitation_team_reads_everything(world, evidence, who):
    client = client_for(world.people[who])
    for url in web_urls(world, evidence) + api_urls(world, evidence):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", OUTSIDERS)
def test_everyone_else_gets_404_on_pages_and_api(world, evidence, who):
    client = client_for(world.people[who])
    for url in web_urls(world, evidence) + api_urls(world, evidence):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET_NOTE.encode() not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(world, evidence):
    client = client_for(None)
    for url in web_urls(world, evidence):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in api_urls(world, evidence):
        assert client.get(url).status_code in (401, 403), url


def test_outsiders_cannot_write_either(world, evidence):
    a, i = world.audit.pk, evidence["interview"].pk
    client = client_for(world.people["other_co_facilitator"])
    assert (
        client.post(
            f"/audits/{a}/interviews/{i}/",
            {"kind": "summary", "text": "x", "code": "gap", "key_areas": ["KA09"]},
        ).status_code
        == 404
    )
    assert client.post(f"/audits/{a}/interviews/{i}/delete/").status_code == 404
    assert client.post(f"/audits/{a}/documents/{evidence['document'].pk}/delete/").status_code == 404
    api = APIClient()
    api.force_authenticate(world.people["coordinator"])
    assert api.delete(f"/api/audits/{a}/interviews/{i}/").status_code == 404
    assert Interview.objects.filter(pk=i).exists()
    assert Document.objects.filter(pk=evidence["document"].pk).exists()


def test_download_is_an_attachment_that_is_never_sniffed(world, evidence):
    a, d = world.audit.pk, evidence["document"].pk
    response = client_for(world.people["trainee"]).get(f"/audits/{a}/documents/{d}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="hr.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_document_of_another_audit_is_not_reachable_through_this_audit(world, evidence):
    other_document = services.document_add(
        actor=world.people["other_lead"],
        audit=world.other,
        title="Other",
        doc_type="report",
        upload=named(PDF_BYTES, "other.pdf"),
    )
    client = client_for(world.people["lead"])
    assert client.get(f"/audits/{world.audit.pk}/documents/{other_document.pk}/download/").status_code == 404
    assert client.get(f"/audits/{world.other.pk}/documents/{other_document.pk}/download/").status_code == 404


def test_the_api_never_returns_the_interviewees_name(world, evidence):
    api = APIClient()
    api.force_authenticate(world.people["lead"])
    body = api.get(f"/api/audits/{world.audit.pk}/interviews/").content.decode()
    assert SECRET_NOTE in body
    assert "Petrenko" not in body and "interviewee_name" not in body


def test_the_name_shows_only_on_the_interview_page(world, evidence):
    client = client_for(world.people["lead"])
    a, i = world.audit.pk, evidence["interview"].pk
    assert "Oksana Petrenko" in client.get(f"/audits/{a}/interviews/{i}/").content.decode()
    for url in (f"/audits/{a}/interviews/", f"/audits/{a}/key-areas/KA09/board/"):
        assert "Petrenko" not in client.get(url).content.decode(), url


def test_only_the_steering_facilitator_deletes(world, evidence):
    a, i = world.audit.pk, evidence["interview"].pk
    api = APIClient()
    api.force_authenticate(world.people["co_facilitator"])
    refused = api.delete(f"/api/audits/{a}/interviews/{i}/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the facilitator steering the audit can delete evidence."
    page = client_for(world.people["co_facilitator"]).get(f"/audits/{a}/interviews/{i}/").content.decode()
    assert f"/audits/{a}/interviews/{i}/delete/" not in page
    api.force_authenticate(world.people["lead"])
    assert api.delete(f"/api/audits/{a}/interviews/{i}/").status_code == 204
    assert not Interview.objects.filter(pk=i).exists()


def test_closed_audits_keep_their_evidence_unchanged(world, evidence):
    from audits.models import Audit

    Audit.objects.filter(pk=world.audit.pk).update(phase=Audit.ON_HOLD)
    api = APIClient()
    api.force_authenticate(world.people["lead"])
    response = api.post(
        f"/api/audits/{world.audit.pk}/interviews/{evidence['interview'].pk}/excerpts/",
        {"kind": "summary", "text": "More", "code": "idea", "key_areas": ["KA09"]},
        format="json",
    )
    assert response.status_code == 400
    assert (
        response.json()["detail"]
        == "The audit is on hold; its evidence can change only while the audit is open."
    )
