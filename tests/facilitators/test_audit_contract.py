"""What the audits app asks: is this person certified on the audit's start date, and if not, why."""

import datetime

import pytest

from facilitators import selectors, services
from facilitators.models import CertificationState, add_years
from tests.facilitators import factories as f
from tests.factories import UserFactory

S = CertificationState
pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TODAY = datetime.date.today()


def test_nobody_is_certified_without_a_certificate(programme, cert_staff):
    ana = UserFactory(first_name="Ana", last_name="Silva")
    assert not selectors.certification_valid_on(ana, TODAY)
    assert selectors.certification_problem(ana, TODAY) == ("Ana Silva holds no facilitator certification.")
    f.walk_to(S.UNDER_REVIEW, cert_staff, user=ana)  # a candidate is not certified either
    assert selectors.certification_problem(ana, TODAY) == ("Ana Silva holds no facilitator certification.")


def test_valid_between_award_and_expiry(programme, cert_staff):
    ana = UserFactory(first_name="Ana", last_name="Silva")
    certification = f.walk_to(S.CERTIFIED, cert_staff, user=ana)
    assert selectors.certification_valid_on(ana, TODAY)
    assert selectors.certification_problem(ana, TODAY) is None
    assert selectors.certification_valid_on(ana, certification.expires_on - DAY)
    assert not selectors.certification_valid_on(ana, certification.expires_on)
    assert not selectors.certification_valid_on(ana, TODAY - DAY)
    assert selectors.certification_problem(ana, TODAY - DAY) == (
        f"Ana Silva is certified only from {TODAY.isoformat()}, after this audit starts."
    )
    assert selectors.certification_problem(ana, certification.expires_on + DAY) == (
        f"Ana Silva's certification expires on {certification.expires_on.isoformat()}, before "
        "this audit starts; renew it first."
    )


def test_an_expired_certification_says_when_it_expired(programme, cert_staff):
    ana = UserFactory(first_name="Ana", last_name="Silva")
    awarded = add_years(TODAY, -5) - 10 * DAY
    certification = f.walk_to(S.CERTIFIED, cert_staff, user=ana, today=awarded)
    assert selectors.certification_problem(ana, TODAY) == (
        f"Ana Silva's certification expired on {certification.expires_on.isoformat()}; renew it "
        "before this audit starts."
    )


def test_an_unknown_start_date_asks_for_one(programme):
    ana = UserFactory(first_name="Ana", last_name="Silva")
    assert selectors.certification_problem(ana, None) == (
        "Set the audit's planned start date so that Ana Silva's certification can be checked for that day."
    )


def test_practice_from_audits_and_trainee_roles(programme, cert_staff):
    """Trainee facilitators practise under supervision; their record counts toward certification."""
    certification = f.walk_to(S.IN_PRACTICE, cert_staff)
    lena = UserFactory(first_name="Lena", last_name="Lead")
    for reference in (101, 102):
        services.practice_record_from_audit(
            user=certification.facilitator.user,
            audit_reference=reference,
            audit_title=f"Audit {reference}",
            modality_code="comprehensive",
            role="trainee_facilitator",
            started_on=datetime.date(2026, 1, 1),
            ended_on=datetime.date(2026, 4, 1),
            supervisor=lena,
        )
    # An expert on the same audit, or someone not working toward certification, is not "due".
    services.practice_record_from_audit(
        user=certification.facilitator.user,
        audit_reference=103,
        audit_title="Audit 103",
        modality_code="selective",
        role="expert",
        started_on=None,
        ended_on=None,
        supervisor=lena,
    )
    f.practice_audit(UserFactory(), lena, title="Colleague without an application")
    due = selectors.evaluations_due(lena)
    assert [record.audit_title for record in due] == ["Audit 101", "Audit 102"]
    for record in due:
        f.evaluate(record)
    assert selectors.evaluations_due(lena) == []
    certification = f.move(certification, cert_staff, S.UNDER_REVIEW)
    assert certification.state == S.UNDER_REVIEW
