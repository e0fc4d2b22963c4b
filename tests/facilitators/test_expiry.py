"""Expiry by date, reminders sent once per window, and renewal early or late."""

import datetime

import pytest
from django.core.management import call_command

from config.errors import DomainError
from facilitators import selectors, services, workflow
from facilitators.models import (
    Certificate,
    Certification,
    CertificationState,
    ExpiryReminder,
    add_years,
)
from tests.facilitators import factories as f

S = CertificationState
pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def fresh(certification):
    return selectors.certifications_with_records().get(pk=certification.pk)


def test_certify_sets_five_years_of_validity(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    assert certification.expires_on == add_years(certification.certified_on, 5)
    assert add_years(datetime.date(2024, 2, 29), 5) == datetime.date(2029, 2, 28)


def test_pages_show_the_state_the_dates_say_before_the_sweep(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    expires = certification.expires_on
    assert workflow.effective_state(certification, expires - 91 * DAY) == S.CERTIFIED
    assert workflow.effective_state(certification, expires - 90 * DAY) == S.EXPIRING_SOON
    assert workflow.effective_state(certification, expires) == S.EXPIRED
    assert Certification.objects.get(pk=certification.pk).state == S.CERTIFIED
    board = selectors.pipeline(cert_staff, today=expires + DAY)
    assert dict((code, count) for code, _label, count in board.counts)[S.EXPIRED] == 1


def test_a_certification_back_dated_five_years_is_expired_today(programme, cert_staff):
    long_ago = add_years(datetime.date.today(), -5) - DAY
    certification = f.walk_to(S.CERTIFIED, cert_staff, today=long_ago)
    assert certification.certified_on == long_ago
    assert workflow.effective_state(certification) == S.EXPIRED
    result = services.certification_sweep()
    assert result.expired == 1
    assert Certification.objects.get(pk=certification.pk).state == S.EXPIRED


def test_the_sweep_moves_states_and_reminds_once_per_window(programme, cert_staff, mailoutbox):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    expires = certification.expires_on
    assert services.certification_sweep(today=expires - 100 * DAY).reminders_sent == 0

    result = services.certification_sweep(today=expires - 60 * DAY)
    assert (result.expiring_soon, result.reminders_sent) == (1, 1)
    assert Certification.objects.get(pk=certification.pk).state == S.EXPIRING_SOON
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [certification.facilitator.user.email]
    assert message.subject == f"Your facilitator certification expires on {expires.isoformat()}"
    assert "in 60 days" in message.body
    assert "0 of 1 audit as lead facilitator or co-facilitator" in message.body

    # Running again, the same day or the next, sends nothing more.
    services.certification_sweep(today=expires - 60 * DAY)
    services.certification_sweep(today=expires - 59 * DAY)
    assert len(mailoutbox) == 1

    # The 30-day window opens: one more reminder, once.
    services.certification_sweep(today=expires - 30 * DAY)
    services.certification_sweep(today=expires - 29 * DAY)
    assert len(mailoutbox) == 2
    assert list(ExpiryReminder.objects.order_by("days_before").values_list("days_before", flat=True)) == [
        30,
        90,
    ]

    result = services.certification_sweep(today=expires)
    assert result.expired == 1
    certification.refresh_from_db()
    assert certification.state == S.EXPIRED
    assert certification.transitions.filter(action="expire", actor__isnull=True).exists()
    assert len(mailoutbox) == 2


def test_a_late_first_sweep_sends_only_the_current_window(programme, cert_staff, mailoutbox):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    call_command("certification_sweep", f"--today={certification.expires_on - 20 * DAY}")
    assert len(mailoutbox) == 1
    assert ExpiryReminder.objects.get().days_before == 30


def _renewal_evidence(certification, staff):
    user = certification.facilitator.user
    f.practice_audit(user, None, role="lead_facilitator", ended_on=certification.certified_on + 400 * DAY)
    services.contribution_record(
        actor=staff,
        user=user,
        kind="case_study",
        title="Case study: remote fieldwork",
        contributed_on=certification.certified_on + 30 * DAY,
    )


def test_renewal_before_expiry_extends_from_the_old_expiry(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    expires = certification.expires_on
    _renewal_evidence(certification, cert_staff)
    with pytest.raises(DomainError) as error:
        f.move(certification, cert_staff, S.RENEWED, today=expires - 200 * DAY)
    assert error.value.details[0].startswith("Renewal opens on")
    certification = f.move(certification, cert_staff, S.RENEWED, today=expires - 30 * DAY)
    assert certification.state == S.RENEWED
    assert certification.renewed_on == expires - 30 * DAY
    assert certification.expires_on == add_years(expires, 5)
    renewal = Certificate.objects.get(certification=certification, kind="renewal")
    assert (renewal.issued_on, renewal.expires_on) == (expires - 30 * DAY, add_years(expires, 5))
    # Valid without a gap, across the old expiry date.
    user = certification.facilitator.user
    assert selectors.certification_valid_on(user, expires)
    assert selectors.certification_valid_on(user, add_years(expires, 5) - DAY)
    assert not selectors.certification_valid_on(user, add_years(expires, 5))


def test_renewal_after_expiry_starts_a_new_period(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    expires = certification.expires_on
    _renewal_evidence(certification, cert_staff)
    services.certification_sweep(today=expires + DAY)
    certification = f.move(certification, cert_staff, S.RENEWED, today=expires + 10 * DAY)
    assert certification.expires_on == add_years(expires + 10 * DAY, 5)
    # The ten days without a certificate stay uncovered.
    assert not selectors.certification_valid_on(certification.facilitator.user, expires + 5 * DAY)


def test_renewal_needs_practice_and_contributions_within_the_period(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    with pytest.raises(DomainError) as error:
        f.move(certification, cert_staff, S.RENEWED, today=certification.expires_on - DAY)
    start = certification.certified_on.isoformat()
    assert error.value.details == [
        f"0 of 1 audit as lead facilitator or co-facilitator since {start}.",
        f"0 of 1 contribution to the community of practice since {start}.",
    ]


def test_the_background_task_runs_the_sweep(programme, cert_staff, mailoutbox):
    from facilitators.tasks import certification_sweep_task

    certification = f.walk_to(S.CERTIFIED, cert_staff)
    counts = certification_sweep_task.call(today=(certification.expires_on - 10 * DAY).isoformat())
    assert counts == {"expiring_soon": 1, "expired": 0, "reminders_sent": 1, "reminders_skipped": 0}
    assert len(mailoutbox) == 1
