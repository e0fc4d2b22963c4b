"""Every write a person (or the calendar) can cause on facilitators and their certification.

Each service is one transaction, checks the actor's permission and raises a DomainError whose
message tells the person what to do. Pages, the API and the audits app call these, so each rule
lives once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from config.errors import Conflict, DomainError, Forbidden, validated
from config.limits import size_text
from facilitators import workflow
from facilitators.guards import required_documents
from facilitators.models import (
    HOLDING_STATES,
    Certificate,
    CertificateKind,
    Certification,
    CertificationProgramme,
    CertificationState,
    CertificationTransition,
    CommitteeDecision,
    CommunityContribution,
    Decision,
    DocumentStatus,
    Evaluation,
    EvaluationScore,
    ExpiryReminder,
    FacilitatorProfile,
    PortfolioDocument,
    PracticeRecord,
    PracticeRole,
    PracticeSource,
    TrainingResult,
)
from facilitators.selectors import (
    certification_get,
    certifications_with_records,
    current_programme,
    display_name,
    is_certification_staff,
    open_certification_exists,
    practice_record_get,
    programme_for_evaluation,
    review_evidence,
)


def _require_staff(actor) -> None:
    if not is_certification_staff(actor):
        raise Forbidden(_("Only certification staff can do this."))


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _locked(certification_id: int) -> Certification:
    """The certification, row-locked, with every record its guards read."""
    return certifications_with_records().select_for_update(of=("self",)).get(pk=certification_id)


def _log(certification, *, action, from_state, actor, comment="") -> CertificationTransition:
    return CertificationTransition.objects.create(
        certification=certification,
        action=action,
        from_state=from_state,
        to_state=certification.state,
        actor=actor,
        comment=comment,
    )


# Profiles and applications ------------------------------------------------------------------------

PROFILE_FIELDS = (
    "languages",
    "regions",
    "expertise",
    "contact",
    "publish_on_roster",
    "publish_languages",
    "publish_regions",
    "publish_expertise",
    "publish_contact",
)


def profile_update(*, actor, user, **changes) -> FacilitatorProfile:
    """Change a facilitator's profile and publication consent: their own, or any for staff."""
    if actor.pk != user.pk and not is_certification_staff(actor):
        raise Forbidden(_("You can change only your own profile."))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        profile, _created = FacilitatorProfile.objects.select_for_update().get_or_create(user=user)
        for name, value in changes.items():
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
        validated(profile)
        profile.save()
    return profile


def certification_apply(
    *,
    actor,
    user,
    applicant_type: str,
    programme: CertificationProgramme | None = None,
    today: date | None = None,
) -> Certification:
    """Open an application on the current programme, for oneself or (staff) for someone else."""
    if actor.pk != user.pk and not is_certification_staff(actor):
        raise Forbidden(_("You can apply only for yourself."))
    programme = programme or current_programme()
    if programme is None:
        raise DomainError(_("No certification programme is loaded; run manage.py loadcertification."))
    known = {item["code"] for item in programme.applicant_types}
    if applicant_type not in known:
        raise DomainError(
            _("Unknown applicant type %(type)s; choose one of: %(known)s.")
            % {"type": applicant_type, "known": ", ".join(sorted(known))}
        )
    with transaction.atomic():
        profile, _created = FacilitatorProfile.objects.get_or_create(user=user)
        if open_certification_exists(user):
            raise Conflict(_("%(name)s already has a certification in progress.") % {"name": profile})
        certification = Certification.objects.create(
            facilitator=profile,
            programme=programme,
            applicant_type=applicant_type,
            applied_on=_today(today),
            created_by=actor,
        )
        _log(certification, action="apply", from_state="", actor=actor)
    return certification


# Records --------------------------------------------------------------------------------------------


def portfolio_document_submit(
    *,
    actor,
    certification_id: int,
    requirement_code: str,
    file=None,
    note: str = "",
    today: date | None = None,
) -> PortfolioDocument:
    """Add (or replace) one portfolio document; it then waits for staff review."""
    limit = settings.PORTFOLIO_MAX_UPLOAD_BYTES
    if file is not None and file.size > limit:
        raise DomainError(
            _("The file %(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": file.name, "size": size_text(file.size), "limit": size_text(limit)}
        )
    with transaction.atomic():
        certification_get(actor, certification_id)  # 404 for a certification one may not see
        certification = _locked(certification_id)
        if certification.state != CertificationState.APPLICANT:
            raise DomainError(_("The portfolio is closed once the application is admitted."))
        requirement = next(
            (item for item in required_documents(certification) if item.code == requirement_code),
            None,
        )
        if requirement is None:
            raise DomainError(
                _("%(code)s is not a portfolio document for this applicant.") % {"code": requirement_code}
            )
        document = PortfolioDocument.objects.filter(
            certification=certification, requirement=requirement
        ).first() or PortfolioDocument(certification=certification, requirement=requirement)
        if file is not None:
            document.file = file
        document.note = note.strip()
        document.status = DocumentStatus.SUBMITTED
        document.submitted_on = _today(today)
        document.submitted_by = actor
        document.reviewed_on, document.reviewed_by, document.review_comment = None, None, ""
        validated(document, exclude=["certification", "requirement"])
        document.save()
    return document


def portfolio_document_review(
    *, actor, document_id: int, accept: bool, comment: str = "", today: date | None = None
) -> PortfolioDocument:
    """Accept a document, or reject it with the reason the applicant needs to fix it."""
    _require_staff(actor)
    comment = comment.strip()
    with transaction.atomic():
        document = (
            PortfolioDocument.objects.select_for_update(of=("self",))
            .select_related("certification", "requirement")
            .get(pk=document_id)
        )
        if document.certification.state != CertificationState.APPLICANT:
            raise DomainError(_("The portfolio is closed once the application is admitted."))
        if not accept and not comment:
            raise DomainError(_("Say why the document is rejected, so the applicant can fix it."))
        document.status = DocumentStatus.ACCEPTED if accept else DocumentStatus.REJECTED
        document.review_comment = comment
        document.reviewed_on = _today(today)
        document.reviewed_by = actor
        document.save()
    return document


def training_result_record(
    *,
    actor,
    certification_id: int,
    component_code: str,
    hours_attended=None,
    score: int | None = None,
    completed_on: date | None = None,
    note: str = "",
    today: date | None = None,
) -> TrainingResult:
    """Record (or correct) attendance and result of one training component."""
    _require_staff(actor)
    with transaction.atomic():
        certification = _locked(certification_id)
        if certification.state not in (CertificationState.ADMITTED, CertificationState.IN_TRAINING):
            raise DomainError(_("Training results are recorded while the person is admitted or in training."))
        component = next(
            (
                item
                for item in certification.programme.training_components.all()
                if item.code == component_code
            ),
            None,
        )
        if component is None:
            raise DomainError(
                _("%(code)s is not part of this programme's training.") % {"code": component_code}
            )
        problems = []
        if component.hours and hours_attended is None:
            problems.append(_("Give the hours attended (%(hours)d required).") % {"hours": component.hours})
        if component.pass_mark is not None and score is None:
            problems.append(_("Give the score out of 100."))
        if problems:
            raise DomainError(_("%(component)s needs more.") % {"component": component}, details=problems)
        result = TrainingResult.objects.filter(
            certification=certification, component=component
        ).first() or TrainingResult(certification=certification, component=component)
        result.hours_attended = hours_attended
        result.score = score
        result.completed_on = completed_on or _today(today)
        result.note = note.strip()
        result.recorded_by = actor
        validated(result, exclude=["certification", "component"])
        result.save()
    return result


def _practice_role(role: str) -> str:
    if role not in PracticeRole.values:
        raise DomainError(
            _("Unknown practice role %(role)s; one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(PracticeRole.values)}
        )
    return role


def practice_record_from_audit(
    *,
    user,
    audit_reference: int,
    audit_title: str,
    modality_code: str,
    role: str,
    started_on: date | None,
    ended_on: date | None,
    supervisor=None,
) -> PracticeRecord:
    """Record a team member's practice when their audit moves to follow-up (called by audits).

    Idempotent per (user, audit): calling again updates the record, never duplicates it. The
    audits service has already checked who may close the audit, so no actor is asked for.
    """
    _practice_role(role)
    if supervisor is not None and supervisor.pk == user.pk:
        supervisor = None
    with transaction.atomic():
        record, _created = PracticeRecord.objects.select_for_update().update_or_create(
            user=user,
            audit_reference=audit_reference,
            defaults={
                "audit_title": audit_title[:200],
                "modality_code": modality_code,
                "role": role,
                "started_on": started_on,
                "ended_on": ended_on,
                "supervisor": supervisor,
                "source": PracticeSource.AUDIT,
            },
        )
    return record


def practice_record_add(
    *,
    actor,
    user,
    audit_title: str,
    modality_code: str,
    role: str,
    started_on: date | None = None,
    ended_on: date | None = None,
    supervisor=None,
) -> PracticeRecord:
    """Record practice on an audit run outside this system (certification staff only)."""
    _require_staff(actor)
    _practice_role(role)
    with transaction.atomic():
        record = PracticeRecord(
            user=user,
            audit_title=audit_title.strip(),
            modality_code=modality_code,
            role=role,
            started_on=started_on,
            ended_on=ended_on,
            supervisor=supervisor,
            source=PracticeSource.MANUAL,
            recorded_by=actor,
        )
        validated(record)
        record.save()
    return record


def evaluation_record(
    *,
    actor,
    record_id: int,
    scores: dict[str, int],
    comments: str,
    score_comments: dict[str, str] | None = None,
    today: date | None = None,
) -> Evaluation:
    """The supervisor scores each competence on the programme's rubric, once per practice audit."""
    score_comments = score_comments or {}
    with transaction.atomic():
        record = practice_record_get(actor, record_id)  # 404 for a record one may not see
        record = (
            PracticeRecord.objects.select_for_update(of=("self",))
            .select_related("supervisor")
            .get(pk=record.pk)
        )
        if record.supervisor_id != actor.pk:
            raise Forbidden(
                _("Only the supervisor of this practice, %(supervisor)s, can evaluate it.")
                % {"supervisor": record.supervisor or _("nobody yet")}
            )
        if Evaluation.objects.filter(practice_record=record).exists():
            raise Conflict(_("This practice has already been evaluated."))
        programme = programme_for_evaluation(record)
        if programme is None:
            raise DomainError(_("No certification programme is loaded; run manage.py loadcertification."))
        competences = list(programme.competences.all())
        problems = _score_problems(programme, competences, scores)
        if not comments.strip():
            problems.append(_("Write a comment on the practice as a whole."))
        if problems:
            raise DomainError(_("The evaluation is incomplete."), details=problems)
        satisfactory = all(
            int(scores[competence.code]) >= programme.rubric_satisfactory for competence in competences
        )
        evaluation = Evaluation.objects.create(
            practice_record=record,
            programme=programme,
            evaluator=actor,
            comments=comments.strip(),
            satisfactory=satisfactory,
            evaluated_on=_today(today),
        )
        EvaluationScore.objects.bulk_create(
            EvaluationScore(
                evaluation=evaluation,
                competence=competence,
                score=int(scores[competence.code]),
                comment=(score_comments.get(competence.code) or "").strip()[:500],
            )
            for competence in competences
        )
    return evaluation


def _score_problems(programme, competences, scores: dict) -> list[str]:
    problems = []
    codes = {competence.code for competence in competences}
    for code in sorted(set(scores) - codes):
        problems.append(_("%(code)s is not a competence of this programme.") % {"code": code})
    for competence in competences:
        value = scores.get(competence.code)
        try:
            valid = value is not None and programme.rubric_min <= int(value) <= programme.rubric_max
        except (TypeError, ValueError):
            valid = False
        if not valid:
            problems.append(
                _("%(competence)s: give a score from %(low)d to %(high)d.")
                % {
                    "competence": competence,
                    "low": programme.rubric_min,
                    "high": programme.rubric_max,
                }
            )
    return problems


def contribution_record(
    *,
    actor,
    user,
    kind: str,
    title: str,
    contributed_on: date,
    description: str = "",
) -> CommunityContribution:
    """Record a contribution to the community of practice, which counts toward renewal."""
    _require_staff(actor)
    with transaction.atomic():
        profile, _created = FacilitatorProfile.objects.get_or_create(user=user)
        certification = profile.certifications.select_related("programme").first()
        programme = certification.programme if certification else current_programme()
        kinds = {item["code"] for item in (programme.contribution_kinds if programme else [])}
        if kind not in kinds:
            raise DomainError(
                _("Unknown kind of contribution %(kind)s; one of: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(sorted(kinds))}
            )
        contribution = CommunityContribution(
            facilitator=profile,
            kind=kind,
            title=title.strip(),
            description=description.strip(),
            contributed_on=contributed_on,
            recorded_by=actor,
        )
        validated(contribution)
        contribution.save()
    return contribution


# Transitions, decisions, certificates -------------------------------------------------------------


def certification_transition(
    *,
    actor,
    certification_id: int,
    target: str,
    comment: str = "",
    reason: str = "",
    today: date | None = None,
) -> CertificationTransition:
    """Move a certification to `target`: permission, guards, transition and log in one transaction.

    Naming the target (not "next") makes a repeated or concurrent request harmless: once the first
    has moved the certification, the target is no longer reachable and the second gets a conflict.
    """
    comment, reason = comment.strip(), reason.strip()
    with transaction.atomic():
        certification_get(actor, certification_id)  # 404 for a certification one may not see
        _require_staff(actor)
        certification = workflow.as_of(_locked(certification_id), _today(today))
        options = workflow.transition_options(certification, permitted=True)
        option = next((option for option in options if option.target == target), None)
        if option is None:
            raise Conflict(
                _("The certification is %(state)s; it cannot become %(target)s from there.")
                % {
                    "state": certification.get_state_display().lower(),
                    "target": str(dict(CertificationState.choices).get(target, target)).lower(),
                }
            )
        if option.blocking:
            raise DomainError(
                _("%(action)s is not possible yet.") % {"action": option.label},
                details=[check.message for check in option.blocking],
            )
        if option.needs_reason and not reason:
            raise DomainError(_("Give the reason; the person and the committee will read it."))
        return _apply(
            certification,
            option.action,
            actor=actor,
            today=_today(today),
            comment=reason if option.needs_reason and not comment else comment,
            reason=reason,
        )


def _apply(
    certification: Certification,
    action: str,
    *,
    actor,
    today: date,
    comment: str = "",
    reason: str = "",
) -> CertificationTransition:
    """Run one transition on a locked certification, save it, issue a certificate, log it."""
    from_state = certification.state
    method = getattr(certification, action)
    if workflow.ACTIONS[action].needs_reason:
        method(today=today, reason=reason)
    else:
        method(today=today)
    try:
        certification.save()
    except ConcurrentTransition:
        raise Conflict(_("Someone else changed this certification first; reload it.")) from None
    if action in ("certify", "renew"):
        _certificate_issue(certification, action=action, today=today)
    return _log(certification, action=action, from_state=from_state, actor=actor, comment=comment)


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are typed by hand


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _index in range(16))
        if not Certificate.objects.filter(code=code).exists():
            return code


def _certificate_issue(certification: Certification, *, action: str, today: date) -> Certificate:
    return Certificate.objects.create(
        certification=certification,
        code=_new_code(),
        kind=CertificateKind.CERTIFICATION if action == "certify" else CertificateKind.RENEWAL,
        issued_on=today,
        expires_on=certification.expires_on,
    )


def decision_record(
    *,
    actor,
    certification_id: int,
    decision: str,
    reasons: str,
    committee_members: str = "",
    decided_on: date | None = None,
    today: date | None = None,
) -> CommitteeDecision:
    """Record the committee's decision with the evidence it saw, and act on it.

    Certify issues the certificate; more practice returns the person to practice; reject
    withdraws the application with the committee's reasons.
    """
    _require_staff(actor)
    reasons = reasons.strip()
    today = _today(today)
    decided_on = decided_on or today
    if decision not in Decision.values:
        raise DomainError(_("Unknown decision %(decision)s.") % {"decision": decision})
    if not reasons:
        raise DomainError(_("Give the committee's reasons; the candidate will read them."))
    if decided_on > today:
        raise DomainError(_("A decision cannot be dated in the future."))
    with transaction.atomic():
        certification = workflow.as_of(_locked(certification_id), decided_on)
        if certification.state != CertificationState.UNDER_REVIEW:
            raise Conflict(
                _("The certification is %(state)s; the committee decides only on a review.")
                % {"state": certification.get_state_display().lower()}
            )
        if certification.submitted_on and decided_on < certification.submitted_on:
            raise DomainError(
                _("The review began on %(date)s; the decision cannot be dated earlier.")
                % {"date": certification.submitted_on.isoformat()}
            )
        recorded = CommitteeDecision.objects.create(
            certification=certification,
            review_round=certification.review_round,
            decision=decision,
            reasons=reasons,
            committee_members=committee_members.strip(),
            decided_on=decided_on,
            evidence=review_evidence(certification),
            recorded_by=actor,
        )
        certification = workflow.as_of(_locked(certification_id), decided_on)
        if decision == Decision.CERTIFY:
            _apply(certification, "certify", actor=actor, today=decided_on, comment=reasons)
        elif decision == Decision.MORE_PRACTICE:
            _apply(certification, "return_to_practice", actor=actor, today=decided_on, comment=reasons)
        else:
            reason = _("The certification committee rejected the application: %(reasons)s") % {
                "reasons": reasons
            }
            _apply(certification, "withdraw", actor=actor, today=decided_on, reason=reason, comment=reason)
    return recorded


# The calendar: expiry and reminders ---------------------------------------------------------------


@dataclass
class SweepResult:
    expiring_soon: int = 0
    expired: int = 0
    reminders_sent: int = 0
    reminders_skipped: int = 0


def certification_sweep(*, today: date | None = None) -> SweepResult:
    """Move certifications whose dates have passed and send each expiry reminder once.

    Run daily (manage.py certification_sweep, or the task in facilitators.tasks). Each
    certification is handled in its own transaction, so one failure does not undo the others.
    """
    today = _today(today)
    result = SweepResult()
    candidate_ids = list(
        Certification.objects.filter(state__in=HOLDING_STATES, expires_on__isnull=False)
        .order_by("expires_on")
        .values_list("pk", flat=True)
    )
    for certification_id in candidate_ids:
        with transaction.atomic():
            certification = workflow.as_of(_locked(certification_id), today)
            if certification.state not in HOLDING_STATES:
                continue
            if workflow.expiry_date_passed(certification):
                _apply(certification, "expire", actor=None, today=today)
                result.expired += 1
                continue
            if certification.state != CertificationState.EXPIRING_SOON and (
                workflow.expiry_warning_due(certification)
            ):
                _apply(certification, "warn_expiry", actor=None, today=today)
                result.expiring_soon += 1
            sent = _remind(certification, today)
            if sent is True:
                result.reminders_sent += 1
            elif sent is False:
                result.reminders_skipped += 1
    return result


def _remind(certification: Certification, today: date) -> bool | None:
    """Send the reminder of the window just opened, once; None when no reminder is due."""
    days_left = (certification.expires_on - today).days
    windows = [days for days in certification.programme.reminder_days if days_left <= days]
    if not windows:
        return None
    window = min(windows)
    if ExpiryReminder.objects.filter(
        certification=certification, expires_on=certification.expires_on, days_before=window
    ).exists():
        return None
    user = certification.facilitator.user
    if not user.email:
        return False
    ExpiryReminder.objects.create(
        certification=certification,
        expires_on=certification.expires_on,
        days_before=window,
        recipient=user.email,
    )
    context = {
        "name": display_name(user),
        "certification": certification,
        "programme": certification.programme,
        "days_left": days_left,
        "renewal": workflow.checks_for(certification, "renew"),
    }
    send_mail(
        subject=render_to_string("facilitators/email/expiry_reminder_subject.txt", context).strip(),
        message=render_to_string("facilitators/email/expiry_reminder.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return True
