"""Audits with a team, findings, recommendations and actions, for the roadmap and report tests.

Phases are set directly (a queryset update) where a test is about what happens in a phase, not
about reaching it; the workflow tests cover the transitions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Gender
from audits import services as audit_services
from audits.evidence import services as evidence
from audits.evidence.models import EvidenceKind
from audits.models import Audit, TeamRole
from audits.roadmap import services as roadmap
from tests.factories import OrganizationFactory, StaffFactory, UserFactory, add_member, make_audit


@dataclass
class Team:
    audit: Audit
    people: dict
    findings: dict = field(default_factory=dict)


def set_phase(audit: Audit, phase: str) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(phase=phase)
    return Audit.objects.get(pk=audit.pk)


def team_audit(*, phase: str = "feedback", codes=("KA04", "KA08"), organization=None, **fields) -> Team:
    """A selective audit with its full team and key areas, in `phase`."""
    audit = make_audit("selective", organization=organization or OrganizationFactory(), **fields)
    audit_services.audit_set_key_areas(actor=StaffFactory(), audit=audit, codes=list(codes))
    people = {
        "lead": add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user,
        "co_facilitator": add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN).user,
        "trainee": add_member(audit, TeamRole.TRAINEE).user,
        "coordinator": add_member(audit, TeamRole.COORDINATOR).user,
        "unrelated": UserFactory(),
    }
    return Team(audit=set_phase(audit, phase), people=people)


def finding(team: Team, code: str, kind: str = "gap", statement: str = "", women: int = 9, men: int = 8):
    """A finding citing a promoted workshop statement (the workshop counts its participants)."""
    audit, lead = team.audit, team.people["lead"]
    workshop = evidence.workshop_create(
        actor=lead,
        audit=audit,
        title=f"Workshop {code}",
        date=datetime.date(2027, 2, 1),
        delivery="on_site",
        women=women,
        men=men,
    )
    statement_row = evidence.statement_add(
        actor=lead,
        workshop=workshop,
        key_area=code,
        kind="does_not_work" if kind == "gap" else "works",
        text=f"Participants said something about {code}.",
        promoted=True,
    )
    made = evidence.finding_create(
        actor=lead,
        audit=audit,
        key_area=code,
        kind=kind,
        statement=statement or f"A {kind.replace('_', ' ')} in {code}.",
        evidence=[f"{EvidenceKind.WORKSHOP_STATEMENT}:{statement_row.pk}"],
    )
    team.findings.setdefault(code, []).append(made)
    return made


def recommendation(team: Team, code: str, text: str = "", findings=()):
    return roadmap.recommendation_create(
        actor=team.people["lead"],
        audit=team.audit,
        key_area=code,
        text=text or f"Recommendation for {code}.",
        findings=list(findings),
    )


def action(team: Team, recommendation_row, title: str = "An action", **fields):
    values = {
        "owner": "Head of Human Resources",
        "start": datetime.date(2027, 5, 1),
        "end": datetime.date(2027, 12, 31),
        "indicator": "Share of managers trained",
        "unit": "%",
        "baseline": 10,
        "target": 80,
        **fields,
    }
    return roadmap.action_create(
        actor=team.people["lead"], audit=team.audit, recommendation=recommendation_row, title=title, **values
    )


def staff_upload(rows: list[str], name: str = "staff.csv") -> SimpleUploadedFile:
    header = "employee_id,gender,category,annual_hours,base_pay,variable_pay"
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode(), content_type="text/csv")


def staff_rows(groups: list[tuple[str, int, int]], pay: float = 30000) -> list[str]:
    """(category, women, men) groups of workers; women are paid 6 % less."""
    rows, number = [], 0
    for category, women, men in groups:
        for gender, count, factor in (("female", women, 0.94), ("male", men, 1.0)):
            for index in range(count):
                number += 1
                rows.append(f"E{number},{gender},{category},1720,{pay * factor + index * 100:.2f},0")
    return rows


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
