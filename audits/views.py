"""Web pages for audits: thin views over audits.selectors and audits.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import selectors, services, workflow
from audits.forms import (
    AuditCreateForm,
    AuditDetailsForm,
    KeyAreasForm,
    OrganizationForm,
    TeamMemberAddForm,
    TeamRoleForm,
    TransitionForm,
)
from audits.models import Audit, TeamRole
from config.errors import DomainError
from config.pages import show_refusal


def _steerable(request, pk) -> Audit:
    audit = selectors.audit_get(request.user, pk)
    if not selectors.can_steer(request.user, audit):
        raise PermissionDenied(_("Only the people steering this audit can change it."))
    return audit


@login_required
def dashboard(request):
    phase = request.GET.get("phase", "")
    modality = request.GET.get("modality", "")
    audits = (
        selectors.audits_filtered(request.user, phase=phase or None, modality=modality or None)
        .prefetch_related(Prefetch("modality__phases"))
        .order_by("-updated_at")
    )
    rows = [(audit, workflow.phase_label(audit, audit.phase)) for audit in audits]
    methodology = selectors.current_methodology()
    return render(
        request,
        "audits/dashboard.html",
        {
            "rows": rows,
            "phase": phase,
            "modality": modality,
            "modalities": methodology.modalities.all() if methodology else [],
            "phases": selectors.phase_choices(methodology),
            "can_create": request.user.is_staff
            or request.user.has_perm("audits.add_audit")
            or selectors.coordinated_organization_ids(request.user).exists(),
            "can_register_organization": request.user.is_staff
            or request.user.has_perm("audits.add_organization"),
        },
    )


@login_required
def audit_detail(request, pk):
    audit = selectors.audit_get(request.user, pk)
    can_steer = selectors.can_steer(request.user, audit)
    ordered = workflow.phases(audit)
    current = workflow.current_phase(audit)
    held = next((phase for phase in ordered if phase.code == audit.held_phase), None)
    position = (current or held).order if (current or held) else 0
    timeline = [
        {
            "phase": phase,
            "state": "current" if phase.order == position else ("done" if phase.order < position else ""),
        }
        for phase in ordered
    ]
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "phase_label": workflow.phase_label(audit, audit.phase),
            "timeline": timeline,
            "options": workflow.transition_options(audit, permitted=can_steer),
            "can_steer": can_steer,
            "scope_editable": bool(current and current.scope_editable),
            "team": selectors.team_of(audit),
            "key_areas": audit.key_areas.order_by("order"),
            "history": [
                (
                    record,
                    workflow.phase_label(audit, record.from_phase),
                    workflow.phase_label(audit, record.to_phase),
                )
                for record in selectors.history_of(audit)
            ],
            "transition_form": TransitionForm(),
        },
    )


@login_required
@require_POST
def audit_transition(request, pk):
    audit = selectors.audit_get(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; please try again."))
        return redirect(audit_detail_url(audit))
    try:
        record = services.audit_transition(actor=request.user, audit_id=audit.pk, **form.cleaned_data)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The audit moved to %(phase)s.") % {"phase": workflow.phase_label(audit, record.to_phase)},
        )
    return redirect(audit_detail_url(audit))


def audit_detail_url(audit: Audit) -> str:
    return reverse("audits:detail", args=[audit.pk])


@login_required
def audit_create(request):
    methodology = selectors.current_methodology()
    if methodology is None:
        messages.error(request, _("No methodology is loaded yet; run manage.py loadmethodology."))
        return redirect("audits:dashboard")
    user = request.user
    organizations = selectors.organizations_open_to(user)
    if not organizations.exists():
        if not (user.is_staff or user.has_perm("audits.add_organization")):
            raise PermissionDenied(_("You cannot start an audit."))
        return render(request, "audits/audit_create.html", {"title": _("New audit"), "form": None})
    form = AuditCreateForm(
        request.POST or None,
        organizations=organizations,
        modalities=methodology.modalities.all(),
        initial={"organization": request.GET.get("organization")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.audit_create(
                actor=user,
                organization=data["organization"],
                modality=data["modality"],
                title=data["title"],
                unit=data["unit"],
                people_in_scope=data["people_in_scope"],
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                delivery=data["delivery"],
                language=data["language"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The audit is open in its first phase."))
            return redirect(audit_detail_url(audit))
    return render(
        request,
        "audits/audit_create.html",
        {
            "form": form,
            "title": _("New audit"),
            "can_register_organization": user.is_staff or user.has_perm("audits.add_organization"),
        },
    )


@login_required
def audit_edit(request, pk):
    audit = _steerable(request, pk)
    current = workflow.current_phase(audit)
    form = AuditDetailsForm(
        request.POST or None, audit=audit, scope_editable=bool(current and current.scope_editable)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_update(actor=request.user, audit=audit, **form.changes())
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The audit's details are saved."))
            return redirect(audit_detail_url(audit))
    return render(
        request, "audits/form_page.html", {"form": form, "title": _("Edit details"), "audit": audit}
    )


@login_required
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.organization_create(
                actor=request.user,
                name=data["name"],
                country=data["country"],
                region=data["region"],
                sector=data["sector"],
                units=data["units"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": organization.name})
            return redirect(f"{reverse('audits:create')}?organization={organization.pk}")
    return render(request, "audits/form_page.html", {"form": form, "title": _("Register an organization")})


@login_required
def team(request, pk):
    audit = _steerable(request, pk)
    form = TeamMemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_add(
                actor=request.user,
                audit=audit,
                user=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(
                request, _("%(person)s joined the team.") % {"person": form.cleaned_data["person"]}
            )
            return redirect("audits:team", pk=audit.pk)
    return render(
        request,
        "audits/team.html",
        {"audit": audit, "form": form, "team": selectors.team_of(audit), "roles": TeamRole.choices},
    )


@login_required
@require_POST
def team_member_role(request, pk, member_pk):
    audit = _steerable(request, pk)
    member = get_object_or_404(audit.team, pk=member_pk)
    form = TeamRoleForm(request.POST)
    if form.is_valid():
        try:
            services.team_member_change_role(
                actor=request.user, member=member, role=form.cleaned_data["role"]
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The role is changed."))
    return redirect("audits:team", pk=audit.pk)


@login_required
@require_POST
def team_member_remove(request, pk, member_pk):
    audit = _steerable(request, pk)
    member = get_object_or_404(audit.team.select_related("user"), pk=member_pk)
    try:
        services.team_member_remove(actor=request.user, member=member)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("%(person)s left the team.") % {"person": member.user})
    return redirect("audits:team", pk=audit.pk)


@login_required
def key_areas(request, pk):
    audit = _steerable(request, pk)
    available = list(audit.methodology.key_areas.order_by("order"))
    form = KeyAreasForm(
        request.POST or None,
        key_areas=available,
        initial={"key_areas": list(audit.key_areas.values_list("code", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_set_key_areas(
                actor=request.user, audit=audit, codes=form.cleaned_data["key_areas"]
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The key areas are saved."))
            return redirect(audit_detail_url(audit))
    return render(
        request,
        "audits/key_areas.html",
        {"audit": audit, "form": form, "available": available, "modality": audit.modality},
    )
