"""Findings are drafted on a key area's board and cite its evidence by key, with a safe snapshot."""

import pytest
from rest_framework.test import APIClient

from audits.evidence import services
from audits.evidence.models import Finding, FindingEvidence
from config.errors import DomainError
from tests.evidence.conftest import balanced_staff, client_for, named
from tests.evidence.helpers import a_review, a_statement, an_excerpt

pytestmark = pytest.mark.django_db


def test_drafting_a_finding_on_the_board(world):
    lead = world.people["lead"]
    excerpt = an_excerpt(world.audit, lead)
    review = a_review(world.audit, lead)
    client = client_for(world.people["expert"])
    url = f"/audits/{world.audit.pk}/key-areas/KA08/board/"
    response = client.post(
        url,
        {
            "kind": "gap",
            "statement": "Long hours decide promotions.",
            "evidence": [f"excerpt:{excerpt.pk}", f"document_review:{review.pk}"],
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.key_area.code, finding.kind, finding.created_by) == (
        "KA08",
        "gap",
        world.people["expert"],
    )
    cited = list(
        finding.evidence.order_by("pk").values_list(
            "kind", "excerpt_id", "document_assessment_id", "snapshot"
        )
    )
    assert cited[0][:2] == ("excerpt", excerpt.pk)
    assert cited[0][3] == "“Promotions go to those who stay late.” (Interview)"
    assert cited[1][:3] == ("document_review", None, review.pk)
    assert "Parental leave for mothers only." in cited[1][3] and "HR manual" in cited[1][3]
    page = client.get(url).content.decode()
    assert "Long hours decide promotions." in page


def test_a_finding_needs_evidence_from_its_own_board(world):
    lead = world.people["lead"]
    on_ka09 = an_excerpt(world.audit, lead, key_areas=["KA09"])
    elsewhere = an_excerpt(world.other, world.people["other_lead"], key_areas=["KA08"])
    for keys in ([f"excerpt:{on_ka09.pk}"], [f"excerpt:{elsewhere.pk}"], ["excerpt:abc"]):
        with pytest.raises(DomainError) as refused:
            services.finding_create(
                actor=lead, audit=world.audit, key_area="KA08", kind="gap", statement="x", evidence=keys
            )
        assert refused.value.message == f"This evidence is not on the board of KA08: {keys[0]}."
    with pytest.raises(DomainError, match="Cite at least one piece of evidence"):
        services.finding_create(
            actor=lead, audit=world.audit, key_area="KA08", kind="gap", statement="x", evidence=[]
        )
    an_excerpt(world.audit, lead, key_areas=["KA08"])
    response = client_for(lead).post(
        f"/audits/{world.audit.pk}/key-areas/KA08/board/", {"kind": "gap", "statement": "Unsupported"}
    )
    assert response.status_code == 200
    assert "Tick “Cite” beside at least one piece of evidence." in response.content.decode()
    assert not Finding.objects.exists()


def test_staff_figures_are_cited_by_their_key(world):
    lead = world.people["lead"]
    services.staff_file_upload(actor=lead, audit=world.audit, upload=named(balanced_staff(), "staff.csv"))
    finding = services.finding_create(
        actor=lead,
        audit=world.audit,
        key_area="KA08",
        kind="gap",
        statement="Women are a minority.",
        evidence=["staff_indicator:female_share"],
    )
    (evidence,) = finding.evidence.all()
    assert (evidence.kind, evidence.staff_indicator, evidence.ref) == (
        "staff_indicator",
        "female_share",
        "female_share",
    )
    assert evidence.snapshot.startswith("Women are 26.8 % of the staff (women and men).")
    with pytest.raises(DomainError, match="Findings cite staff figures"):
        services.staff_data_delete(actor=lead, audit=world.audit)


def test_findings_over_the_api(world):
    lead = world.people["lead"]
    excerpt = an_excerpt(world.audit, lead)
    statement = a_statement(world.audit, lead)
    api = APIClient()
    api.force_authenticate(world.people["co_facilitator"])
    base = f"/api/audits/{world.audit.pk}/findings/"
    created = api.post(
        base,
        {
            "key_area": "KA08",
            "kind": "good_practice",
            "statement": "Flexible hours",
            "evidence": [f"workshop_statement:{statement.pk}"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["evidence"] == [
        {
            "kind": "workshop_statement",
            "ref": str(statement.pk),
            "snapshot": "Flexible hours help parents. (Participatory workshop)",
        }
    ]
    updated = api.patch(f"{base}{body['id']}/", {"evidence": [f"excerpt:{excerpt.pk}"]}, format="json")
    assert [e["kind"] for e in updated.json()["evidence"]] == ["excerpt"]
    assert FindingEvidence.objects.count() == 1
    assert api.get(f"{base}?key_area=KA09").json() == []
    assert api.delete(f"{base}{body['id']}/").status_code == 403
    api.force_authenticate(lead)
    assert api.delete(f"{base}{body['id']}/").status_code == 204


def test_a_key_area_with_a_nul_byte_is_not_found(world):
    """PostgreSQL refuses NUL in a query: a filter or a board URL holding one used to answer 500 there."""
    api = APIClient()
    api.force_authenticate(world.people["lead"])
    base = f"/api/audits/{world.audit.pk}"
    assert api.get(f"{base}/findings/", {"key_area": "KA08\x00"}).status_code == 404
    assert api.get(f"{base}/key-areas/KA08%00/evidence/").status_code == 404


def test_cited_evidence_cannot_be_deleted_from_under_a_finding(world):
    lead = world.people["lead"]
    excerpt = an_excerpt(world.audit, lead)
    services.finding_create(
        actor=lead,
        audit=world.audit,
        key_area="KA08",
        kind="gap",
        statement="Late hours count",
        evidence=[f"excerpt:{excerpt.pk}"],
    )
    with pytest.raises(DomainError) as refused:
        services.excerpt_delete(actor=lead, excerpt=excerpt)
    assert refused.value.message == "This excerpt supports findings; remove it from them first."
    assert refused.value.details == ["KA08 “Late hours count”"]
    with pytest.raises(DomainError, match="This interview supports findings"):
        services.interview_delete(actor=lead, interview=excerpt.interview)
