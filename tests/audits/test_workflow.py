"""The audit workflow: every legal move to closed, every illegal one refused, and the history kept."""

import datetime
import itertools

import pytest
from django.db import transaction
from django.http import Http404
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.models import Gender
from audits import guards, services, workflow
from audits.models import Audit, PhaseTransition, TeamRole
from config.errors import Conflict, DomainError, Forbidden
from tests.factories import StaffFactory, UserFactory, add_member, make_audit, ready_selective_team

pytestmark = pytest.mark.django_db

FACILITATED = [
    "request",
    "preparation",
    "desk_review",
    "fieldwork",
    "feedback",
    "reporting",
    "follow_up",
    "closed",
]
GEOSA = [
    "setup",
    "team_training",
    "self_assessment",
    "technical_review",
    "action_planning",
    "follow_up",
    "closed",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The factories set a password on every user; PBKDF2 would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The guards of the workflow requirement itself; later phases also name guards of other features
# (evidence, findings, survey, report), whose own tests build the data they need.
WORKFLOW_GUARDS = {
    "has_coordinator",
    "team_has_lead",
    "team_size_fits",
    "team_gender_balance",
    "key_areas_fit",
    "people_in_scope_fit",
    "planned_dates_set",
    "duration_fits",
}


@pytest.fixture
def other_features_guards_pass(monkeypatch):
    """Every guard outside WORKFLOW_GUARDS holds, so a walk exercises the workflow's own rules."""
    for code, registered in list(guards.REGISTRY.items()):
        if code not in WORKFLOW_GUARDS:
            monkeypatch.setitem(
                guards.REGISTRY,
                code,
                guards.Guard(code=code, label=registered.label, check=lambda audit: None),
            )


def _set_phase(audit: Audit, phase: str, held_phase: str = "") -> Audit:
    """Put an audit straight into a phase (test set-up only; the service is what is under test)."""
    Audit.objects.filter(pk=audit.pk).update(phase=phase, held_phase=held_phase)
    return Audit.objects.get(pk=audit.pk)


def _ready_comprehensive(methodology):
    """A comprehensive PGA whose every guard passes; returns (audit, lead)."""
    audit = make_audit(
        "comprehensive",
        planned_start=datetime.date(2027, 1, 10),
        planned_end=datetime.date(2027, 4, 10),
        people_in_scope=100,
    )
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    add_member(audit, TeamRole.COORDINATOR)
    for index in range(7):
        role = TeamRole.EXPERT if index % 2 else TeamRole.CO_FACILITATOR
        add_member(audit, role, gender=Gender.MAN if index % 2 else Gender.WOMAN)
    audit.key_areas.set(methodology.key_areas.all())
    return audit, lead


def _ready_selective(methodology):
    audit = make_audit("selective")
    lead = ready_selective_team(audit).user
    audit.key_areas.set(methodology.key_areas.filter(code__in=["KA02", "KA08"]))
    return audit, lead


def _ready_geosa(methodology):
    audit = make_audit("geosa", planned_start=None, planned_end=None)
    coordinator = add_member(audit, TeamRole.COORDINATOR).user
    audit.key_areas.set(methodology.key_areas.filter(code="KA08"))
    return audit, coordinator


READY = {"comprehensive": _ready_comprehensive, "selective": _ready_selective, "geosa": _ready_geosa}


@pytest.mark.parametrize(
    ("modality", "phases"),
    [("comprehensive", FACILITATED), ("selective", FACILITATED), ("geosa", GEOSA)],
)
def test_walk_every_phase_to_closed(methodology, other_features_guards_pass, modality, phases):
    audit, steerer = READY[modality](methodology)
    assert audit.phase == phases[0]

    for source, target in itertools.pairwise(phases):
        options = workflow.transition_options(Audit.objects.get(pk=audit.pk), permitted=True)
        advance = next(option for option in options if option.action == "advance")
        assert advance.target == target
        assert advance.allowed, [check.message for check in advance.blocking]
        assert advance.warnings == []

        record = services.audit_transition(
            actor=steerer, audit_id=audit.pk, target=target, comment=f"{source} done"
        )

        assert (record.action, record.from_phase, record.to_phase) == ("advance", source, target)
        assert Audit.objects.get(pk=audit.pk).phase == target

    closed = Audit.objects.get(pk=audit.pk)
    assert closed.phase == "closed"
    assert workflow.transition_options(closed, permitted=True) == []
    history = list(PhaseTransition.objects.filter(audit=audit).order_by("at", "pk"))
    assert [(row.from_phase, row.to_phase) for row in history] == list(itertools.pairwise(phases))
    assert {row.actor_id for row in history} == {steerer.pk}
    assert [row.comment for row in history] == [f"{phase} done" for phase in phases[:-1]]


def test_staff_can_move_an_audit_they_are_not_on(methodology):
    audit, _lead = _ready_selective(methodology)
    staff = StaffFactory()

    record = services.audit_transition(actor=staff, audit_id=audit.pk, target="preparation")

    assert record.actor == staff
    assert Audit.objects.get(pk=audit.pk).phase == "preparation"


# Illegal moves


@pytest.mark.parametrize(
    ("phase", "target", "message"),
    [
        (
            "request",
            "desk_review",
            "The audit is in Request and commitment; it cannot move to Desk review from there.",
        ),
        ("preparation", "closed", "The audit is in Preparation; it cannot move to Closed from there."),
        (
            "desk_review",
            "preparation",
            "The audit is in Desk review; it cannot move to Preparation from there.",
        ),
        # "Resuming" an audit that is not on hold: its own phase is not a move.
        (
            "preparation",
            "preparation",
            "The audit is in Preparation; it cannot move to Preparation from there.",
        ),
        ("closed", "on_hold", "The audit is in Closed; it cannot move to On hold from there."),
        ("closed", "cancelled", "The audit is in Closed; it cannot move to Cancelled from there."),
        ("closed", "follow_up", "The audit is in Closed; it cannot move to Follow-up from there."),
        (
            "cancelled",
            "request",
            "The audit is in Cancelled; it cannot move to Request and commitment from there.",
        ),
        ("cancelled", "cancelled", "The audit is in Cancelled; it cannot move to Cancelled from there."),
        ("request", "banana", "The audit is in Request and commitment; it cannot move to banana from there."),
    ],
)
def test_illegal_moves_are_conflicts(methodology, phase, target, message):
    audit, lead = _ready_selective(methodology)
    audit = _set_phase(audit, phase)

    with pytest.raises(Conflict) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target=target, reason="because")

    assert error.value.message == message
    assert error.value.status == 409
    assert Audit.objects.get(pk=audit.pk).phase == phase
    assert not PhaseTransition.objects.filter(audit=audit).exists()


def test_geosa_cannot_skip_team_training(methodology):
    audit, coordinator = _ready_geosa(methodology)
    with pytest.raises(
        Conflict, match=r"^The audit is in Set-up; it cannot move to Self-assessment from there\.$"
    ):
        services.audit_transition(actor=coordinator, audit_id=audit.pk, target="self_assessment")
    assert Audit.objects.get(pk=audit.pk).phase == "setup"


def test_hold_while_on_hold_and_advance_while_on_hold_are_conflicts(methodology):
    audit, lead = _ready_selective(methodology)
    services.audit_transition(actor=lead, audit_id=audit.pk, target="on_hold")

    with pytest.raises(Conflict, match=r"^The audit is in On hold; it cannot move to On hold from there\.$"):
        services.audit_transition(actor=lead, audit_id=audit.pk, target="on_hold")
    with pytest.raises(
        Conflict, match=r"^The audit is in On hold; it cannot move to Preparation from there\.$"
    ):
        services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")
    assert PhaseTransition.objects.filter(audit=audit).count() == 1


def test_blocking_guards_refuse_the_move_with_every_failing_message(methodology):
    audit = make_audit("selective", people_in_scope=None, planned_start=None, planned_end=None)
    lead = add_member(audit, TeamRole.LEAD).user
    add_member(audit, TeamRole.COORDINATOR)
    audit = _set_phase(audit, "preparation")

    with pytest.raises(DomainError) as error:
        services.audit_transition(
            actor=lead, audit_id=audit.pk, target="desk_review", override_reason="We accept all risks."
        )

    assert type(error.value) is DomainError
    assert error.value.message == "The audit cannot move to Desk review yet."
    from facilitators.selectors import display_name

    assert error.value.details == [
        f"Set the audit's planned start date so that {display_name(lead)}'s certification can be checked "
        "for that day.",
        "The team has 1 facilitator or expert; a Selective PGA needs 2–4 "
        "(trainees and the coordinator do not count).",
        "0 key areas selected; a Selective PGA covers 1–11.",
        "Set the number of people in scope.",
        "Set the planned start and end dates.",
    ]
    assert Audit.objects.get(pk=audit.pk).phase == "preparation"
    assert not PhaseTransition.objects.exists()


def test_request_needs_a_coordinator(methodology):
    audit = make_audit("selective")
    lead = add_member(audit, TeamRole.LEAD).user

    with pytest.raises(DomainError) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")

    assert error.value.message == "The audit cannot move to Preparation yet."
    assert error.value.details == ["Add the organization's coordinator (focal point) to the team."]
    add_member(audit, TeamRole.COORDINATOR)
    assert (
        services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation").to_phase
        == "preparation"
    )


# Warnings and their override


def _women_only_selective(methodology):
    audit = make_audit("selective")
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.WOMAN)
    add_member(audit, TeamRole.COORDINATOR, gender=Gender.MAN)
    audit.key_areas.set(methodology.key_areas.filter(code="KA01"))
    return _set_phase(audit, "preparation"), lead


def test_a_warning_needs_a_reason_to_proceed(methodology):
    audit, lead = _women_only_selective(methodology)

    with pytest.raises(DomainError) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="desk_review", override_reason="  ")

    assert error.value.message == "Give a reason to proceed despite the warnings."
    assert error.value.details == [
        "The facilitation team has no man; the methodology asks for both women and men. "
        "Add a member, or proceed with a reason."
    ]
    assert Audit.objects.get(pk=audit.pk).phase == "preparation"
    assert not PhaseTransition.objects.exists()


def test_an_overridden_warning_is_recorded_on_the_transition(methodology):
    audit, lead = _women_only_selective(methodology)

    record = services.audit_transition(
        actor=lead,
        audit_id=audit.pk,
        target="desk_review",
        comment="Team confirmed.",
        override_reason="  No male facilitator speaks the language.  ",
    )

    record = PhaseTransition.objects.get(pk=record.pk)
    assert record.actor == lead
    assert (record.action, record.from_phase, record.to_phase) == ("advance", "preparation", "desk_review")
    assert record.comment == "Team confirmed."
    assert record.override_reason == "No male facilitator speaks the language."
    assert record.overridden_warnings == ["team_gender_balance"]
    assert record.at is not None
    assert Audit.objects.get(pk=audit.pk).phase == "desk_review"


def test_an_override_reason_without_warnings_is_not_recorded(methodology):
    audit, lead = _ready_selective(methodology)
    audit = _set_phase(audit, "preparation")

    record = services.audit_transition(
        actor=lead, audit_id=audit.pk, target="desk_review", override_reason="Just in case."
    )

    assert record.override_reason == ""
    assert record.overridden_warnings == []


# Hold, resume and cancel


def test_hold_and_resume_return_to_the_held_phase(methodology):
    audit, lead = _ready_selective(methodology)
    audit = _set_phase(audit, "desk_review")

    held = services.audit_transition(actor=lead, audit_id=audit.pk, target="on_hold", comment="Elections.")
    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.phase, audit.held_phase) == ("on_hold", "desk_review")
    assert (held.action, held.from_phase, held.to_phase, held.comment) == (
        "hold",
        "desk_review",
        "on_hold",
        "Elections.",
    )
    options = workflow.transition_options(audit, permitted=True)
    assert [(option.action, option.target) for option in options] == [
        ("resume", "desk_review"),
        ("cancel", "cancelled"),
    ]

    resumed = services.audit_transition(actor=lead, audit_id=audit.pk, target="desk_review")

    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.phase, audit.held_phase) == ("desk_review", "")
    assert (resumed.action, resumed.from_phase, resumed.to_phase) == ("resume", "on_hold", "desk_review")
    # The audit carries on from where it was.
    assert (
        services.audit_transition(actor=lead, audit_id=audit.pk, target="fieldwork").to_phase == "fieldwork"
    )


def test_resume_goes_only_to_the_held_phase(methodology):
    audit, lead = _ready_selective(methodology)
    audit = _set_phase(audit, "fieldwork")
    services.audit_transition(actor=lead, audit_id=audit.pk, target="on_hold")

    with pytest.raises(
        Conflict, match=r"^The audit is in On hold; it cannot move to Desk review from there\.$"
    ):
        services.audit_transition(actor=lead, audit_id=audit.pk, target="desk_review")
    assert Audit.objects.get(pk=audit.pk).phase == "on_hold"


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_needs_a_reason(methodology, reason):
    audit, lead = _ready_selective(methodology)

    with pytest.raises(DomainError) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="cancelled", reason=reason)

    assert type(error.value) is DomainError
    assert error.value.message == "Say why the audit is cancelled."
    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.phase, audit.cancel_reason) == ("request", "")
    assert not PhaseTransition.objects.exists()


@pytest.mark.parametrize("phase", FACILITATED[:-1])
def test_cancel_from_any_open_phase(methodology, phase):
    audit, lead = _ready_selective(methodology)
    audit = _set_phase(audit, phase)

    record = services.audit_transition(
        actor=lead, audit_id=audit.pk, target="cancelled", reason="The ministry was dissolved."
    )

    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.phase, audit.cancel_reason) == ("cancelled", "The ministry was dissolved.")
    assert (record.action, record.from_phase, record.to_phase) == ("cancel", phase, "cancelled")
    assert record.comment == "The ministry was dissolved."
    assert workflow.transition_options(audit, permitted=True) == []


def test_cancel_while_on_hold_keeps_the_comment_apart_from_the_reason(methodology):
    audit, lead = _ready_selective(methodology)
    services.audit_transition(actor=lead, audit_id=audit.pk, target="on_hold")

    record = services.audit_transition(
        actor=lead, audit_id=audit.pk, target="cancelled", reason="No budget.", comment="Agreed with HR."
    )

    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.phase, audit.cancel_reason) == ("cancelled", "No budget.")
    assert (record.from_phase, record.to_phase, record.comment) == ("on_hold", "cancelled", "Agreed with HR.")


def test_geosa_can_be_held_and_cancelled_by_its_coordinator(methodology):
    audit, coordinator = _ready_geosa(methodology)
    audit = _set_phase(audit, "self_assessment")

    services.audit_transition(actor=coordinator, audit_id=audit.pk, target="on_hold")
    services.audit_transition(actor=coordinator, audit_id=audit.pk, target="self_assessment")
    services.audit_transition(actor=coordinator, audit_id=audit.pk, target="cancelled", reason="Merged.")

    assert Audit.objects.get(pk=audit.pk).phase == "cancelled"
    assert list(PhaseTransition.objects.filter(audit=audit).values_list("action", flat=True)) == [
        "hold",
        "resume",
        "cancel",
    ]


# Who may move an audit


@pytest.mark.parametrize(
    "role", [TeamRole.CO_FACILITATOR, TeamRole.EXPERT, TeamRole.TRAINEE, TeamRole.COORDINATOR]
)
def test_only_the_lead_moves_a_facilitated_audit(methodology, role):
    audit, _lead = _ready_selective(methodology)
    member = add_member(audit, role).user

    with pytest.raises(Forbidden) as error:
        services.audit_transition(actor=member, audit_id=audit.pk, target="preparation")

    assert error.value.status == 403
    assert error.value.message == "Only the audit's lead facilitator or a staff administrator can do this."
    assert Audit.objects.get(pk=audit.pk).phase == "request"
    assert not PhaseTransition.objects.exists()


def test_only_the_coordinator_moves_a_geosa(methodology):
    audit, _coordinator = _ready_geosa(methodology)
    lead = add_member(audit, TeamRole.LEAD).user

    with pytest.raises(Forbidden) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="team_training")

    assert error.value.message == (
        "Only the audit's coordinator (focal point) or a staff administrator can do this."
    )
    assert Audit.objects.get(pk=audit.pk).phase == "setup"


def test_someone_who_cannot_see_the_audit_gets_not_found(methodology):
    audit, _lead = _ready_selective(methodology)

    with pytest.raises(Http404):
        services.audit_transition(actor=UserFactory(), audit_id=audit.pk, target="preparation")
    assert Audit.objects.get(pk=audit.pk).phase == "request"


# Concurrency at the model and service level


def test_a_repeated_request_gets_a_conflict_and_makes_no_second_transition(methodology):
    audit, lead = _ready_selective(methodology)

    services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")
    with pytest.raises(Conflict) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")

    assert error.value.message == "The audit is in Preparation; it cannot move to Preparation from there."
    assert PhaseTransition.objects.filter(audit=audit).count() == 1


def test_saving_a_stale_instance_raises_concurrent_transition(methodology):
    audit, _lead = _ready_selective(methodology)
    first = Audit.objects.get(pk=audit.pk)
    second = Audit.objects.get(pk=audit.pk)

    first.advance()
    first.save()
    second.hold()

    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert Audit.objects.get(pk=audit.pk).phase == "preparation"


def test_the_service_turns_a_concurrent_save_into_a_conflict(methodology, monkeypatch):
    audit, lead = _ready_selective(methodology)

    def lost_race(self, *args, **kwargs):
        raise ConcurrentTransition("state changed")

    monkeypatch.setattr(Audit, "save", lost_race)

    with pytest.raises(Conflict) as error:
        services.audit_transition(actor=lead, audit_id=audit.pk, target="preparation")

    monkeypatch.undo()
    assert error.value.message == "Someone else moved this audit first; reload to see it."
    assert Audit.objects.get(pk=audit.pk).phase == "request"
    assert not PhaseTransition.objects.exists()


# The model's state machine itself


def test_the_phase_cannot_be_set_directly(methodology):
    audit, _lead = _ready_selective(methodology)
    with pytest.raises(AttributeError):
        audit.phase = "closed"


def test_the_model_refuses_an_advance_whose_guards_block(methodology):
    audit = make_audit("selective")
    with pytest.raises(TransitionNotAllowed):
        audit.advance()
    assert audit.phase == "request"


def test_the_model_refuses_resume_when_not_on_hold_and_anything_from_closed(methodology):
    audit, _lead = _ready_selective(methodology)
    with pytest.raises(TransitionNotAllowed):
        audit.resume()

    closed = _set_phase(audit, "closed")
    for method in (closed.advance, closed.hold):
        with pytest.raises(TransitionNotAllowed):
            method()
    with pytest.raises(TransitionNotAllowed):
        closed.cancel("too late")
