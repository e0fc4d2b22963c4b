"""The named predicates a modality's phases list as exit guards.

Each guard reads the audit and its modality's parameters and returns None when it holds, or a
sentence telling the team what to change. Registering a guard makes it usable by the library;
`loadmethodology` refuses a library naming a guard that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audits.workflow import GuardCheck

if TYPE_CHECKING:
    from audits.models import Audit


@dataclass(frozen=True)
class Guard:
    code: str
    label: str
    check: Callable[[Audit], str | None]


REGISTRY: dict[str, Guard] = {}


def guard(code: str, label: str) -> Callable:
    def register(check: Callable[[Audit], str | None]) -> Callable[[Audit], str | None]:
        REGISTRY[code] = Guard(code=code, label=label, check=check)
        return check

    return register


def evaluate(code: str, audit: Audit, severity: str) -> GuardCheck:
    registered = REGISTRY[code]
    failure = registered.check(audit)
    return GuardCheck(
        code=code,
        label=str(registered.label),
        severity=severity,
        passed=failure is None,
        message=failure or "",
    )


def _team_roles(audit: Audit) -> list[tuple[str, str]]:
    """(role, gender) of every team member, read once per evaluation."""
    return list(audit.team.values_list("role", "user__gender"))


def _range_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}" if low != high else str(low)
    if low is not None:
        return _("at least %(n)d") % {"n": low}
    return _("at most %(n)d") % {"n": high}


@guard("has_coordinator", gettext_lazy("The organization has named its coordinator"))
def has_coordinator(audit: Audit) -> str | None:
    from audits.models import TeamRole

    if audit.team.filter(role=TeamRole.COORDINATOR).exists():
        return None
    return _("Add the organization's coordinator (focal point) to the team.")


@guard("team_has_lead", gettext_lazy("The team has a lead facilitator"))
def team_has_lead(audit: Audit) -> str | None:
    from audits.models import TeamRole

    if audit.team.filter(role=TeamRole.LEAD).exists():
        return None
    return _("The team has no lead facilitator; give one member that role.")


@guard("team_size_fits", gettext_lazy("The team's size fits the modality"))
def team_size_fits(audit: Audit) -> str | None:
    from audits.models import TEAM_SIZE_ROLES

    modality = audit.modality
    size = sum(1 for role, _gender in _team_roles(audit) if role in TEAM_SIZE_ROLES)
    too_small = modality.team_min is not None and size < modality.team_min
    too_large = modality.team_max is not None and size > modality.team_max
    if not (too_small or too_large):
        return None
    return ngettext(
        "The team has %(size)d facilitator or expert; a %(modality)s needs %(range)s "
        "(trainees and the coordinator do not count).",
        "The team has %(size)d facilitators and experts; a %(modality)s needs %(range)s "
        "(trainees and the coordinator do not count).",
        size,
    ) % {
        "size": size,
        "modality": modality.name,
        "range": _range_text(modality.team_min, modality.team_max),
    }


@guard("team_gender_balance", gettext_lazy("Women and men are both on the facilitation team"))
def team_gender_balance(audit: Audit) -> str | None:
    from accounts.models import Gender
    from audits.models import FACILITATION_ROLES

    genders = {gender for role, gender in _team_roles(audit) if role in FACILITATION_ROLES}
    missing = [
        label
        for gender, label in ((Gender.WOMAN, _("no woman")), (Gender.MAN, _("no man")))
        if gender not in genders
    ]
    if not missing:
        return None
    return _(
        "The facilitation team has %(missing)s; the methodology asks for both women and men. "
        "Add a member, or proceed with a reason."
    ) % {"missing": _(" and ").join(missing)}


@guard("key_areas_fit", gettext_lazy("The key areas fit the modality"))
def key_areas_fit(audit: Audit) -> str | None:
    modality = audit.modality
    chosen = audit.key_areas.count()
    available = modality.methodology.key_areas.count()
    if modality.key_areas_all:
        if chosen == available:
            return None
        return _(
            "%(chosen)d of %(available)d key areas selected; a %(modality)s covers all %(available)d."
        ) % {"chosen": chosen, "available": available, "modality": modality.name}
    high = modality.key_areas_max
    if chosen >= modality.key_areas_min and (high is None or chosen <= high):
        return None
    return ngettext(
        "%(chosen)d key area selected; a %(modality)s covers %(range)s.",
        "%(chosen)d key areas selected; a %(modality)s covers %(range)s.",
        chosen,
    ) % {
        "chosen": chosen,
        "modality": modality.name,
        "range": _range_text(modality.key_areas_min, high),
    }


@guard("people_in_scope_fit", gettext_lazy("The people in scope fit the modality"))
def people_in_scope_fit(audit: Audit) -> str | None:
    limit = audit.modality.people_in_scope_max
    if audit.people_in_scope is None:
        return _("Set the number of people in scope.")
    if limit is not None and audit.people_in_scope > limit:
        return _(
            "%(people)d people in scope; a %(modality)s covers at most %(limit)d per "
            "organization or unit. Narrow the scope to a unit or choose another modality."
        ) % {"people": audit.people_in_scope, "modality": audit.modality.name, "limit": limit}
    return None


@guard("planned_dates_set", gettext_lazy("The planned dates are set"))
def planned_dates_set(audit: Audit) -> str | None:
    if audit.planned_start and audit.planned_end:
        return None
    return _("Set the planned start and end dates.")


@guard("duration_fits", gettext_lazy("The planned duration fits the modality"))
def duration_fits(audit: Audit) -> str | None:
    modality = audit.modality
    if not (audit.planned_start and audit.planned_end):
        return None
    days = (audit.planned_end - audit.planned_start).days
    months = round(days / 30.44, 1)
    low, high = modality.duration_months_min, modality.duration_months_max
    if (low is None or months >= low) and (high is None or months <= high):
        return None
    return _("The plan spans %(months)s months; a %(modality)s usually takes %(range)s months.") % {
        "months": months,
        "modality": modality.name,
        "range": _range_text(low, high),
    }


@guard("lead_certified", gettext_lazy("The lead facilitator is certified on the start date"))
def lead_certified(audit: Audit) -> str | None:
    from audits.models import TeamRole
    from facilitators.selectors import certification_problem

    lead = audit.team.filter(role=TeamRole.LEAD).select_related("user").first()
    if lead is None:
        return _("Name a lead facilitator; their certification is checked against the start date.")
    return certification_problem(lead.user, audit.planned_start)
