"""Every write on recommendations, the roadmap, feedback comments, follow-up and the baseline link.

Each service is one transaction, checks the actor's permission (audits.roadmap.selectors) and
raises a DomainError whose message tells the person what to do.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import workflow
from audits.evidence.models import Finding
from audits.models import Audit, KeyArea
from audits.roadmap import selectors
from audits.roadmap.models import (
    Action,
    ActionStatus,
    ActionTemplate,
    ActionUpdate,
    AuditBaseline,
    CommentKind,
    FeedbackComment,
    FeedbackShare,
    Priority,
    Recommendation,
)
from audits.selectors import can_steer
from config.errors import DomainError, Forbidden, validated
from config.i18n import translated

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
    "status",
    "drop_reason",
    "order",
)


def _current(audit: Audit) -> Audit:
    """The audit as it is now: rules that depend on its phase never read a stale instance."""
    return Audit.objects.select_related("modality__methodology", "organization").get(pk=audit.pk)


def _require_edit(actor, audit: Audit) -> None:
    audit = _current(audit)
    if not selectors.can_edit(actor, audit):
        raise Forbidden(
            _("Only the facilitation team and the people steering the audit can change the roadmap.")
        )
    if not workflow.is_open(audit):
        raise DomainError(
            _("The audit is %(phase)s; its roadmap can change only while the audit is open.")
            % {"phase": workflow.phase_label(audit, audit.phase).lower()}
        )
    audit.__dict__.pop("_roadmap_cache", None)


def _key_area(audit: Audit, key_area: KeyArea | str) -> KeyArea:
    code = key_area.code if isinstance(key_area, KeyArea) else str(key_area).strip().upper()
    chosen = next((ka for ka in selectors.key_areas_of(audit) if ka.code == code), None)
    if chosen is None:
        raise DomainError(_("%(code)s is not a key area of this audit.") % {"code": code})
    return chosen


def _findings(audit: Audit, key_area: KeyArea, findings: Iterable[Finding | int]) -> list[Finding]:
    ids = [finding.pk if isinstance(finding, Finding) else int(finding) for finding in findings]
    found = {f.pk: f for f in Finding.objects.filter(audit=audit, pk__in=ids).select_related("key_area")}
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise DomainError(
            _("These findings are not part of this audit: %(ids)s.") % {"ids": ", ".join(unknown)}
        )
    elsewhere = [f"{f.key_area.code} #{f.pk}" for f in found.values() if f.key_area_id != key_area.pk]
    if elsewhere:
        raise DomainError(
            _("A recommendation answers findings of its own key area (%(code)s); not: %(list)s.")
            % {"code": key_area.code, "list": ", ".join(elsewhere)}
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


# Recommendations


def recommendation_create(
    *, actor, audit: Audit, key_area: KeyArea | str, text: str, findings: Iterable[Finding | int] = ()
) -> Recommendation:
    """Recommend something for a key area, answering some of its findings."""
    _require_edit(actor, audit)
    chosen = _key_area(audit, key_area)
    answered = _findings(audit, chosen, findings)
    with transaction.atomic():
        order = audit.recommendations.filter(key_area=chosen).count() + 1
        recommendation = validated(
            Recommendation(audit=audit, key_area=chosen, text=text.strip(), order=order, created_by=actor),
            exclude=["findings"],
        )
        recommendation.save()
        recommendation.findings.set(answered)
    return recommendation


def recommendation_update(
    *, actor, recommendation: Recommendation, text: str | None = None, findings=None
) -> Recommendation:
    audit = recommendation.audit
    _require_edit(actor, audit)
    if text is not None:
        recommendation.text = text.strip()
    validated(recommendation, exclude=["findings"])
    answered = _findings(audit, recommendation.key_area, findings) if findings is not None else None
    with transaction.atomic():
        recommendation.save()
        if answered is not None:
            recommendation.findings.set(answered)
    return recommendation


def recommendation_delete(*, actor, recommendation: Recommendation) -> None:
    _require_edit(actor, recommendation.audit)
    try:
        with transaction.atomic():
            recommendation.delete()
    except ProtectedError:
        raise DomainError(
            _("Actions of the roadmap serve this recommendation; delete or move them first.")
        ) from None


# Actions


def _coerce(changes: dict) -> dict:
    for name in ("baseline", "target"):
        if name in changes and changes[name] not in (None, ""):
            changes[name] = Decimal(str(changes[name]))
        elif name in changes:
            changes[name] = None
    for name in ("title", "owner", "indicator", "unit", "description", "drop_reason"):
        if name in changes and isinstance(changes[name], str):
            changes[name] = changes[name].strip()
    return changes


def _recommendation(audit: Audit, recommendation: Recommendation | int) -> Recommendation:
    pk = recommendation.pk if isinstance(recommendation, Recommendation) else int(recommendation)
    found = audit.recommendations.select_related("key_area").filter(pk=pk).first()
    if found is None:
        raise DomainError(_("This recommendation is not part of this audit."))
    return found


def action_create(
    *,
    actor,
    audit: Audit,
    recommendation: Recommendation | int,
    title: str,
    owner: str,
    start: datetime.date,
    end: datetime.date,
    indicator: str,
    priority: str = Priority.MEDIUM,
    description: str = "",
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    template: ActionTemplate | None = None,
) -> Action:
    """Add an action to the roadmap, serving one of the audit's recommendations."""
    _require_edit(actor, audit)
    served = _recommendation(audit, recommendation)
    fields = _coerce(
        {
            "title": title,
            "owner": owner,
            "start": start,
            "end": end,
            "indicator": indicator,
            "priority": priority,
            "description": description,
            "unit": unit,
            "baseline": baseline,
            "target": target,
        }
    )
    with transaction.atomic():
        action = Action(
            audit=audit,
            recommendation=served,
            template=template,
            created_by=actor,
            order=audit.roadmap_actions.count() + 1,
            **fields,
        )
        validated(action)
        action.save()
        if action.baseline is not None:
            action.current = action.baseline
            action.save(update_fields=["current"])
    return action


def action_from_template(
    *,
    actor,
    audit: Audit,
    recommendation: Recommendation | int,
    template: ActionTemplate,
    start: datetime.date | None = None,
    **overrides,
) -> Action:
    """Adopt a typical action of the library, in the audit's language, then adapt it."""
    if template.methodology_id != audit.modality.methodology_id:
        raise DomainError(_("This action belongs to another version of the methodology."))
    served = _recommendation(audit, recommendation)
    if template.key_area_id != served.key_area_id:
        raise DomainError(
            _("This typical action is for %(template)s; the recommendation is about %(code)s.")
            % {"template": template.key_area.code, "code": served.key_area.code}
        )
    language = audit.language
    start = start or audit.planned_end or timezone.localdate()
    months = template.months or 6
    fields = {
        "title": translated(template.title, language),
        "description": translated(template.description, language),
        "indicator": translated(template.indicator, language),
        "owner": translated(template.owner, language) or _("To be named"),
        "unit": template.unit,
        "start": start,
        "end": _add_months(start, months),
        **overrides,
    }
    return action_create(actor=actor, audit=audit, recommendation=served, template=template, **fields)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def action_update(*, actor, action: Action, **changes) -> Action:
    """Change an action; a change of status is recorded in its follow-up history."""
    unknown = set(changes) - {*ACTION_FIELDS, "recommendation"}
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    audit = action.audit
    _require_edit(actor, audit)
    changes = _coerce(changes)
    if "recommendation" in changes:
        changes["recommendation"] = _recommendation(audit, changes["recommendation"])
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        before = action.status
        for name, value in changes.items():
            setattr(action, name, value)
        if action.status != ActionStatus.DROPPED:
            action.drop_reason = ""
        validated(action)
        action.save()
        if action.status != before:
            ActionUpdate.objects.create(
                action=action, status=action.status, value=action.current, actor=actor
            )
    return action


def action_delete(*, actor, action: Action) -> None:
    _require_edit(actor, action.audit)
    action.delete()


def action_progress(
    *,
    actor,
    action: Action,
    status: str,
    value: Decimal | str | None = None,
    note: str = "",
    drop_reason: str = "",
    recorded_at: datetime.datetime | None = None,
) -> ActionUpdate:
    """Record follow-up progress: the action's status and its indicator's latest value."""
    audit = _current(action.audit)
    if not selectors.can_record_progress(actor, audit):
        may_record = selectors.is_coordinator(actor, audit) or selectors.can_edit(actor, audit)
        if may_record and not selectors.in_follow_up(audit):
            raise DomainError(_("Progress is recorded during the follow-up phase."))
        raise Forbidden(_("Only the coordinator and the facilitation team record progress."))
    if status not in ActionStatus.values:
        raise DomainError(_("Unknown status %(status)s.") % {"status": status})
    value = None if value in (None, "") else Decimal(str(value))
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        action.status = status
        action.drop_reason = drop_reason.strip() if status == ActionStatus.DROPPED else ""
        if value is not None:
            action.current = value
        validated(action)
        action.save(update_fields=["status", "drop_reason", "current", "updated_at"])
        return ActionUpdate.objects.create(
            action=action,
            status=status,
            value=value,
            note=note.strip(),
            actor=actor,
            recorded_at=recorded_at or timezone.now(),
        )


# Feedback


def feedback_share(*, actor, audit: Audit) -> FeedbackShare:
    """Open the draft findings and recommendations to the organization's coordinator for comments."""
    _require_edit(actor, audit)
    audit = _current(audit)
    if audit.phase not in selectors.COMMENT_PHASES:
        raise DomainError(_("Draft findings and recommendations are shared during the feedback phase."))
    share, _created = FeedbackShare.objects.get_or_create(audit=audit, defaults={"shared_by": actor})
    return share


def comment_add(
    *,
    actor,
    audit: Audit,
    text: str,
    finding: Finding | None = None,
    recommendation: Recommendation | None = None,
    kind: str = CommentKind.COMMENT,
) -> FeedbackComment:
    """The coordinator comments on, or corrects, one draft finding or recommendation."""
    audit = _current(audit)
    if not selectors.can_comment(actor, audit):
        raise Forbidden(
            _("The coordinator comments on the shared drafts during the feedback and reporting phases.")
        )
    if (finding is None) == (recommendation is None):
        raise DomainError(_("Comment on one finding or one recommendation."))
    item = finding or recommendation
    if item.audit_id != audit.pk:
        raise DomainError(_("This item is not part of this audit."))
    comment = FeedbackComment(
        audit=audit,
        finding=finding,
        recommendation=recommendation,
        kind=kind,
        text=text.strip(),
        author=actor,
    )
    validated(comment, exclude=["finding", "recommendation"])
    comment.save()
    return comment


def comment_resolve(*, actor, comment: FeedbackComment, resolution: str) -> FeedbackComment:
    """The team says what it did with a comment (corrected, explained, kept)."""
    audit = comment.audit
    _require_edit(actor, audit)
    resolution = resolution.strip()
    if not resolution:
        raise DomainError(_("Say how the comment was resolved."))
    with transaction.atomic():
        comment = FeedbackComment.objects.select_for_update().get(pk=comment.pk)
        if comment.resolved:
            raise DomainError(_("This comment was already resolved."))
        comment.resolution, comment.resolved_by, comment.resolved_at = resolution, actor, timezone.now()
        comment.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return comment


# Baseline


def baseline_set(*, actor, audit: Audit, baseline: Audit | None) -> AuditBaseline | None:
    """Name an earlier audit of the same organization as this one's baseline (None removes it)."""
    if not can_steer(actor, audit):
        raise Forbidden(_("Only the people steering the audit choose its baseline."))
    with transaction.atomic():
        if baseline is None:
            AuditBaseline.objects.filter(audit=audit).delete()
            return None
        if baseline.pk == audit.pk:
            raise DomainError(_("An audit cannot be its own baseline."))
        if baseline.organization_id != audit.organization_id:
            raise DomainError(_("The baseline must be an audit of the same organization."))
        if baseline.created_at >= audit.created_at:
            raise DomainError(_("The baseline must be an earlier audit."))
        if not selectors.baseline_candidates(actor, audit).filter(pk=baseline.pk).exists():
            raise DomainError(_("You cannot use this audit as a baseline."))
        link, _created = AuditBaseline.objects.update_or_create(
            audit=audit, defaults={"baseline": baseline, "set_by": actor}
        )
    return link
