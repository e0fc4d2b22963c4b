"""Two people pressing the same button at once make one transition: the row lock decides who wins."""

import threading

import pytest
from django.db import connection

from audits import services, workflow
from audits.models import Audit, PhaseTransition
from config.errors import Conflict
from tests.factories import make_audit, ready_selective_team

LOSER_MESSAGE = "The audit is in Preparation; it cannot move to Preparation from there."


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The factories set a password on every user; PBKDF2 would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ready_audit():
    audit = make_audit("selective")
    lead = ready_selective_team(audit).user
    return audit, lead


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("threads", [2, 4])
def test_simultaneous_requests_make_exactly_one_transition(methodology, monkeypatch, threads):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locks across connections need PostgreSQL (SQLite tests share no database between threads)."
        )
    audit, lead = _ready_audit()
    barrier = threading.Barrier(threads, timeout=10)
    results: list[tuple[str, str]] = []
    seen_phases: list[str] = []
    lock = threading.Lock()

    # Evaluated after the row lock is taken; the pause keeps the winner inside its transaction long
    # enough that the others are certainly waiting on the lock rather than arriving after the commit.
    evaluate = workflow.transition_options

    def slow_options(locked_audit, **kwargs):
        with lock:
            seen_phases.append(locked_audit.phase)
        threading.Event().wait(0.3)
        return evaluate(locked_audit, **kwargs)

    monkeypatch.setattr(workflow, "transition_options", slow_options)

    def press_the_button() -> None:
        try:
            barrier.wait()
            record = services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")
            outcome = ("moved", str(record.pk))
        except Conflict as error:
            outcome = ("conflict", error.message)
        except Exception as error:  # reported, so the assertion shows what went wrong
            outcome = ("error", repr(error))
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=press_the_button) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert not any(worker.is_alive() for worker in workers)
    assert sorted(kind for kind, _detail in results) == ["conflict"] * (threads - 1) + ["moved"]
    # The losers waited for the winner's commit and then saw the audit already moved.
    assert {detail for kind, detail in results if kind == "conflict"} == {LOSER_MESSAGE}
    assert seen_phases == ["request"] + ["preparation"] * (threads - 1)
    assert Audit.objects.get(pk=audit.pk).phase == "preparation"
    assert PhaseTransition.objects.filter(audit=audit).count() == 1
    record = PhaseTransition.objects.get(audit=audit)
    assert (record.from_phase, record.to_phase, record.actor_id) == ("request", "preparation", lead.pk)


@pytest.mark.django_db
def test_the_same_request_twice_in_a_row_makes_one_transition(methodology):
    audit, lead = _ready_audit()

    first = services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")
    with pytest.raises(Conflict) as second:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")

    assert second.value.status == 409
    assert second.value.message == LOSER_MESSAGE
    assert (first.from_phase, first.to_phase) == ("request", "preparation")
    assert Audit.objects.get(pk=audit.pk).phase == "preparation"
    assert list(PhaseTransition.objects.filter(audit=audit).values_list("pk", flat=True)) == [first.pk]


@pytest.mark.django_db
def test_a_stale_hold_after_a_cancel_is_a_conflict(methodology):
    """Two people looking at the same page: one cancels, the other then puts the audit on hold."""
    audit, lead = _ready_audit()

    services.audit_transition(actor=lead, audit_id=audit.pk, target="cancelled", reason="Withdrawn.")
    with pytest.raises(Conflict) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="on_hold")

    assert error.value.message == "The audit is in Cancelled; it cannot move to On hold from there."
    assert PhaseTransition.objects.filter(audit=audit).count() == 1
