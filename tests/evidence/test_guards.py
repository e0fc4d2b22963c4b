"""The two exit guards say which key areas still lack evidence or findings."""

import pytest

from audits import guards
from audits import services as audit_services
from audits.evidence import services
from audits.models import Audit
from config.errors import DomainError
from tests.evidence.conftest import balanced_staff, named
from tests.evidence.helpers import a_review, a_statement, an_excerpt
from tests.factories import add_member

pytestmark = pytest.mark.django_db

NO_EVIDENCE = (
    "No evidence yet for {}; record an interview excerpt, a workshop statement, a reviewed document "
    "or survey results for each."
)
NO_FINDING = "No finding yet for {}; draft at least one good practice or gap for each on its evidence board."


def message(code: str, audit) -> str | None:
    check = guards.evaluate(code, Audit.objects.get(pk=audit.pk), "block")
    return None if check.passed else check.message


def test_evidence_per_key_area_names_the_key_areas_without_evidence(world):
    lead = world.people["lead"]
    audit_services.audit_set_key_areas(actor=lead, audit=world.audit, codes=["KA03", "KA07", "KA08", "KA09"])
    assert message("evidence_per_key_area", world.audit) == NO_EVIDENCE.format("KA03, KA07, KA08, KA09")

    a_statement(world.audit, lead, key_area="KA03", promoted=False)
    a_review(world.audit, lead, key_area="KA07").document.assessments.all().delete()
    assert message("evidence_per_key_area", world.audit) == NO_EVIDENCE.format("KA03, KA07, KA08, KA09")

    an_excerpt(world.audit, lead, key_areas=["KA09"])
    services.staff_file_upload(actor=lead, audit=world.audit, upload=named(balanced_staff(), "staff.csv"))
    assert message("evidence_per_key_area", world.audit) == NO_EVIDENCE.format("KA03, KA07")

    a_statement(world.audit, lead, key_area="KA03")
    a_review(world.audit, lead, key_area="KA07")
    assert message("evidence_per_key_area", world.audit) is None


def test_finding_per_key_area_names_the_key_areas_without_findings(world):
    lead = world.people["lead"]
    assert message("finding_per_key_area", world.audit) == NO_FINDING.format("KA08, KA09")
    excerpt = an_excerpt(world.audit, lead, key_areas=["KA08", "KA09"])
    services.finding_create(
        actor=lead,
        audit=world.audit,
        key_area="KA09",
        kind="gap",
        statement="x",
        evidence=[f"excerpt:{excerpt.pk}"],
    )
    assert message("finding_per_key_area", world.audit) == NO_FINDING.format("KA08")
    services.finding_create(
        actor=lead,
        audit=world.audit,
        key_area="KA08",
        kind="gap",
        statement="y",
        evidence=[f"excerpt:{excerpt.pk}"],
    )
    assert message("finding_per_key_area", world.audit) is None


def test_the_library_checks_them_when_leaving_fieldwork_and_feedback(methodology):
    phases = {phase.code: phase for phase in methodology.modalities.get(code="selective").phases.all()}
    assert {"code": "evidence_per_key_area"} in phases["fieldwork"].exit_guards
    assert {"code": "finding_per_key_area"} in phases["feedback"].exit_guards
    assert {"evidence_per_key_area", "finding_per_key_area"} <= set(guards.REGISTRY)


def test_leaving_fieldwork_is_blocked_until_every_key_area_has_evidence(world):
    from audits.models import TeamRole

    Audit.objects.filter(pk=world.audit.pk).update(phase="fieldwork")
    add_member(world.audit, TeamRole.EXPERT)
    with pytest.raises(DomainError) as blocked:
        audit_services.audit_transition(
            actor=world.people["lead"], audit_id=world.audit.pk, target="feedback"
        )
    assert blocked.value.message == "The audit cannot move to Feedback yet."
    assert NO_EVIDENCE.format("KA08, KA09") in blocked.value.details

    Audit.objects.filter(pk=world.audit.pk).update(phase="feedback")
    with pytest.raises(DomainError) as blocked:
        audit_services.audit_transition(
            actor=world.people["lead"], audit_id=world.audit.pk, target="reporting"
        )
    assert blocked.value.details == [NO_FINDING.format("KA08, KA09")]
