"""Where a certification may go next and what must hold first.

Every guard is a named, side-effect-free check of the programme's requirements against the
person's records: it returns None when it holds, or a sentence saying what is missing. The FSM
conditions on `Certification` are the predicates at the end of this module; pages, the API and
services list the same guards with pass/fail for every transition, so a rule is written once.

Guards read related rows through `.all()`, so a queryset prefetched by
`selectors.certifications_with_records()` evaluates any number of certifications in constant queries.
Dates: guards use the certification's evaluation date (`as_of`), today unless a caller set one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from facilitators.models import Certification


# Dates ------------------------------------------------------------------------------------------


def as_of(certification: Certification, today: date | None) -> Certification:
    """Evaluate this certification's date-dependent guards on `today` (None: the real today)."""
    certification.__dict__["_as_of"] = today
    return certification


def today_for(certification: Certification) -> date:
    return certification.__dict__.get("_as_of") or timezone.localdate()


def effective_state(certification: Certification, today: date | None = None) -> str:
    """The state the dates say, so pages are right before the nightly sweep has moved the row."""
    from facilitators.models import HOLDING_STATES, CertificationState

    today = today or today_for(certification)
    if certification.state in HOLDING_STATES and certification.expires_on:
        if today >= certification.expires_on:
            return CertificationState.EXPIRED
        if (certification.expires_on - today).days <= certification.programme.expiry_warning_days:
            return CertificationState.EXPIRING_SOON
    return certification.state


def period_start(certification: Certification) -> date | None:
    """The start of the current validity period: the last renewal, else the certification."""
    return certification.renewed_on or certification.certified_on


def renewal_opens_on(certification: Certification) -> date | None:
    if certification.expires_on is None:
        return None
    return certification.expires_on - timedelta(days=certification.programme.expiry_warning_days)


# Guard results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuardCheck:
    """One named condition as evaluated now; `message` says what is missing when it fails."""

    code: str
    label: str
    passed: bool
    message: str = ""


@dataclass
class TransitionOption:
    """A move the certification could make now, with everything that stands in its way."""

    action: str
    target: str
    label: str
    checks: list[GuardCheck] = field(default_factory=list)
    permitted: bool = False
    needs_reason: bool = False

    @property
    def blocking(self) -> list[GuardCheck]:
        return [check for check in self.checks if not check.passed]

    @property
    def allowed(self) -> bool:
        return self.permitted and not self.blocking


# Transitions and their guards ---------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    guards: tuple[str, ...] = ()
    needs_reason: bool = False


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("admit", gettext_lazy("Admit"), ("portfolio_complete", "portfolio_accepted")),
        Action("start_training", gettext_lazy("Start training")),
        Action(
            "complete_training",
            gettext_lazy("Mark training as completed"),
            ("preliminary_work_done", "course_attended", "assignments_passed", "exam_passed"),
        ),
        Action("start_practice", gettext_lazy("Start supervised practice")),
        Action(
            "submit_for_review",
            gettext_lazy("Submit to the certification committee"),
            ("practice_audits_done", "practice_evaluated"),
        ),
        Action("certify", gettext_lazy("Certify"), ("committee_certified",)),
        Action(
            "return_to_practice",
            gettext_lazy("Return to practice"),
            ("committee_asked_for_more_practice",),
        ),
        Action("warn_expiry", gettext_lazy("Mark as expiring soon"), ("expiry_warning_due",)),
        Action("expire", gettext_lazy("Mark as expired"), ("expiry_date_passed",)),
        Action(
            "renew",
            gettext_lazy("Renew"),
            ("renewal_window_open", "renewal_practice_done", "renewal_contributions_done"),
        ),
        Action("suspend", gettext_lazy("Suspend"), needs_reason=True),
        Action("reinstate", gettext_lazy("Reinstate")),
        Action("withdraw", gettext_lazy("Withdraw"), needs_reason=True),
    )
}

# The next step forward from each state: what a candidate is "blocked on" when it fails.
FORWARD = {
    "applicant": "admit",
    "admitted": "start_training",
    "in_training": "complete_training",
    "trained": "start_practice",
    "in_practice": "submit_for_review",
    "under_review": "certify",
    "certified": "renew",
    "expiring_soon": "renew",
    "expired": "renew",
    "renewed": "renew",
}
# Moves only the date or the committee's decision makes, never offered as buttons.
AUTOMATIC = {"warn_expiry", "expire", "return_to_practice"}


def checks_for(certification: Certification, action: str) -> list[GuardCheck]:
    from facilitators import guards

    return [guards.evaluate(code, certification) for code in ACTIONS[action].guards]


def passes(certification: Certification, action: str) -> bool:
    return all(check.passed for check in checks_for(certification, action))


def target_of(certification: Certification, action: str) -> str | None:
    """Where `action` would take the certification from its current state (None: not from here)."""
    from facilitators.models import Certification as Model

    transitions = {
        transition.name: transition
        for transition in Model._meta.get_field("state").get_all_transitions(Model)
        if transition.source in (certification.state, "*")
    }
    found = transitions.get(action)
    if found is None:
        return None
    if action == "reinstate":
        return certification.held_state
    return str(found.target)


def transition_options(certification: Certification, *, permitted: bool) -> list[TransitionOption]:
    """The moves a person can make from the current state; `permitted`: may the asker make them."""
    options = []
    for action in ACTIONS.values():
        if action.name in AUTOMATIC:
            continue
        target = target_of(certification, action.name)
        if target is None:
            continue
        options.append(
            TransitionOption(
                action=action.name,
                target=target,
                label=str(action.label),
                checks=checks_for(certification, action.name),
                permitted=permitted,
                needs_reason=action.needs_reason,
            )
        )
    return options


def next_step(certification: Certification) -> TransitionOption | None:
    """The forward move from the state the dates say, with its checks (None once withdrawn)."""
    action = FORWARD.get(effective_state(certification))
    if action is None:
        return None
    return TransitionOption(
        action=action,
        target=target_of(certification, action) or "",
        label=str(ACTIONS[action].label),
        checks=checks_for(certification, action),
    )


# Conditions of the FSM transitions on Certification: named, side-effect-free predicates.


def admission_requirements_met(certification: Certification) -> bool:
    return passes(certification, "admit")


def training_requirements_met(certification: Certification) -> bool:
    return passes(certification, "complete_training")


def practice_requirements_met(certification: Certification) -> bool:
    return passes(certification, "submit_for_review")


def committee_certified(certification: Certification) -> bool:
    return passes(certification, "certify")


def committee_asked_for_more_practice(certification: Certification) -> bool:
    return passes(certification, "return_to_practice")


def expiry_warning_due(certification: Certification) -> bool:
    return passes(certification, "warn_expiry") and not passes(certification, "expire")


def expiry_date_passed(certification: Certification) -> bool:
    return passes(certification, "expire")


def renewal_requirements_met(certification: Certification) -> bool:
    return passes(certification, "renew")
