"""Puts the demo GEOSA (audits.demo) into a realistic state: an adviser, a trained team, ratings.

Built through the services, so the history reads as if people had done the work; loading twice
changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from audits import services as audit_services
from audits.models import Audit
from selfassessment import services
from selfassessment.models import AdviserRequest, RequestStatus

TITLE = "GEOSA of the Lviv regional office"
TEAM = [
    ("Oksana Melnyk", "Head of Human Resources"),
    ("Taras Bondarenko", "Programme officer"),
    ("Iryna Tkachenko", "Communications officer"),
]
RATINGS = {
    "KA04": (
        2,
        "A focal point was named in 2024 but has no time set aside; two people took the online course.",
        "Order naming the gender focal point (2024)\nTraining attendance list",
    ),
    "KA08": (
        4,
        "Recruitment panels include women and men and the 2025 pay review looked at gaps by sex.",
        "Recruitment procedure (2023)\nPay review 2025",
    ),
    "KA09": (
        3,
        "Management speaks about equality; in the team workshop several colleagues said meetings run late.",
        "Notes of the team workshop\nStaff survey, key area KA09",
    ),
}


@transaction.atomic
def load_demo(users: dict) -> None:
    """users: the demo users by key (audits.demo.load_demo's result); needs "focalpoint" and "lead"."""
    audit = Audit.objects.filter(title=TITLE).first()
    if audit is None:
        return
    focal_point, adviser = users["focalpoint"], users["lead"]
    if not AdviserRequest.objects.filter(audit=audit, status=RequestStatus.ACCEPTED).exists():
        request = services.adviser_request(
            actor=focal_point,
            audit=audit,
            adviser=adviser,
            message="Could you advise our first self-assessment?",
        )
        services.adviser_respond(actor=adviser, request=request, accept=True, note="Happy to.")
    for name, position in TEAM:
        if not audit.internal_team.filter(name=name).exists():
            services.team_member_add(
                actor=focal_point,
                audit=audit,
                name=name,
                position=position,
                trained_on=datetime.date(2026, 10, 15),
            )
    for target in ("team_training", "self_assessment"):
        audit = Audit.objects.get(pk=audit.pk)
        if audit.phase == "setup" or (audit.phase == "team_training" and target == "self_assessment"):
            audit_services.audit_transition(
                actor=focal_point,
                audit_id=audit.pk,
                target=target,
                comment="Internal team trained in October.",
            )
    audit = Audit.objects.get(pk=audit.pk)
    if audit.phase == "self_assessment":
        for code, (level, justification, evidence) in RATINGS.items():
            if not audit.geosa_ratings.filter(key_area__code=code).exists():
                services.rating_save(
                    actor=focal_point,
                    audit=audit,
                    key_area=code,
                    level=level,
                    justification=justification,
                    evidence=evidence,
                )
