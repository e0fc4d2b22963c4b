"""Reads scoped to what the asking user may see: a forgotten filter cannot leak an audit."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from audits.models import (
    Audit,
    KeyArea,
    MethodologyVersion,
    Organization,
    Phase,
    PhaseTransition,
    TeamMember,
    TeamRole,
)


def coordinated_organization_ids(user) -> QuerySet:
    return TeamMember.objects.filter(user=user, role=TeamRole.COORDINATOR).values("audit__organization_id")


def audits_for(user) -> QuerySet[Audit]:
    """Staff see every audit; others the audits they are on, and coordinators their organization's."""
    audits = Audit.objects.select_related("organization", "unit", "modality__methodology")
    if not user.is_authenticated:
        return audits.none()
    if user.is_staff:
        return audits
    return audits.filter(
        Q(pk__in=TeamMember.objects.filter(user=user).values("audit_id"))
        | Q(organization_id__in=coordinated_organization_ids(user))
    )


def audit_get(user, audit_id) -> Audit:
    """The audit if the user may see it; 404 otherwise, so its existence is not revealed."""
    try:
        return audits_for(user).get(pk=audit_id)
    except (Audit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such audit.") from None


def organizations_for(user) -> QuerySet[Organization]:
    organizations = Organization.objects.prefetch_related("units")
    if not user.is_authenticated:
        return organizations.none()
    if user.is_staff:
        return organizations
    return organizations.filter(
        Q(pk__in=audits_for(user).values("organization_id")) | Q(pk__in=coordinated_organization_ids(user))
    )


def user_roles(user, audit: Audit) -> set[str]:
    """The user's team roles on this audit (cached on the audit instance)."""
    cache = audit.__dict__.setdefault("_roles_cache", {})
    if user.pk not in cache:
        cache[user.pk] = set(audit.team.filter(user=user).values_list("role", flat=True))
    return cache[user.pk]


def can_steer(user, audit: Audit) -> bool:
    """Staff, or a member whose role the modality names as steering (lead facilitator, focal point)."""
    if user.is_staff:
        return True
    return bool(user_roles(user, audit) & set(audit.modality.steering_roles))


def organizations_open_to(user) -> QuerySet[Organization]:
    """The organizations the user may start an audit for: the one rule of the "New audit" choice.

    Staff, and facilitators who may see the whole register (audits.view_organization: programme
    managers), pick any; other facilitators (audits.add_audit) those they work with or registered,
    so the register stays closed; anyone else only the organizations they coordinate.
    """
    organizations = Organization.objects.all()
    if not user.is_authenticated:
        return organizations.none()
    if user.is_staff:
        return organizations
    if user.has_perm("audits.add_audit"):
        if user.has_perm("audits.view_organization"):
            return organizations
        return organizations.filter(
            Q(pk__in=audits_for(user).values("organization_id")) | Q(registered_by=user)
        )
    return organizations.filter(pk__in=coordinated_organization_ids(user))


def can_create_audit_for(user, organization: Organization) -> bool:
    return organizations_open_to(user).filter(pk=organization.pk).exists()


def team_of(audit: Audit) -> QuerySet[TeamMember]:
    return audit.team.select_related("user").order_by("role", "user__last_name", "user__username")


def history_of(audit: Audit) -> QuerySet[PhaseTransition]:
    return audit.transitions.select_related("actor").order_by("-at", "-pk")


def current_methodology_id(code: str = "pga") -> QuerySet:
    """The current version's id as a one-row queryset, for use as a subquery."""
    return MethodologyVersion.objects.filter(code=code).order_by("-loaded_at", "-pk").values("pk")[:1]


def current_methodology(code: str = "pga") -> MethodologyVersion | None:
    """The most recently loaded version, which new audits follow."""
    return (
        MethodologyVersion.objects.filter(code=code)
        .order_by("-loaded_at", "-pk")
        .prefetch_related(Prefetch("key_areas", queryset=KeyArea.objects.order_by("order")), "modalities")
        .first()
    )


def audits_filtered(user, *, phase=None, modality=None, organization=None) -> QuerySet[Audit]:
    audits = audits_for(user)
    if "\x00" in f"{phase or ''}{modality or ''}":
        return audits.none()  # no code holds a NUL byte, and PostgreSQL refuses one in a query
    if phase:
        audits = audits.filter(phase=phase)
    if modality:
        audits = audits.filter(modality__code=modality)
    if organization:
        audits = audits.filter(organization_id=organization)
    return audits


def phase_choices(methodology: MethodologyVersion | None) -> list[tuple[str, str]]:
    """Every phase code of the methodology's modalities with its name, in workflow order."""
    choices: dict[str, str] = {}
    if methodology is not None:
        for phase in Phase.objects.filter(modality__methodology=methodology).order_by("order", "modality"):
            choices.setdefault(phase.code, phase.name)
    return [*choices.items(), (Audit.ON_HOLD, _("On hold")), (Audit.CANCELLED, _("Cancelled"))]
