"""The GEOSA wizard: one page per self-assessment with the current step, what is done, what is next.

Thin views: each POST calls one service and comes back to the wizard, where the refusal (if any) is
shown as a message; the page's reads are in selfassessment.selectors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import services as audit_services
from audits import workflow
from audits.selectors import can_steer
from config.errors import DomainError
from config.pages import show_refusal
from selfassessment import selectors, services
from selfassessment.forms import (
    AdviserAnswerForm,
    AdviserRequestForm,
    AnswerForm,
    CommentForm,
    RatingForm,
    StatementForm,
    TeamMemberForm,
    TrainedForm,
)
from selfassessment.models import InternalTeamMember


def wizard_url(audit, anchor: str = "") -> str:
    return reverse("selfassessment:wizard", args=[audit.pk]) + (f"#{anchor}" if anchor else "")


def _form_errors(request, form) -> None:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


@login_required
def wizard(request, pk):
    audit = selectors.geosa_get(request.user, pk)
    user = request.user
    steering = can_steer(user, audit)
    options = workflow.transition_options(audit, permitted=steering)
    advance = next((option for option in options if option.action == "advance"), None)
    ratings = selectors.ratings_of(audit)
    by_code = {rating.key_area.code: rating for rating in ratings}
    key_areas = selectors.chosen_key_areas(audit)
    comparison = {item.code: item for item in selectors.survey_comparison(audit, ratings)}
    parameters = selectors.parameters(audit)
    phase = workflow.current_phase(audit)
    areas = [
        {
            "key_area": key_area,
            "rating": by_code.get(key_area.code),
            "levels": list(key_area.maturity_levels.all()),
            "comparison": comparison.get(key_area.code),
        }
        for key_area in key_areas
    ]
    planning = audit.phase == selectors.PLANNING_PHASE
    return render(
        request,
        "selfassessment/wizard.html",
        {
            "audit": audit,
            "steps": selectors.steps(audit),
            "phase": phase,
            "help": parameters.help_for(audit.phase) if parameters else "",
            "advance": advance,
            "next_step": advance.blocking[0].message if advance and advance.blocking else "",
            "can_steer": steering,
            "is_adviser": selectors.is_adviser(user, audit),
            "can_rate": selectors.can_rate(user, audit),
            "can_review": selectors.can_review(user, audit),
            "requests": selectors.requests_of(audit),
            "accepted": selectors.accepted_request(audit),
            "latest": selectors.latest_request(audit),
            "team": selectors.internal_team_of(audit),
            "min_trained_team": selectors.min_trained_team(audit),
            "areas": areas,
            "rated": bool(ratings),
            "k": audit.min_group_size,
            "suggestions": selectors.suggestions(audit, ratings)
            if planning or audit.phase == "follow_up"
            else [],
            "planning": planning,
            "request_form": AdviserRequestForm(),
            "team_form": TeamMemberForm(),
            "statement_form": StatementForm(
                initial={"statement": getattr(selectors.accepted_request(audit), "statement", "")}
            ),
            "comment_form": CommentForm(),
            "answer_form": AnswerForm(),
            "report_ready": bool(ratings),
        },
    )


@login_required
@require_POST
def advance(request, pk):
    audit = selectors.geosa_get(request.user, pk)
    upcoming = workflow.next_phase(audit)
    target = request.POST.get("target") or (upcoming.code if upcoming else "")
    try:
        audit_services.audit_transition(
            actor=request.user, audit_id=audit.pk, target=target, comment=request.POST.get("comment", "")
        )
        messages.success(request, _("Moved to %(phase)s.") % {"phase": workflow.phase_label(audit, target)})
    except DomainError as error:
        show_refusal(request, error)
    return redirect(wizard_url(audit))


@login_required
@require_POST
def adviser_request(request, pk):
    audit = selectors.geosa_get(request.user, pk)
    form = AdviserRequestForm(request.POST)
    if form.is_valid():
        try:
            sent = services.adviser_request(actor=request.user, audit=audit, **form.cleaned_data)
            messages.success(
                request,
                _("Your request was sent to %(name)s.")
                % {"name": sent.adviser.get_full_name() or sent.adviser},
            )
        except DomainError as error:
            show_refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect(wizard_url(audit, "adviser"))


@login_required
def adviser_requests(request):
    """The requests waiting for the signed-in facilitator's answer."""
    return render(
        request,
        "selfassessment/requests.html",
        {"requests": selectors.pending_requests_for(request.user), "form": AdviserAnswerForm()},
    )


@login_required
@require_POST
def adviser_respond(request, request_pk):
    pending = selectors.pending_request_get(request.user, request_pk)
    form = AdviserAnswerForm(request.POST)
    form.is_valid()
    accept = request.POST.get("answer") == "accept"
    try:
        services.adviser_respond(
            actor=request.user, request=pending, accept=accept, note=form.cleaned_data.get("note", "")
        )
    except DomainError as error:
        show_refusal(request, error)
        return redirect("selfassessment:requests")
    if accept:
        messages.success(request, _("You are now the technical adviser of this self-assessment."))
        return redirect(wizard_url(pending.audit))
    messages.info(request, _("You declined the request."))
    return redirect("selfassessment:requests")


@login_required
@require_POST
def statement(request, pk):
    audit = selectors.geosa_get(request.user, pk)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.adviser_statement_set(
                actor=request.user, audit=audit, statement=form.cleaned_data["statement"]
            )
            messages.success(request, _("Your statement is saved."))
        except DomainError as error:
            show_refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect(wizard_url(audit, "adviser"))


@login_required
@require_POST
def team_add(request, pk):
    audit = selectors.geosa_get(request.user, pk)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            services.team_member_add(actor=request.user, audit=audit, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect(wizard_url(audit, "team"))


@login_required
@require_POST
def team_trained(request, pk, member_pk):
    audit = selectors.geosa_get(request.user, pk)
    member = get_object_or_404(InternalTeamMember, audit=audit, pk=member_pk)
    form = TrainedForm(request.POST)
    if form.is_valid():
        try:
            services.team_member_trained(
                actor=request.user, member=member, trained_on=form.cleaned_data["trained_on"]
            )
        except DomainError as error:
            show_refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect(wizard_url(audit, "team"))


@login_required
@require_POST
def rating_save(request, pk, code):
    audit = selectors.geosa_get(request.user, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_save(actor=request.user, audit=audit, key_area=code, **form.cleaned_data)
            messages.success(request, _("Rating of %(code)s saved.") % {"code": code})
        except DomainError as error:
            show_refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect(wizard_url(audit, f"area-{code}"))


@login_required
@require_POST
def comment_add(request, pk, code):
    audit = selectors.geosa_get(request.user, pk)
    rating = selectors.rating_get(audit, code)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, rating=rating, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect(wizard_url(audit, f"area-{code}"))


@login_required
@require_POST
def comment_answer(request, pk, comment_pk):
    audit = selectors.geosa_get(request.user, pk)
    comment = selectors.comment_get(audit, comment_pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.comment_answer(actor=request.user, comment=comment, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect(wizard_url(audit, f"area-{comment.rating.key_area.code}"))


@login_required
@require_POST
def suggestion_adopt(request, pk):
    audit = selectors.geosa_get(request.user, pk)
    try:
        action = services.suggestion_adopt(
            actor=request.user, audit=audit, template_id=int(request.POST.get("template", 0))
        )
        messages.success(request, _("“%(title)s” is on your roadmap.") % {"title": action.title})
    except (DomainError, ValueError) as error:
        show_refusal(
            request, error if isinstance(error, DomainError) else DomainError(_("Choose an action."))
        )
    return redirect(wizard_url(audit, "plan"))
