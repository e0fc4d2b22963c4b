"""What entering a phase sets in motion, named in the library's `on_enter` lists.

Effects run inside the transition's transaction, after the phase has changed, so a failure undoes
the transition too. `loadmethodology` refuses a library naming an effect that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audits.models import Audit

REGISTRY: dict[str, Callable[[Audit], None]] = {}


def effect(code: str) -> Callable:
    def register(run: Callable[[Audit], None]) -> Callable[[Audit], None]:
        REGISTRY[code] = run
        return run

    return register


def run_on_enter(audit: Audit, codes: list[str]) -> None:
    for code in codes:
        REGISTRY[code](audit)


@effect("record_practice")
def record_practice(audit: Audit) -> None:
    """Each facilitation team member's service on the audit counts toward their certification."""
    from audits.models import FACILITATION_ROLES, TeamRole
    from facilitators.services import practice_record_from_audit

    members = list(audit.team.filter(role__in=FACILITATION_ROLES).select_related("user"))
    lead = next((member.user for member in members if member.role == TeamRole.LEAD), None)
    for member in members:
        practice_record_from_audit(
            user=member.user,
            audit_reference=audit.pk,
            audit_title=audit.title,
            modality_code=audit.modality.code,
            role=member.role,
            started_on=audit.planned_start,
            ended_on=audit.planned_end,
            supervisor=None if member.user == lead else lead,
        )
