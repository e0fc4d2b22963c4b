"""Build certifications by walking them through the services, so every state is a real one."""

from __future__ import annotations

import datetime

from facilitators import services
from facilitators.models import Certification, CertificationState, PracticeRecord
from tests.factories import UserFactory

S = CertificationState
_references = iter(range(10_000, 1_000_000))


def apply(*, user=None, actor=None, applicant_type="practitioner", today=None) -> Certification:
    user = user or UserFactory()
    return services.certification_apply(
        actor=actor or user, user=user, applicant_type=applicant_type, today=today
    )


def submit_portfolio(certification, *, actor=None, skip=()) -> None:
    from facilitators.guards import required_documents

    certification = Certification.objects.get(pk=certification.pk)
    for requirement in required_documents(certification):
        if requirement.code in skip:
            continue
        services.portfolio_document_submit(
            actor=actor or certification.facilitator.user,
            certification_id=certification.pk,
            requirement_code=requirement.code,
            note=f"{requirement.name} (sent by e-mail)",
        )


def accept_portfolio(certification, staff) -> None:
    for document in certification.portfolio_documents.all():
        services.portfolio_document_review(actor=staff, document_id=document.pk, accept=True)


def move(certification, staff, target, **kwargs) -> Certification:
    services.certification_transition(actor=staff, certification_id=certification.pk, target=target, **kwargs)
    return Certification.objects.get(pk=certification.pk)


def record_training(certification, staff, **overrides) -> None:
    results = {
        "online_preliminary": {"hours_attended": 20},
        "training_course": {"hours_attended": 40},
        "assignments": {"score": 75},
        "final_exam": {"score": 82},
    }
    for code, values in results.items():
        services.training_result_record(
            actor=staff,
            certification_id=certification.pk,
            component_code=code,
            **{**values, **overrides.get(code, {})},
        )


def practice_audit(user, supervisor, *, role="co_facilitator", title=None, ended_on=None):
    reference = next(_references)
    return services.practice_record_from_audit(
        user=user,
        audit_reference=reference,
        audit_title=title or f"Ministry audit {reference}",
        modality_code="selective",
        role=role,
        started_on=datetime.date(2026, 1, 5),
        ended_on=ended_on or datetime.date(2026, 3, 1),
        supervisor=supervisor,
    )


def evaluate(record: PracticeRecord, *, score=3, comments="Clear and careful facilitation."):
    codes = ["gender_analysis", "discrimination", "advocacy", "team_facilitation", "accountability"]
    scores = score if isinstance(score, dict) else dict.fromkeys(codes, score)
    return services.evaluation_record(
        actor=record.supervisor, record_id=record.pk, scores=scores, comments=comments
    )


def walk_to(state: str, staff, *, user=None, supervisor=None, today=None) -> Certification:
    """A certification in `state`, reached through the real records and transitions.

    `today` dates every move (a past day gives a certification awarded that day).
    """
    dated = {"today": today} if today else {}
    certification = apply(user=user, today=today)
    if state == S.APPLICANT:
        return certification
    submit_portfolio(certification)
    accept_portfolio(certification, staff)
    certification = move(certification, staff, S.ADMITTED, **dated)
    if state == S.ADMITTED:
        return certification
    certification = move(certification, staff, S.IN_TRAINING, **dated)
    if state == S.IN_TRAINING:
        return certification
    record_training(certification, staff)
    certification = move(certification, staff, S.TRAINED, **dated)
    if state == S.TRAINED:
        return certification
    certification = move(certification, staff, S.IN_PRACTICE, **dated)
    if state == S.IN_PRACTICE:
        return certification
    supervisor = supervisor or UserFactory(first_name="Lena", last_name="Lead")
    for _index in range(2):
        evaluate(practice_audit(certification.facilitator.user, supervisor))
    certification = move(certification, staff, S.UNDER_REVIEW, **dated)
    if state == S.UNDER_REVIEW:
        return certification
    services.decision_record(
        actor=staff,
        certification_id=certification.pk,
        decision="certify",
        reasons="Competences shown on both audits.",
        decided_on=today,
        today=today,
    )
    return Certification.objects.get(pk=certification.pk)
