"""Who may see and change an audit's recommendations and roadmap, and the reads the pages need.

The facilitation team and the people steering the audit draft recommendations and actions. The
organization's coordinator sees them once the team has shared the drafts (or once the audit has
reached follow-up, when the roadmap is the organization's), comments during feedback and reporting,
and records progress during follow-up. Anyone else gets a 404.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from audits import workflow
from audits.evidence.models import Finding
from audits.models import FACILITATION_ROLES, Audit, KeyArea, TeamRole
from audits.roadmap.models import (
    Action,
    ActionStatus,
    ActionTemplate,
    ActionUpdate,
    AuditBaseline,
    FeedbackComment,
    FeedbackShare,
    Recommendation,
)
from audits.selectors import audit_get, audits_for, can_steer, user_roles

# Phase codes of the methodology library where the coordinator comments on the drafts, and where the
# organization follows its roadmap up. Phases are library data; these are their stable codes.
COMMENT_PHASES = ("feedback", "reporting")
FOLLOW_UP_PHASE = "follow_up"


# Access


def is_team(user, audit: Audit) -> bool:
    return bool(user.is_authenticated and user_roles(user, audit) & set(FACILITATION_ROLES))


def is_coordinator(user, audit: Audit) -> bool:
    return bool(user.is_authenticated and TeamRole.COORDINATOR in user_roles(user, audit))


def can_edit(user, audit: Audit) -> bool:
    """The facilitation team and the people steering the audit draft recommendations and actions."""
    return can_steer(user, audit) or is_team(user, audit)


def shared(audit: Audit) -> bool:
    cache = audit.__dict__.setdefault("_roadmap_cache", {})
    if "shared" not in cache:
        cache["shared"] = FeedbackShare.objects.filter(audit=audit).exists()
    return cache["shared"]


def reached(audit: Audit, code: str) -> bool:
    """Whether the audit is in the phase `code` or a later one (on hold: where it was held)."""
    ordered = workflow.phases(audit)
    target = next((phase.order for phase in ordered if phase.code == code), None)
    current_code = audit.held_phase if audit.phase == Audit.ON_HOLD else audit.phase
    current = next((phase.order for phase in ordered if phase.code == current_code), None)
    return target is not None and current is not None and current >= target


def in_follow_up(audit: Audit) -> bool:
    return audit.phase == FOLLOW_UP_PHASE


def can_view(user, audit: Audit) -> bool:
    if can_edit(user, audit):
        return True
    return is_coordinator(user, audit) and (shared(audit) or reached(audit, FOLLOW_UP_PHASE))


def can_comment(user, audit: Audit) -> bool:
    return is_coordinator(user, audit) and shared(audit) and audit.phase in COMMENT_PHASES


def can_record_progress(user, audit: Audit) -> bool:
    return in_follow_up(audit) and (is_coordinator(user, audit) or can_edit(user, audit))


def roadmap_audit_get(user, audit_id) -> Audit:
    """The audit if the user may see its recommendations and roadmap; 404 otherwise."""
    audit = audit_get(user, audit_id)
    if not can_view(user, audit):
        raise Http404("No such audit.")
    return audit


# Recommendations and actions


def key_areas_of(audit: Audit) -> list[KeyArea]:
    """The audit's selected key areas, or its methodology's while none is selected."""
    cache = audit.__dict__.setdefault("_roadmap_cache", {})
    if "key_areas" not in cache:
        selected = list(audit.key_areas.order_by("order"))
        cache["key_areas"] = selected or list(audit.methodology.key_areas.order_by("order"))
    return cache["key_areas"]


def recommendations_of(audit: Audit) -> QuerySet[Recommendation]:
    return (
        audit.recommendations.select_related("key_area")
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.order_by("kind", "pk")))
        .annotate(action_count=Count("actions"))
        .order_by("key_area__order", "order", "pk")
    )


def recommendation_get(audit: Audit, pk) -> Recommendation:
    return get_object_or_404(recommendations_of(audit), pk=pk)


def actions_of(audit: Audit) -> QuerySet[Action]:
    return audit.roadmap_actions.select_related("recommendation__key_area").order_by(
        "recommendation__key_area__order", "start", "order", "pk"
    )


def action_get(audit: Audit, pk) -> Action:
    return get_object_or_404(actions_of(audit), pk=pk)


def findings_by_key_area(audit: Audit) -> dict[int, list[Finding]]:
    """The audit's findings grouped by key area id, for choosing what a recommendation answers."""
    grouped: dict[int, list[Finding]] = defaultdict(list)
    for finding in audit.findings.select_related("key_area").order_by("key_area__order", "kind", "pk"):
        grouped[finding.key_area_id].append(finding)
    return grouped


def action_templates(audit: Audit, key_area: KeyArea | None = None) -> QuerySet[ActionTemplate]:
    """The action library of the methodology version the audit follows."""
    templates = ActionTemplate.objects.filter(methodology=audit.methodology).select_related("key_area")
    if key_area is not None:
        templates = templates.filter(key_area=key_area)
    return templates.order_by("key_area__order", "order")


@dataclass
class KeyAreaPlan:
    """One key area of the roadmap page: its findings, recommendations and their actions."""

    key_area: KeyArea
    findings: list[Finding] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    actions: dict[int, list[Action]] = field(default_factory=dict)

    @property
    def action_count(self) -> int:
        return sum(len(actions) for actions in self.actions.values())


def roadmap(audit: Audit, *, with_findings: bool = True) -> list[KeyAreaPlan]:
    """The roadmap by key area, in a constant number of queries whatever its size."""
    plans = {key_area.pk: KeyAreaPlan(key_area) for key_area in key_areas_of(audit)}
    if with_findings:
        for key_area_id, findings in findings_by_key_area(audit).items():
            if key_area_id in plans:
                plans[key_area_id].findings = findings
    for recommendation in recommendations_of(audit):
        plan = plans.setdefault(recommendation.key_area_id, KeyAreaPlan(recommendation.key_area))
        plan.recommendations.append(recommendation)
        plan.actions[recommendation.pk] = []
    for action in actions_of(audit):
        plans[action.recommendation.key_area_id].actions[action.recommendation_id].append(action)
    for plan in plans.values():
        for recommendation in plan.recommendations:
            recommendation.planned = plan.actions[recommendation.pk]
    return sorted(plans.values(), key=lambda plan: plan.key_area.order)


# Feedback


def comments_of(audit: Audit) -> QuerySet[FeedbackComment]:
    return audit.feedback_comments.select_related(
        "author", "resolved_by", "finding__key_area", "recommendation__key_area"
    ).order_by("created_at", "pk")


def comment_get(audit: Audit, pk) -> FeedbackComment:
    return get_object_or_404(comments_of(audit), pk=pk)


def open_comment_count(audit: Audit) -> int:
    return audit.feedback_comments.filter(resolved_at__isnull=True).count()


# Follow-up


@dataclass(frozen=True)
class Completion:
    """The roadmap's state on a day: how many actions are done out of those not dropped."""

    day: datetime.date
    done: int
    in_progress: int
    active: int

    @property
    def percent(self) -> float:
        return round(100 * self.done / self.active, 1) if self.active else 0.0


def status_counts(audit: Audit) -> dict[str, int]:
    rows = audit.roadmap_actions.values("status").annotate(n=Count("pk")).order_by()
    counts = {status: 0 for status in ActionStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def completion_history(audit: Audit, *, until: datetime.date | None = None) -> list[Completion]:
    """The roadmap's completion after each day on which progress was recorded (two queries).

    An action counts from the day it was created, with the status of its latest update on or
    before each day (planned before any update).
    """
    actions = list(audit.roadmap_actions.values_list("pk", "created_at"))
    updates = list(
        ActionUpdate.objects.filter(action__audit=audit)
        .order_by("recorded_at", "pk")
        .values_list("action_id", "status", "recorded_at")
    )
    if not actions:
        return []
    events: dict[datetime.date, list[tuple[int, str | None]]] = defaultdict(list)
    for pk, created in actions:
        events[created.date()].append((pk, None))
    for pk, status, recorded in updates:
        events[recorded.date()].append((pk, status))
    state: dict[int, str] = {}
    history = []
    for day in sorted(events):
        if until is not None and day > until:
            break
        for pk, status in events[day]:
            if status is not None:
                state[pk] = status
            else:
                state.setdefault(pk, ActionStatus.PLANNED)
        statuses = list(state.values())
        history.append(
            Completion(
                day=day,
                done=statuses.count(ActionStatus.DONE),
                in_progress=statuses.count(ActionStatus.IN_PROGRESS),
                active=len(statuses) - statuses.count(ActionStatus.DROPPED),
            )
        )
    return history


def updates_of(action: Action) -> QuerySet[ActionUpdate]:
    return action.updates.select_related("actor").order_by("-recorded_at", "-pk")


def latest_updates(audit: Audit, limit: int = 20) -> QuerySet[ActionUpdate]:
    return (
        ActionUpdate.objects.filter(action__audit=audit)
        .select_related("actor", "action")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def indicator_progress(action: Action) -> float | None:
    """How far the latest value has moved from the baseline toward the target, in percent."""
    if action.baseline is None or action.target is None or action.current is None:
        return None
    span = action.target - action.baseline
    if span == 0:
        return 100.0 if action.current == action.target else 0.0
    share = (action.current - action.baseline) / span * Decimal(100)
    return float(max(Decimal(0), min(Decimal(100), share)))


# Baseline


def baseline_of(audit: Audit) -> Audit | None:
    link = (
        AuditBaseline.objects.filter(audit=audit)
        .select_related("baseline__organization", "baseline__unit", "baseline__modality__methodology")
        .first()
    )
    return link.baseline if link else None


def baseline_candidates(user, audit: Audit) -> QuerySet[Audit]:
    """Earlier audits of the same organization the user can see (the unit may differ)."""
    return (
        audits_for(user)
        .filter(organization=audit.organization, created_at__lt=audit.created_at)
        .exclude(pk=audit.pk)
        .exclude(phase=Audit.CANCELLED)
        .order_by("-created_at")
    )


def workspace_summary(audit: Audit) -> dict:
    """Counts for the workspace card, in two queries."""
    counts = Audit.objects.filter(pk=audit.pk).aggregate(
        recommendations=Count("recommendations", distinct=True),
        actions=Count("roadmap_actions", distinct=True),
        done=Count("roadmap_actions", filter=Q(roadmap_actions__status=ActionStatus.DONE), distinct=True),
        open_comments=Count(
            "feedback_comments", filter=Q(feedback_comments__resolved_at__isnull=True), distinct=True
        ),
    )
    return {name: int(value or 0) for name, value in counts.items()}
