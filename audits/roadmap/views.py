"""Web pages for recommendations, the roadmap, feedback and follow-up: thin views over the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import workflow
from audits.roadmap import selectors, services
from audits.roadmap.charts import completion_chart
from audits.roadmap.forms import (
    ActionForm,
    AdoptForm,
    BaselineForm,
    CommentForm,
    ProgressForm,
    RecommendationForm,
    ResolveForm,
)
from audits.roadmap.models import ActionStatus
from audits.selectors import can_steer
from config.errors import DomainError
from config.pages import show_refusal

ACTION_FIELDS = (
    "title",
    "description",
    "owner",
    "start",
    "end",
    "priority",
    "indicator",
    "unit",
    "baseline",
    "target",
)


def _editable(request, pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    if not selectors.can_edit(request.user, audit):
        raise PermissionDenied(
            _("Only the facilitation team and the people steering the audit change the roadmap.")
        )
    return audit


def roadmap_url(audit, anchor: str = "") -> str:
    return reverse("roadmap:roadmap", args=[audit.pk]) + (f"#{anchor}" if anchor else "")


@login_required
def roadmap_page(request, pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    can_edit = selectors.can_edit(request.user, audit) and workflow.is_open(audit)
    plans = selectors.roadmap(audit)
    form = None
    if can_edit:
        form = RecommendationForm(
            key_areas=selectors.key_areas_of(audit), findings=[f for plan in plans for f in plan.findings]
        )
    return render(
        request,
        "roadmap/roadmap.html",
        {
            "audit": audit,
            "plans": plans,
            "can_edit": can_edit,
            "form": form,
            "counts": selectors.status_counts(audit),
            "statuses": ActionStatus.choices,
        },
    )


@login_required
@require_POST
def recommendation_create(request, pk):
    audit = _editable(request, pk)
    plans = selectors.roadmap(audit)
    form = RecommendationForm(
        request.POST,
        key_areas=selectors.key_areas_of(audit),
        findings=[f for plan in plans for f in plan.findings],
    )
    if form.is_valid():
        try:
            recommendation = services.recommendation_create(
                actor=request.user,
                audit=audit,
                key_area=form.cleaned_data["key_area"],
                text=form.cleaned_data["text"],
                findings=form.cleaned_data["findings"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The recommendation is saved."))
            return redirect(roadmap_url(audit, f"recommendation-{recommendation.pk}"))
    return render(
        request, "roadmap/form_page.html", {"audit": audit, "form": form, "title": _("New recommendation")}
    )


@login_required
def recommendation_edit(request, pk, recommendation_pk):
    audit = _editable(request, pk)
    recommendation = selectors.recommendation_get(audit, recommendation_pk)
    findings = selectors.findings_by_key_area(audit).get(recommendation.key_area_id, [])
    initial = {
        "key_area": recommendation.key_area.code,
        "text": recommendation.text,
        "findings": [str(f.pk) for f in recommendation.findings.all()],
    }
    form = RecommendationForm(
        request.POST or None, initial=initial, key_areas=[recommendation.key_area], findings=findings
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(
                actor=request.user,
                recommendation=recommendation,
                text=form.cleaned_data["text"],
                findings=form.cleaned_data["findings"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The recommendation is saved."))
            return redirect(roadmap_url(audit, f"recommendation-{recommendation.pk}"))
    return render(
        request,
        "roadmap/form_page.html",
        {"audit": audit, "form": form, "title": _("Edit the recommendation")},
    )


@login_required
@require_POST
def recommendation_delete(request, pk, recommendation_pk):
    audit = _editable(request, pk)
    recommendation = selectors.recommendation_get(audit, recommendation_pk)
    try:
        services.recommendation_delete(actor=request.user, recommendation=recommendation)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The recommendation is deleted."))
    return redirect(roadmap_url(audit))


@login_required
def action_create(request, pk):
    audit = _editable(request, pk)
    recommendations = list(selectors.recommendations_of(audit))
    if not recommendations:
        messages.info(request, _("Write a recommendation first: every action serves one."))
        return redirect(roadmap_url(audit))
    initial = {"recommendation": request.GET.get("recommendation"), "start": audit.planned_end}
    form = ActionForm(request.POST or None, initial=initial, recommendations=recommendations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_create(
                actor=request.user,
                audit=audit,
                recommendation=data["recommendation"],
                **{name: data[name] for name in ACTION_FIELDS},
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The action is added to the roadmap."))
            return redirect(roadmap_url(audit, f"action-{action.pk}"))
    return render(request, "roadmap/form_page.html", {"audit": audit, "form": form, "title": _("New action")})


@login_required
def action_edit(request, pk, action_pk):
    audit = _editable(request, pk)
    action = selectors.action_get(audit, action_pk)
    initial = {name: getattr(action, name) for name in (*ACTION_FIELDS, "status", "drop_reason")}
    initial["recommendation"] = action.recommendation_id
    form = ActionForm(
        request.POST or None, initial=initial, recommendations=selectors.recommendations_of(audit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The action is saved."))
            return redirect(roadmap_url(audit, f"action-{action.pk}"))
    return render(
        request,
        "roadmap/form_page.html",
        {
            "audit": audit,
            "form": form,
            "title": _("Edit the action"),
            "delete_url": reverse("roadmap:action-delete", args=[audit.pk, action.pk]),
        },
    )


@login_required
@require_POST
def action_delete(request, pk, action_pk):
    audit = _editable(request, pk)
    try:
        services.action_delete(actor=request.user, action=selectors.action_get(audit, action_pk))
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The action is deleted."))
    return redirect(roadmap_url(audit))


@login_required
def library(request, pk):
    audit = _editable(request, pk)
    recommendations = list(selectors.recommendations_of(audit))
    by_key_area: dict[int, list] = {}
    for recommendation in recommendations:
        by_key_area.setdefault(recommendation.key_area_id, []).append(recommendation)
    if request.method == "POST":
        template = get_object_or_404(selectors.action_templates(audit), pk=request.POST.get("template"))
        form = AdoptForm(request.POST, recommendations=by_key_area.get(template.key_area_id, []))
        if form.is_valid():
            try:
                action = services.action_from_template(
                    actor=request.user,
                    audit=audit,
                    recommendation=form.cleaned_data["recommendation"],
                    template=template,
                    start=form.cleaned_data["start"],
                )
            except DomainError as error:
                show_refusal(request, error)
            else:
                messages.success(request, _("The action is added; adapt its owner, dates and indicator."))
                return redirect(reverse("roadmap:action-edit", args=[audit.pk, action.pk]))
        else:
            messages.error(request, _("Choose the recommendation the action serves."))
    templates: dict[int, list] = {}
    for template in selectors.action_templates(audit):
        templates.setdefault(template.key_area_id, []).append(template)
    groups = [
        {
            "key_area": key_area,
            "templates": templates.get(key_area.pk, []),
            "recommendations": by_key_area.get(key_area.pk, []),
        }
        for key_area in selectors.key_areas_of(audit)
    ]
    return render(request, "roadmap/library.html", {"audit": audit, "groups": groups})


# Feedback


@login_required
def feedback(request, pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    can_edit = selectors.can_edit(request.user, audit)
    comments = list(selectors.comments_of(audit))
    by_finding, by_recommendation = {}, {}
    for comment in comments:
        target = by_finding if comment.finding_id else by_recommendation
        target.setdefault(comment.finding_id or comment.recommendation_id, []).append(comment)
    plans = selectors.roadmap(audit)
    for plan in plans:
        for finding in plan.findings:
            finding.comments = by_finding.get(finding.pk, [])
        for recommendation in plan.recommendations:
            recommendation.comments = by_recommendation.get(recommendation.pk, [])
    return render(
        request,
        "roadmap/feedback.html",
        {
            "audit": audit,
            "plans": plans,
            "can_edit": can_edit,
            "can_comment": selectors.can_comment(request.user, audit),
            "can_share": can_edit and audit.phase in selectors.COMMENT_PHASES and not selectors.shared(audit),
            "shared": selectors.shared(audit),
            "open_comments": sum(1 for comment in comments if not comment.resolved),
            "comment_form": CommentForm(),
            "resolve_form": ResolveForm(),
        },
    )


def feedback_url(audit, anchor: str = "") -> str:
    return reverse("roadmap:feedback", args=[audit.pk]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def feedback_share(request, pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    try:
        services.feedback_share(actor=request.user, audit=audit)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The drafts are shared with the organization's coordinator."))
    return redirect(feedback_url(audit))


@login_required
@require_POST
def comment_add(request, pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    form = CommentForm(request.POST)
    finding = recommendation = None
    if request.POST.get("finding"):
        finding = get_object_or_404(audit.findings, pk=request.POST["finding"])
    if request.POST.get("recommendation"):
        recommendation = get_object_or_404(audit.recommendations, pk=request.POST["recommendation"])
    if not form.is_valid():
        messages.error(request, _("Write your comment before sending it."))
        return redirect(feedback_url(audit))
    try:
        comment = services.comment_add(
            actor=request.user,
            audit=audit,
            finding=finding,
            recommendation=recommendation,
            **form.cleaned_data,
        )
    except DomainError as error:
        show_refusal(request, error)
        return redirect(feedback_url(audit))
    messages.success(request, _("Your comment is recorded; the audit team will answer it."))
    return redirect(feedback_url(audit, f"comment-{comment.pk}"))


@login_required
@require_POST
def comment_resolve(request, pk, comment_pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    comment = selectors.comment_get(audit, comment_pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the comment was resolved."))
    else:
        try:
            services.comment_resolve(actor=request.user, comment=comment, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The comment is resolved."))
    return redirect(feedback_url(audit, f"comment-{comment.pk}"))


# Follow-up


@login_required
def follow_up(request, pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    history = selectors.completion_history(audit)
    actions = list(selectors.actions_of(audit))
    for action in actions:
        action.indicator_progress = selectors.indicator_progress(action)
    counts = selectors.status_counts(audit)
    active = sum(counts.values()) - counts[ActionStatus.DROPPED]
    return render(
        request,
        "roadmap/follow_up.html",
        {
            "audit": audit,
            "actions": actions,
            "counts": [(label, counts[code]) for code, label in ActionStatus.choices],
            "percent_done": round(100 * counts[ActionStatus.DONE] / active) if active else 0,
            "chart": completion_chart(
                [(p.day, p.percent) for p in history], title=_("Share of roadmap actions done")
            )
            if history
            else None,
            "updates": selectors.latest_updates(audit),
            "can_record": selectors.can_record_progress(request.user, audit),
            "in_follow_up": selectors.in_follow_up(audit),
            "form": ProgressForm(),
        },
    )


@login_required
@require_POST
def action_progress(request, pk, action_pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    action = selectors.action_get(audit, action_pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    else:
        try:
            services.action_progress(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Progress recorded for %(action)s.") % {"action": action.title})
    return redirect(reverse("roadmap:follow-up", args=[audit.pk]) + f"#action-{action.pk}")


@login_required
def baseline(request, pk):
    audit = selectors.roadmap_audit_get(request.user, pk)
    if not can_steer(request.user, audit):
        raise PermissionDenied(_("Only the people steering the audit choose its baseline."))
    candidates = list(selectors.baseline_candidates(request.user, audit))
    current = selectors.baseline_of(audit)
    form = BaselineForm(
        request.POST or None, initial={"baseline": current.pk if current else None}, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        chosen = next((a for a in candidates if a.pk == form.cleaned_data["baseline"]), None)
        try:
            services.baseline_set(actor=request.user, audit=audit, baseline=chosen)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(
                request, _("The baseline is saved.") if chosen else _("The baseline is removed.")
            )
            return redirect(roadmap_url(audit))
    return render(request, "roadmap/baseline.html", {"audit": audit, "form": form, "current": current})
