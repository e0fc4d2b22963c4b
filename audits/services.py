"""Every write a user can cause on organizations, audits and their teams.

Each service is one transaction, checks the actor's permission and raises a DomainError whose
message tells the person what to do. Pages and the API call these, so each rule lives once.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audits import effects, workflow
from audits.models import (
    Audit,
    KeyArea,
    Modality,
    Organization,
    PhaseTransition,
    TeamMember,
    TeamRole,
    Unit,
)
from audits.selectors import audit_get, can_create_audit_for, can_steer, current_methodology
from config.errors import Conflict, DomainError, Forbidden, validated

User = get_user_model()


def _require_steering(actor, audit: Audit) -> None:
    if not can_steer(actor, audit):
        raise Forbidden(
            _("Only the audit's %(roles)s or a staff administrator can do this.")
            % {"roles": _(" or ").join(_role_names(audit.modality.steering_roles))}
        )


def _role_names(codes: list[str]) -> list[str]:
    labels = dict(TeamRole.choices)
    return [str(labels.get(code, code)).lower() for code in codes]


def _require_scope_editable(audit: Audit) -> None:
    phase = workflow.current_phase(audit)
    if phase is None or not phase.scope_editable:
        raise DomainError(
            _("The scope is fixed in the %(phase)s phase; it can change only while preparing.")
            % {"phase": workflow.phase_label(audit, audit.phase)}
        )


def organization_create(
    *,
    actor,
    name: str,
    country: str = "",
    region: str = "",
    sector: str = "",
    units: list[str] | None = None,
) -> Organization:
    """Register an organization; the actor is recorded, so they may start its audit (selectors)."""
    if not (actor.is_staff or actor.has_perm("audits.add_organization")):
        raise Forbidden(_("Only staff administrators and facilitators can register organizations."))
    with transaction.atomic():
        organization = validated(
            Organization(
                name=name.strip(), country=country, region=region.strip(), sector=sector, registered_by=actor
            )
        )
        organization.save()
        for unit_name in units or []:
            unit_create(actor=actor, organization=organization, name=unit_name)
    return organization


def unit_create(*, actor, organization: Organization, name: str) -> Unit:
    if not (actor.is_staff or actor.has_perm("audits.add_organization")):
        raise Forbidden(_("Only staff administrators and facilitators can add units."))
    unit = validated(Unit(organization=organization, name=name.strip()))
    unit.save()
    return unit


def audit_create(
    *,
    actor,
    organization: Organization,
    modality: Modality | str,
    title: str,
    unit: Unit | None = None,
    people_in_scope: int | None = None,
    planned_start: date | None = None,
    planned_end: date | None = None,
    delivery: str = "remote",
    language: str = "en",
    min_group_size: int = 5,
) -> Audit:
    """Open an audit in its first phase; a non-staff creator joins its team (a coordinator as coordinator)."""
    if not can_create_audit_for(actor, organization):
        raise Forbidden(
            _("You cannot start an audit for %(organization)s.") % {"organization": organization.name}
        )
    if isinstance(modality, str):
        methodology = current_methodology()
        modality = methodology and methodology.modalities.filter(code=modality).first()
        if modality is None:
            raise DomainError(
                _("Unknown modality; load the methodology library first (manage.py loadmethodology).")
            )
    if unit is not None and unit.organization_id != organization.pk:
        raise DomainError(
            _("The unit %(unit)s does not belong to %(organization)s.")
            % {"unit": unit.name, "organization": organization.name}
        )
    first_phase = modality.phases.order_by("order").first()
    if first_phase is None:
        raise DomainError(
            _("The modality %(modality)s has no phases in the library.") % {"modality": modality.name}
        )
    with transaction.atomic():
        audit = Audit(
            organization=organization,
            unit=unit,
            modality=modality,
            title=title.strip(),
            people_in_scope=people_in_scope,
            planned_start=planned_start,
            planned_end=planned_end,
            delivery=delivery,
            language=language,
            min_group_size=min_group_size,
            phase=first_phase.code,
            created_by=actor,
        )
        validated(audit, exclude=["phase"])
        audit.save()
        if not actor.is_staff and modality.steering_roles:
            # An organization's coordinator may request a facilitated audit but does not steer it.
            role = modality.steering_roles[0] if actor.has_perm("audits.add_audit") else TeamRole.COORDINATOR
            TeamMember.objects.create(audit=audit, user=actor, role=role)
    return audit


EDITABLE_DETAILS = (
    "title",
    "planned_start",
    "planned_end",
    "delivery",
    "language",
    "min_group_size",
)
SCOPE_DETAILS = ("unit", "people_in_scope")


def audit_update(*, actor, audit: Audit, **changes) -> Audit:
    """Change an audit's details; the unit and people in scope only while the scope is open."""
    unknown = set(changes) - set(EDITABLE_DETAILS) - set(SCOPE_DETAILS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        audit = Audit.objects.select_for_update(of=("self",)).get(pk=audit.pk)
        _require_steering(actor, audit)
        if any(name in SCOPE_DETAILS and getattr(audit, name) != value for name, value in changes.items()):
            _require_scope_editable(audit)
        unit = changes.get("unit")
        if unit is not None and unit.organization_id != audit.organization_id:
            raise DomainError(
                _("The unit %(unit)s does not belong to %(organization)s.")
                % {"unit": unit.name, "organization": audit.organization.name}
            )
        for name, value in changes.items():
            setattr(audit, name, value)
        validated(audit, exclude=["phase"])
        audit.save(update_fields=[*changes, "updated_at"])
    return audit


def audit_set_key_areas(*, actor, audit: Audit, codes: list[str]) -> list[KeyArea]:
    """Select the audit's key areas by code, from the methodology version the audit follows."""
    codes = list(dict.fromkeys(code.strip().upper() for code in codes))
    with transaction.atomic():
        audit = Audit.objects.select_for_update(of=("self",)).get(pk=audit.pk)
        _require_steering(actor, audit)
        _require_scope_editable(audit)
        key_areas = list(audit.methodology.key_areas.filter(code__in=codes))
        unknown = sorted(set(codes) - {key_area.code for key_area in key_areas})
        if unknown:
            raise DomainError(
                _("Unknown key areas for methodology %(version)s: %(codes)s.")
                % {"version": audit.methodology, "codes": ", ".join(unknown)}
            )
        audit.key_areas.set(key_areas)
    return key_areas


def team_member_add(*, actor, audit: Audit, user, role: str) -> TeamMember:
    if role not in TeamRole.values:
        raise DomainError(_("Unknown role %(role)s.") % {"role": role})
    with transaction.atomic():
        audit = Audit.objects.select_for_update(of=("self",)).get(pk=audit.pk)
        _require_steering(actor, audit)
        if audit.team.filter(user=user).exists():
            raise DomainError(_("%(person)s is already on the team.") % {"person": user})
        _ensure_single_lead(audit, role)
        return TeamMember.objects.create(audit=audit, user=user, role=role)


def team_member_change_role(*, actor, member: TeamMember, role: str) -> TeamMember:
    if role not in TeamRole.values:
        raise DomainError(_("Unknown role %(role)s.") % {"role": role})
    with transaction.atomic():
        audit = Audit.objects.select_for_update(of=("self",)).get(pk=member.audit_id)
        _require_steering(actor, audit)
        if role != member.role:
            _ensure_single_lead(audit, role)
        member.role = role
        member.save(update_fields=["role"])
    return member


def team_member_remove(*, actor, member: TeamMember) -> None:
    with transaction.atomic():
        audit = Audit.objects.select_for_update(of=("self",)).get(pk=member.audit_id)
        _require_steering(actor, audit)
        member.delete()


def _ensure_single_lead(audit: Audit, role: str) -> None:
    if role != TeamRole.LEAD:
        return
    current = audit.team.filter(role=TeamRole.LEAD).select_related("user").first()
    if current is not None:
        raise DomainError(
            _("%(person)s is already the lead facilitator; change their role first.")
            % {"person": current.user}
        )


def audit_transition(
    *,
    actor,
    audit_id: int,
    target: str,
    comment: str = "",
    override_reason: str = "",
    reason: str = "",
) -> PhaseTransition:
    """Move an audit to `target`: permission, guards, transition and log in one locked transaction.

    Naming the target (not "next") makes a repeated or concurrent request harmless: once the first
    one has moved the audit, the target is no longer reachable and the second gets a conflict.
    """
    comment, override_reason, reason = comment.strip(), override_reason.strip(), reason.strip()
    with transaction.atomic():
        audit_get(actor, audit_id)  # 404 for an audit the actor may not see
        audit = (
            Audit.objects.select_for_update(of=("self",))
            .select_related("modality__methodology")
            .get(pk=audit_id)
        )
        _require_steering(actor, audit)
        options = workflow.transition_options(audit, permitted=True)
        option = next((option for option in options if option.target == target), None)
        if option is None:
            raise Conflict(
                _("The audit is in %(phase)s; it cannot move to %(target)s from there.")
                % {
                    "phase": workflow.phase_label(audit, audit.phase),
                    "target": workflow.phase_label(audit, target),
                }
            )
        if option.blocking:
            raise DomainError(
                _("The audit cannot move to %(target)s yet.")
                % {"target": workflow.phase_label(audit, target)},
                details=[check.message for check in option.blocking],
            )
        if option.warnings and not override_reason:
            raise DomainError(
                _("Give a reason to proceed despite the warnings."),
                details=[check.message for check in option.warnings],
            )
        if option.needs_reason and not reason:
            raise DomainError(_("Say why the audit is cancelled."))
        from_phase = audit.phase
        transition_method = getattr(audit, option.action)
        if option.action == "cancel":
            transition_method(reason)
        else:
            transition_method()
        try:
            audit.save()
        except ConcurrentTransition:
            raise Conflict(_("Someone else moved this audit first; reload to see it.")) from None
        entered = workflow.current_phase(audit)
        if option.action == "advance" and entered is not None:
            effects.run_on_enter(audit, entered.on_enter)
        return PhaseTransition.objects.create(
            audit=audit,
            action=option.action,
            from_phase=from_phase,
            to_phase=audit.phase,
            actor=actor,
            comment=reason if option.action == "cancel" and not comment else comment,
            override_reason=override_reason if option.warnings else "",
            overridden_warnings=[check.code for check in option.warnings],
        )
