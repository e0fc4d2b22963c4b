"""Suspension and withdrawal: a reason is required, the history keeps it, validity follows."""

import datetime

import pytest

from config.errors import Conflict, DomainError
from facilitators import selectors, services
from facilitators.models import CertificationState, CertificationTransition
from tests.facilitators import factories as f

S = CertificationState
pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_suspension_needs_a_reason_and_reinstating_restores_the_state(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    user = certification.facilitator.user
    with pytest.raises(DomainError, match="Give the reason"):
        f.move(certification, cert_staff, S.SUSPENDED, reason="  ")
    certification = f.move(certification, cert_staff, S.SUSPENDED, reason="Complaint under investigation.")
    assert certification.state == S.SUSPENDED
    assert certification.suspension_reason == "Complaint under investigation."
    assert not selectors.certification_valid_on(user, TODAY)
    assert selectors.certification_problem(user, TODAY) == (
        f"{user.get_full_name()}'s certification is suspended."
    )
    certification = f.move(certification, cert_staff, S.CERTIFIED)
    assert (certification.state, certification.suspension_reason) == (S.CERTIFIED, "")
    assert selectors.certification_valid_on(user, TODAY)
    log = CertificationTransition.objects.filter(certification=certification)
    assert list(log.values_list("action", "comment").order_by("pk"))[-2:] == [
        ("suspend", "Complaint under investigation."),
        ("reinstate", ""),
    ]


def test_a_candidate_can_be_suspended_and_resumes_where_they_were(programme, cert_staff):
    certification = f.walk_to(S.IN_TRAINING, cert_staff)
    certification = f.move(certification, cert_staff, S.SUSPENDED, reason="Medical leave")
    assert certification.held_state == S.IN_TRAINING
    certification = f.move(certification, cert_staff, S.IN_TRAINING)
    assert certification.state == S.IN_TRAINING


def test_withdrawal_needs_a_reason_and_is_final(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    user = certification.facilitator.user
    with pytest.raises(DomainError, match="Give the reason"):
        f.move(certification, cert_staff, S.WITHDRAWN)
    certification = f.move(certification, cert_staff, S.WITHDRAWN, reason="Breach of the code of conduct.")
    assert certification.withdrawal_reason == "Breach of the code of conduct."
    assert certification.withdrawn_on == TODAY
    assert selectors.certification_problem(user, TODAY) == (
        f"{user.get_full_name()}'s certification was withdrawn."
    )
    with pytest.raises(Conflict, match="cannot become certified"):
        f.move(certification, cert_staff, S.CERTIFIED)
    # A withdrawn person may apply again from the start.
    again = f.apply(user=user)
    assert again.state == S.APPLICANT


def test_the_database_refuses_a_suspension_without_reason(programme, cert_staff):
    from django.db import IntegrityError, transaction

    certification = f.walk_to(S.CERTIFIED, cert_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        type(certification).objects.filter(pk=certification.pk).update(state=S.SUSPENDED)
    services.certification_sweep()  # still consistent afterwards
