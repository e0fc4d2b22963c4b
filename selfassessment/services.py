"""Every write of the GEOSA path: the adviser's request and answer, the internal team, the ratings,
the adviser's comments and the team's answers, and adopting suggested actions into the roadmap.

Each service is one transaction, checks the actor's permission and raises a DomainError whose
message tells the person what to do.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import workflow
from audits.models import Audit, TeamMember, TeamRole
from audits.selectors import can_steer
from config.errors import DomainError, Forbidden
from config.i18n import translated
from facilitators.selectors import certification_problem, display_name
from selfassessment import selectors
from selfassessment.models import (
    AdviserComment,
    AdviserRequest,
    CommentKind,
    InternalTeamMember,
    Rating,
    RequestStatus,
)

User = get_user_model()


def _validated(instance, *, exclude: list[str] | None = None):
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as error:
        problems = [
            f"{instance._meta.get_field(name).verbose_name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        raise DomainError(_("Please correct the highlighted values."), details=problems) from None
    return instance


def _locked(audit: Audit) -> Audit:
    """The audit row locked for the transaction, with the caches of the request left behind."""
    return (
        Audit.objects.select_for_update(of=("self",)).select_related("modality__methodology").get(pk=audit.pk)
    )


def _require_focal_point(actor, audit: Audit) -> None:
    if not can_steer(actor, audit):
        raise Forbidden(_("Only the organization's focal point can do this."))


def _require_open(audit: Audit) -> None:
    if not workflow.is_open(audit):
        raise DomainError(
            _("The self-assessment is %(phase)s; nothing can change now.")
            % {"phase": workflow.phase_label(audit, audit.phase).lower()}
        )


def _require_phase(audit: Audit, phases: tuple[str, ...], what: str) -> None:
    if audit.phase not in phases:
        raise DomainError(
            _("%(what)s is possible during %(phases)s; the self-assessment is in %(phase)s.")
            % {
                "what": what,
                "phases": _(" or ").join(workflow.phase_label(audit, code) for code in phases),
                "phase": workflow.phase_label(audit, audit.phase),
            }
        )


def _find_user(identifier) -> User:
    if isinstance(identifier, User):
        return identifier
    text = str(identifier or "").strip()
    user = (
        User.objects.filter(Q(username__iexact=text) | Q(email__iexact=text), is_active=True).first()
        if text
        else None
    )
    if user is None:
        raise DomainError(_("Nobody with the username or e-mail “%(who)s” is registered.") % {"who": text})
    return user


# The technical adviser


def adviser_request(*, actor, audit: Audit, adviser, message: str = "") -> AdviserRequest:
    """Ask a facilitator certified today to be the technical adviser (one open request at a time)."""
    adviser = _find_user(adviser)
    with transaction.atomic():
        audit = _locked(audit)
        _require_focal_point(actor, audit)
        _require_open(audit)
        open_request = AdviserRequest.objects.filter(
            audit=audit, status__in=[RequestStatus.PENDING, RequestStatus.ACCEPTED]
        ).first()
        if open_request is not None:
            text = (
                _("%(name)s is already your adviser.")
                if open_request.status == RequestStatus.ACCEPTED
                else _("%(name)s has not answered your request yet; wait before asking someone else.")
            )
            raise DomainError(text % {"name": display_name(open_request.adviser)})
        if adviser == actor or InternalTeamMember.objects.filter(audit=audit, user=adviser).exists():
            raise DomainError(
                _(
                    "%(name)s is part of the organization's own team; "
                    "the adviser must be an outside facilitator."
                )
                % {"name": display_name(adviser)}
            )
        roles = set(TeamMember.objects.filter(audit=audit, user=adviser).values_list("role", flat=True))
        if roles - {TeamRole.EXPERT}:
            raise DomainError(
                _("%(name)s already has another role on this self-assessment.")
                % {"name": display_name(adviser)}
            )
        problem = certification_problem(adviser, timezone.localdate())
        if problem:
            raise DomainError(
                _("Only a certified facilitator can be your technical adviser."), details=[problem]
            )
        request = AdviserRequest.objects.create(
            audit=audit, adviser=adviser, message=message.strip(), requested_by=actor
        )
    return request


def adviser_respond(*, actor, request: AdviserRequest, accept: bool, note: str = "") -> AdviserRequest:
    """The requested facilitator accepts (and joins the audit as its expert) or declines."""
    with transaction.atomic():
        request = (
            AdviserRequest.objects.select_for_update(of=("self",))
            .select_related("adviser")
            .get(pk=request.pk)
        )
        if request.adviser_id != actor.pk:
            raise Forbidden(_("Only the person asked can answer this request."))
        if request.status != RequestStatus.PENDING:
            raise DomainError(
                _("This request was already answered (%(status)s).")
                % {"status": request.get_status_display().lower()}
            )
        audit = _locked(request.audit)
        _require_open(audit)
        if accept:
            problem = certification_problem(actor, timezone.localdate())
            if problem:
                raise DomainError(_("Your certification is not in force today."), details=[problem])
            # The adviser joins as an expert: the audit's visibility rules then show them the audit
            # and its survey analysis, and the focal point still steers alone.
            TeamMember.objects.get_or_create(audit=audit, user=actor, defaults={"role": TeamRole.EXPERT})
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        request.answered_at = timezone.now()
        request.answer_note = note.strip()
        request.save(update_fields=["status", "answered_at", "answer_note"])
    return request


def adviser_statement_set(*, actor, audit: Audit, statement: str) -> AdviserRequest:
    """The adviser's overall statement on the self-assessment, printed in the GEOSA report."""
    accepted = selectors.accepted_request(audit)
    if accepted is None or accepted.adviser_id != actor.pk:
        raise Forbidden(_("Only the technical adviser writes the adviser's statement."))
    _require_open(audit)
    accepted.statement = statement.strip()
    accepted.save(update_fields=["statement"])
    return accepted


# The internal team


def team_member_add(
    *, actor, audit: Audit, name: str, position: str = "", trained_on: datetime.date | None = None, user=None
) -> InternalTeamMember:
    _require_focal_point(actor, audit)
    _require_open(audit)
    if (
        user is not None
        and selectors.accepted_request(audit)
        and selectors.accepted_request(audit).adviser_id == user.pk
    ):
        raise DomainError(_("The technical adviser cannot also be on the internal team."))
    member = InternalTeamMember(
        audit=audit, name=name.strip(), position=position.strip(), trained_on=trained_on, user=user
    )
    _validated(member)
    member.save()
    return member


def team_member_trained(
    *, actor, member: InternalTeamMember, trained_on: datetime.date | None
) -> InternalTeamMember:
    """Record (or, with None, clear) the day a member completed the training of trainers."""
    _require_focal_point(actor, member.audit)
    _require_open(member.audit)
    if trained_on is not None and trained_on > timezone.localdate():
        raise DomainError(_("The training cannot be completed in the future."))
    member.trained_on = trained_on
    member.save(update_fields=["trained_on"])
    return member


def team_member_remove(*, actor, member: InternalTeamMember) -> None:
    _require_focal_point(actor, member.audit)
    _require_open(member.audit)
    member.delete()


# Ratings


def rating_save(
    *, actor, audit: Audit, key_area: str, level: int, justification: str, evidence: str = ""
) -> Rating:
    """Place the organization on a chosen key area's rubric, saying why and on what evidence."""
    _require_focal_point(actor, audit)
    _require_phase(audit, selectors.RATING_PHASES, _("Rating"))
    code = str(key_area).strip().upper()
    chosen = audit.key_areas.filter(code=code).first()
    if chosen is None:
        raise DomainError(_("%(code)s is not one of the key areas you chose.") % {"code": code})
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        raise DomainError(_("Choose a level from 1 to 5."))
    if not justification.strip():
        raise DomainError(_("Say why you chose this level: a few sentences are enough."))
    with transaction.atomic():
        rating, _created = Rating.objects.select_for_update().get_or_create(
            audit=audit,
            key_area=chosen,
            defaults={
                "level": level,
                "justification": justification.strip(),
                "evidence": evidence.strip(),
                "rated_by": actor,
            },
        )
        rating.level, rating.justification, rating.evidence = level, justification.strip(), evidence.strip()
        rating.rated_by = actor
        _validated(rating)
        rating.save()
    return rating


# The adviser's comments and the team's answers


def comment_add(
    *, actor, rating: Rating, kind: str, text: str = "", suggested_level: int | None = None
) -> AdviserComment:
    """The adviser accepts a rating, asks a question about it or suggests another level."""
    audit = rating.audit
    if not selectors.is_adviser(actor, audit):
        raise Forbidden(_("Only the technical adviser comments on the ratings."))
    _require_phase(audit, selectors.REVIEW_PHASES, _("Commenting"))
    if kind not in CommentKind.values:
        raise DomainError(_("Choose whether you accept, question or suggest a change."))
    if kind != CommentKind.ACCEPT and not text.strip():
        raise DomainError(_("Write the question or the reason for the suggestion."))
    if kind == CommentKind.SUGGEST:
        if suggested_level in (None, ""):
            raise DomainError(_("Suggest a level from 1 to 5."))
        suggested_level = int(suggested_level)
        if suggested_level == rating.level:
            raise DomainError(_("Suggest a level other than the current one, or accept the rating."))
    else:
        suggested_level = None
    comment = AdviserComment(
        rating=rating, kind=kind, text=text.strip(), suggested_level=suggested_level, author=actor
    )
    _validated(comment)
    comment.save()
    return comment


def comment_answer(
    *, actor, comment: AdviserComment, answer: str, new_level: int | None = None
) -> AdviserComment:
    """The team answers a question or suggestion, and may change its rating at the same time."""
    rating = comment.rating
    audit = rating.audit
    _require_focal_point(actor, audit)
    _require_phase(audit, selectors.REVIEW_PHASES, _("Answering the adviser"))
    if comment.resolved:
        raise DomainError(_("This comment is already resolved."))
    if not answer.strip():
        raise DomainError(_("Write your answer to the adviser."))
    with transaction.atomic():
        if new_level not in (None, ""):
            new_level = int(new_level)
            if not 1 <= new_level <= 5:
                raise DomainError(_("Choose a level from 1 to 5."))
            rating.level = new_level
            rating.rated_by = actor
            rating.save(update_fields=["level", "rated_by", "updated_at"])
        comment.answer = answer.strip()
        comment.answered_by = actor
        comment.answered_at = timezone.now()
        try:
            comment.save(update_fields=["answer", "answered_by", "answered_at"])
        except IntegrityError:
            raise DomainError(_("Write your answer to the adviser.")) from None
    return comment


# Action planning


def suggestion_adopt(*, actor, audit: Audit, template_id: int, start: datetime.date | None = None):
    """Adopt a typical action for a low-rated key area into the roadmap.

    The roadmap hangs actions on recommendations; the key area's recommendation is the rubric's next
    level ("aim for: ..."), created once and reused by later adoptions.
    """
    from audits.roadmap import services as roadmap
    from audits.roadmap.models import ActionTemplate

    _require_focal_point(actor, audit)
    _require_phase(audit, (selectors.PLANNING_PHASE,), _("Planning actions"))
    template = (
        ActionTemplate.objects.select_related("key_area")
        .filter(pk=template_id, methodology_id=audit.modality.methodology_id)
        .first()
    )
    if template is None:
        raise DomainError(_("This typical action is not in your methodology library."))
    rating = Rating.objects.filter(audit=audit, key_area=template.key_area).first()
    with transaction.atomic():
        recommendation = (
            audit.recommendations.filter(key_area=template.key_area).order_by("order", "pk").first()
        )
        if recommendation is None:
            recommendation = roadmap.recommendation_create(
                actor=actor,
                audit=audit,
                key_area=template.key_area,
                text=_aim(template.key_area, rating, audit),
            )
        return roadmap.action_from_template(
            actor=actor,
            audit=audit,
            recommendation=recommendation,
            template=template,
            start=start or timezone.localdate(),
        )


def _aim(key_area, rating: Rating | None, audit: Audit) -> str:
    """The recommendation text: move one level up the rubric, in the audit's language."""
    target = min((rating.level if rating else 1) + 1, 5)
    level = key_area.maturity_levels.filter(level=target).first()
    if level is None:
        return _("Improve %(name)s.") % {"name": key_area.name}
    return _("Aim for level %(level)d (%(title)s): %(text)s") % {
        "level": target,
        "title": translated(level.title, audit.language),
        "text": translated(level.description, audit.language),
    }
