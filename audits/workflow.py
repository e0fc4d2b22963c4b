"""Where an audit may go next and what must hold first, read from its modality's phases.

The phases, their order and the guards checked before leaving each one are methodology data
(`Phase.exit_guards`); the guard predicates themselves live in `audits.guards`. Nothing here
branches on a modality's code, so a new modality or phase is a change to the library, not to code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from audits.models import Audit, Phase

BLOCK = "block"
WARNING = "warning"

ACTION_LABELS = {
    "hold": _("Put on hold"),
    "resume": _("Resume"),
    "cancel": _("Cancel the audit"),
}


@dataclass(frozen=True)
class GuardCheck:
    """One named condition as evaluated now; `message` says what to do when it fails."""

    code: str
    label: str
    severity: str
    passed: bool
    message: str = ""

    @property
    def blocks(self) -> bool:
        return not self.passed and self.severity == BLOCK

    @property
    def warns(self) -> bool:
        return not self.passed and self.severity == WARNING


@dataclass
class TransitionOption:
    """A move the audit could make from its current phase, with everything that stands in its way."""

    action: str
    target: str
    label: str
    checks: list[GuardCheck] = field(default_factory=list)
    permitted: bool = False

    @property
    def blocking(self) -> list[GuardCheck]:
        return [check for check in self.checks if check.blocks]

    @property
    def warnings(self) -> list[GuardCheck]:
        return [check for check in self.checks if check.warns]

    @property
    def allowed(self) -> bool:
        return self.permitted and not self.blocking

    @property
    def needs_reason(self) -> bool:
        return self.action == "cancel"


def phases(audit: Audit) -> list[Phase]:
    """The modality's phases in order (cached on the audit for the length of a request)."""
    cache = audit.__dict__.setdefault("_phases_cache", {})
    if audit.modality_id not in cache:
        # .all() (sorted here) rather than .order_by() so that a prefetched modality__phases is used.
        cache[audit.modality_id] = sorted(audit.modality.phases.all(), key=lambda phase: phase.order)
    return cache[audit.modality_id]


def current_phase(audit: Audit) -> Phase | None:
    return next((phase for phase in phases(audit) if phase.code == audit.phase), None)


def next_phase(audit: Audit) -> Phase | None:
    ordered = phases(audit)
    for index, phase in enumerate(ordered[:-1]):
        if phase.code == audit.phase:
            return ordered[index + 1]
    return None


def phase_label(audit: Audit, code: str) -> str:
    """A phase's name in the active language, including the two states outside the workflow."""
    from audits.models import Audit

    if code == Audit.ON_HOLD:
        return str(_("On hold"))
    if code == Audit.CANCELLED:
        return str(_("Cancelled"))
    return next((phase.name for phase in phases(audit) if phase.code == code), code)


def evaluate_exit_guards(audit: Audit) -> list[GuardCheck]:
    """Every exit guard of the current phase, evaluated against the audit as it is now."""
    from audits import guards

    phase = current_phase(audit)
    if phase is None:
        return []
    return [guards.evaluate(spec["code"], audit, spec.get("severity", BLOCK)) for spec in phase.exit_guards]


# Conditions of the FSM transitions on Audit: named, side-effect-free predicates.


def is_open(audit: Audit) -> bool:
    phase = current_phase(audit)
    return phase is not None and not phase.final


def is_cancellable(audit: Audit) -> bool:
    from audits.models import Audit

    return audit.phase == Audit.ON_HOLD or is_open(audit)


def has_next_phase(audit: Audit) -> bool:
    return next_phase(audit) is not None


def exit_guards_pass(audit: Audit) -> bool:
    return not any(check.blocks for check in evaluate_exit_guards(audit))


def transition_options(audit: Audit, *, permitted: bool) -> list[TransitionOption]:
    """The moves open from the current phase; `permitted` says whether the asker may make them."""
    from audits.models import Audit

    options: list[TransitionOption] = []
    if is_open(audit):
        upcoming = next_phase(audit)
        if upcoming is not None:
            options.append(
                TransitionOption(
                    action="advance",
                    target=upcoming.code,
                    label=str(_("Move to %(phase)s") % {"phase": upcoming.name}),
                    checks=evaluate_exit_guards(audit),
                    permitted=permitted,
                )
            )
        options.append(_option("hold", Audit.ON_HOLD, permitted))
    if audit.phase == Audit.ON_HOLD:
        options.append(_option("resume", audit.held_phase, permitted))
    if is_cancellable(audit):
        options.append(_option("cancel", Audit.CANCELLED, permitted))
    return options


def _option(action: str, target: str, permitted: bool) -> TransitionOption:
    return TransitionOption(
        action=action, target=target, label=str(ACTION_LABELS[action]), permitted=permitted
    )
