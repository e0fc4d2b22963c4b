"""Certification demo data: a certified lead facilitator, a candidate in practice, certification staff.

Built through the services with past dates, so the records and the history read as if people had
done the work. `loaddemo` calls `load_demo(users)`; loading twice changes nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from facilitators import services
from facilitators.guards import required_documents
from facilitators.library import load_programme
from facilitators.models import Certification, CertificationState
from facilitators.selectors import CERTIFICATION_STAFF_GROUP

PROGRAMME_FOLDER = settings.METHODOLOGY_LIBRARY / "certification" / "2026.1"
ALL_MET = {
    "gender_analysis": 4,
    "discrimination": 3,
    "advocacy": 3,
    "team_facilitation": 4,
    "accountability": 3,
}
TRAINING = {
    "online_preliminary": {"hours_attended": 20},
    "training_course": {"hours_attended": 40},
    "assignments": {"score": 78},
    "final_exam": {"score": 84},
}
# The lead was certified on this day: valid until 2030-06-02, so on any day of 2026-2028.
LEAD_CERTIFIED_ON = datetime.date(2025, 6, 2)


def load_demo(users: dict) -> None:
    """users: {"lead": ..., "candidate": ..., "certification_staff": ...} (existing accounts)."""
    programme = load_programme(PROGRAMME_FOLDER).programme
    staff, lead, candidate = users["certification_staff"], users["lead"], users["candidate"]
    with transaction.atomic():
        staff.groups.add(Group.objects.get_or_create(name=CERTIFICATION_STAFF_GROUP)[0])
        services.profile_update(
            actor=staff,
            user=lead,
            languages="English, Ukrainian, Russian",
            regions="Europe and Central Asia",
            expertise="Public administration, Social protection, Labour inspection",
            contact=lead.email or "lead@example.org",
            publish_on_roster=True,
            publish_languages=True,
            publish_regions=True,
            publish_expertise=True,
            publish_contact=True,
        )
        services.profile_update(
            actor=staff,
            user=candidate,
            languages="Spanish, English",
            regions="Latin America and the Caribbean",
            expertise="Employment policy",
            publish_on_roster=True,
            publish_languages=True,
            publish_regions=True,
        )
        if not Certification.objects.filter(facilitator__user=lead).exists():
            _certified_lead(programme, staff=staff, lead=lead)
        if not Certification.objects.filter(facilitator__user=candidate).exists():
            _candidate_in_practice(programme, staff=staff, lead=lead, candidate=candidate)


def _through_training(programme, *, staff, user, applied_on: datetime.date) -> Certification:
    """Apply, complete the portfolio, get admitted and pass the training, on past dates."""
    day = applied_on
    certification = services.certification_apply(
        actor=staff, user=user, applicant_type="practitioner", programme=programme, today=day
    )
    for requirement in required_documents(certification):
        document = services.portfolio_document_submit(
            actor=user,
            certification_id=certification.pk,
            requirement_code=requirement.code,
            note=f"{requirement.name} — received by e-mail",
            today=day,
        )
        services.portfolio_document_review(
            actor=staff, document_id=document.pk, accept=True, today=day + _days(7)
        )
    _move(certification, staff, CertificationState.ADMITTED, day + _days(10))
    _move(certification, staff, CertificationState.IN_TRAINING, day + _days(20))
    for code, values in TRAINING.items():
        services.training_result_record(
            actor=staff,
            certification_id=certification.pk,
            component_code=code,
            completed_on=day + _days(60),
            today=day + _days(60),
            **values,
        )
    _move(certification, staff, CertificationState.TRAINED, day + _days(61))
    _move(certification, staff, CertificationState.IN_PRACTICE, day + _days(62))
    return certification


def _certified_lead(programme, *, staff, lead) -> None:
    start = LEAD_CERTIFIED_ON - _days(300)
    certification = _through_training(programme, staff=staff, user=lead, applied_on=start)
    for index, title in enumerate(("Ministry of Labour (2024)", "National Statistics Office (2025)")):
        record = services.practice_record_add(
            actor=staff,
            user=lead,
            audit_title=title,
            modality_code="selective",
            role="co_facilitator",
            started_on=start + _days(90 + 90 * index),
            ended_on=start + _days(150 + 90 * index),
            supervisor=staff,
        )
        services.evaluation_record(
            actor=staff,
            record_id=record.pk,
            scores=ALL_MET,
            comments="Led the workshop with confidence; sharp analysis of the staff data.",
            today=start + _days(160 + 90 * index),
        )
    _move(certification, staff, CertificationState.UNDER_REVIEW, LEAD_CERTIFIED_ON - _days(20))
    services.decision_record(
        actor=staff,
        certification_id=certification.pk,
        decision="certify",
        reasons="Every competence was rated satisfactory or better on both supervised audits.",
        committee_members="Certification committee (demo)",
        decided_on=LEAD_CERTIFIED_ON,
        today=LEAD_CERTIFIED_ON,
    )


def _candidate_in_practice(programme, *, staff, lead, candidate) -> None:
    """In practice: one audit evaluated, the other waiting for the lead's evaluation."""
    today = timezone.localdate()
    _through_training(programme, staff=staff, user=candidate, applied_on=today - _days(200))
    evaluated = services.practice_record_add(
        actor=staff,
        user=candidate,
        audit_title="Regional employment office (demo)",
        modality_code="selective",
        role="co_facilitator",
        started_on=today - _days(120),
        ended_on=today - _days(70),
        supervisor=lead,
    )
    services.evaluation_record(
        actor=lead,
        record_id=evaluated.pk,
        scores=ALL_MET,
        comments="Careful interviews and a clear feedback session.",
        today=today - _days(60),
    )
    services.practice_record_add(
        actor=staff,
        user=candidate,
        audit_title="Social insurance fund (demo)",
        modality_code="selective",
        role="trainee_facilitator",
        started_on=today - _days(60),
        ended_on=today - _days(10),
        supervisor=lead,
    )


def _move(certification, staff, target, day) -> None:
    services.certification_transition(
        actor=staff, certification_id=certification.pk, target=target, today=day
    )


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)
