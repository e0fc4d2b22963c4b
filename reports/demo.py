"""A complete demo audit: a selective PGA taken from request to follow-up, with its issued report.

Built through the services in the order people would work: scope, desk review, fieldwork (interviews,
a workshop, the staff survey, the staff file), findings, recommendations, the coordinator's comments,
the roadmap, the issued report, then a few months of follow-up. Dates of the history are set in the
past afterwards, so the report reads like a real one. `loaddemo` calls `load_demo(users)` after the
audits and facilitators demos (the preparation guard wants a certified lead); loading twice changes
nothing. A programme manager (`programme`) reads the portfolio dashboards across every audit.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Gender, User
from audits import services as audit_services
from audits import workflow
from audits.demo import DEMO_PASSWORD, ORGANIZATION
from audits.evidence import services as evidence
from audits.evidence.models import EvidenceKind
from audits.models import Audit, Organization, PhaseTransition, TeamMember, TeamRole
from audits.roadmap import services as roadmap
from audits.roadmap.models import Action, ActionStatus, ActionTemplate, Priority
from audits.surveys import links, scores
from audits.surveys import services as surveys
from audits.surveys.instruments import ordered_questions
from audits.surveys.models import QuestionType
from audits.surveys.selectors import instrument_with_content, library_instruments
from reports import services as reports
from reports.models import ReportRender
from reports.programme import programme_managers

TITLE = "Selective PGA of Human Resources (completed)"
UNIT = "Human Resources"
KEY_AREAS = ["KA04", "KA08", "KA09"]
START, END = datetime.date(2026, 3, 2), datetime.date(2026, 4, 30)
SEED = 2026
PROGRAMME_MANAGER = "programme"
ROLES = {PROGRAMME_MANAGER: "Programme manager: the portfolio dashboards across every audit"}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_demo(users: dict) -> None:
    """users: the audits demo's accounts ("lead", "cofacilitator", "expert", "coordinator", "admin")."""
    programme_manager()
    organization = Organization.objects.filter(name=ORGANIZATION).first()
    if organization is None:
        return
    with transaction.atomic():
        if not Audit.objects.filter(organization=organization, title=TITLE).exists():
            _completed_audit(organization, users)
        # Closing the survey queued its scoring for the worker; store it now so the portfolio shows it
        # without one (and for a demo loaded before surveys kept scores).
        unscored = scores.final_surveys().filter(~scores.scored(), audit__organization=organization)
        scores.survey_scores_store(survey_ids=unscored.values_list("pk", flat=True))


def programme_manager() -> User:
    """The ministry's programme manager: no role on any audit, the portfolio through the group."""
    user, created = User.objects.get_or_create(
        username=PROGRAMME_MANAGER,
        defaults={
            "first_name": "Priya",
            "last_name": "Sharma",
            "gender": Gender.WOMAN,
            "email": f"{PROGRAMME_MANAGER}@demo.pga.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    group = programme_managers()
    user.groups.add(group)
    return user


def _advance(audit: Audit, actor, comment: str = "") -> Audit:
    audit.refresh_from_db()
    target = workflow.next_phase(audit).code
    audit_services.audit_transition(
        actor=actor, audit_id=audit.pk, target=target, comment=comment, override_reason="Demo data."
    )
    return Audit.objects.get(pk=audit.pk)


def _completed_audit(organization: Organization, users: dict) -> Audit:
    lead, coordinator = users["lead"], users["coordinator"]
    unit, _created = organization.units.get_or_create(name=UNIT)
    audit = audit_services.audit_create(
        actor=lead,
        organization=organization,
        modality="selective",
        title=TITLE,
        unit=unit,
        people_in_scope=48,
        planned_start=START,
        planned_end=END,
        delivery="hybrid",
        language="en",
    )
    for key, role in (
        ("cofacilitator", TeamRole.CO_FACILITATOR),
        ("expert", TeamRole.EXPERT),
        ("coordinator", TeamRole.COORDINATOR),
    ):
        TeamMember.objects.get_or_create(audit=audit, user=users[key], defaults={"role": role})
    audit = _advance(audit, lead, "Management signed the commitment letter.")
    audit_services.audit_set_key_areas(actor=lead, audit=audit, codes=KEY_AREAS)
    audit = _advance(audit, lead, "Team, scope and schedule agreed with the coordinator.")
    documents = _desk_review(audit, lead)
    audit = _advance(audit, lead, "Desk review done; fieldwork on site and by video.")
    interviews = _interviews(audit, users)
    workshop = _workshop(audit, lead)
    _survey(audit, lead)
    evidence.staff_file_upload(actor=lead, audit=audit, upload=_staff_file())
    audit = _advance(audit, lead, "Fieldwork complete: interviews, workshop, survey and staff file.")
    findings = _findings(audit, lead, documents, interviews, workshop)
    recommendations = _recommendations(audit, lead, findings)
    roadmap.feedback_share(actor=lead, audit=audit)
    _feedback(audit, lead, coordinator, findings, recommendations)
    audit = _advance(audit, lead, "Findings validated with management on the last day on site.")
    _roadmap(audit, lead, recommendations)
    reports.report_text_update(actor=lead, audit=audit, executive_summary=SUMMARY)
    render = reports.report_issue(actor=lead, audit=audit)
    reports.render_run(render_id=render.pk, attempt=render.attempts)
    audit = _advance(audit, lead, "Final report issued to the Director-General.")
    _follow_up(audit, coordinator)
    _backdate(audit)
    return audit


def _desk_review(audit: Audit, lead) -> dict:
    specs = [
        (
            "Human resources policy 2024",
            "policy",
            ["KA04", "KA08"],
            [("KA08", 0, "partly", "Equal pay is stated; no review of pay by sex is planned.")],
        ),
        (
            "Staff training plan 2025-2026",
            "strategy",
            ["KA04"],
            [("KA04", 0, "no", "No gender module in the plan."), ("KA04", 1, "partly", "")],
        ),
        (
            "Code of conduct",
            "hr_rule",
            ["KA09"],
            [("KA09", 0, "yes", "Explicit ban on harassment, with examples.")],
        ),
        (
            "Annual report 2025",
            "report",
            ["KA08", "KA09"],
            [("KA08", 1, "no", "Staff figures are not broken down by sex.")],
        ),
    ]
    documents = {}
    for title, doc_type, areas, assessments in specs:
        document = evidence.document_add(
            actor=lead,
            audit=audit,
            title=title,
            doc_type=doc_type,
            key_areas=areas,
            date=START - datetime.timedelta(days=60),
            link=f"https://intranet.example.org/{doc_type}/{len(documents) + 1}",
        )
        key_areas = {ka.code: ka for ka in document.key_areas.all()}
        saved = evidence.document_assess(
            actor=lead,
            document=document,
            assessments=[
                (key_areas[code], criterion, rating, notes) for code, criterion, rating, notes in assessments
            ],
        )
        documents[title] = saved
    return documents


INTERVIEWS = [
    (
        "individual",
        1,
        "woman",
        "P3",
        "professional",
        [
            (
                "quotation",
                "I learnt about gender budgeting on my own; nobody here offered training.",
                "gap",
                ["KA04"],
            ),
            (
                "summary",
                "Women in professional grades wait longer for promotion than men hired at the same time.",
                "gap",
                ["KA08"],
            ),
        ],
    ),
    (
        "individual",
        1,
        "man",
        "D1",
        "management",
        [
            (
                "summary",
                "Management sees flexible hours as a success and wants to extend them to field staff.",
                "strength",
                ["KA08"],
            ),
            (
                "quotation",
                "Meetings after six o'clock are still the norm in our department.",
                "gap",
                ["KA09"],
            ),
        ],
    ),
    (
        "group",
        4,
        "mixed",
        "",
        "support",
        [
            (
                "summary",
                "Support staff know the harassment procedure and trust the confidential counsellor.",
                "strength",
                ["KA09"],
            ),
            (
                "summary",
                "Staff ask for short practical sessions on gender in their daily work.",
                "idea",
                ["KA04"],
            ),
        ],
    ),
    (
        "individual",
        1,
        "woman",
        "P4",
        "professional",
        [
            (
                "quotation",
                "When I came back from maternity leave my projects had been given away.",
                "gap",
                ["KA08", "KA09"],
            ),
        ],
    ),
    (
        "group",
        5,
        "mixed",
        "",
        "professional",
        [
            (
                "summary",
                "Two colleagues trained as gender focal points share materials on the intranet.",
                "strength",
                ["KA04"],
            ),
        ],
    ),
]


def _interviews(audit: Audit, users: dict) -> list:
    excerpts = []
    team = [users["lead"], users["cofacilitator"]]
    for index, (kind, participants, gender, grade, role, coded) in enumerate(INTERVIEWS):
        interview = evidence.interview_create(
            actor=users["lead"],
            audit=audit,
            kind=kind,
            participants=participants,
            scheduled_at=_at(START + datetime.timedelta(days=21 + index), 9 + index),
            time_zone="Europe/Kyiv",
            mode="in_person",
            location="Ministry, meeting room 2",
            grade=grade,
            gender=gender,
            role=role,
            consent=True,
            notes="Notes kept by the audit team.",
            interviewers=[team[index % 2]],
        )
        for excerpt_kind, text, code, areas in coded:
            excerpts.append(
                evidence.excerpt_add(
                    actor=users["lead"],
                    interview=interview,
                    kind=excerpt_kind,
                    text=text,
                    code=code,
                    key_areas=areas,
                )
            )
    return excerpts


def _workshop(audit: Audit, lead) -> list:
    workshop = evidence.workshop_create(
        actor=lead,
        audit=audit,
        title="Participatory workshop: how we work",
        date=START + datetime.timedelta(days=28),
        delivery="on_site",
        women=9,
        men=6,
        other=1,
        exercises=["Gender timeline", "Wheel of change"],
    )
    statements = [
        ("KA04", "works", "The intranet page on gender equality is used and appreciated.", "Gender timeline"),
        ("KA08", "does_not_work", "Senior posts are filled without open competition.", "Wheel of change"),
        ("KA09", "works", "Colleagues speak up when a sexist joke is made.", "Wheel of change"),
        (
            "KA09",
            "does_not_work",
            "Part-time staff miss decisions taken in late meetings.",
            "Wheel of change",
        ),
        ("KA08", "idea", "Publish the criteria for promotion.", "Wheel of change"),
    ]
    return [
        evidence.statement_add(
            actor=lead,
            workshop=workshop,
            key_area=code,
            kind=kind,
            text=text,
            exercise=exercise,
            promoted=True,
        )
        for code, kind, text, exercise in statements
    ]


def _survey(audit: Audit, lead) -> None:
    """The staff survey: prepared from the library, answered by 31 people, then closed."""
    instrument = library_instruments(audit.methodology).first()
    if instrument is None:
        surveys.survey_skip(actor=lead, audit=audit, reason="No questionnaire in the library.")
        return
    survey = surveys.survey_prepare(actor=lead, audit=audit, instrument=instrument)
    survey = surveys.survey_open(
        actor=lead, audit=audit, closes_on=timezone.localdate() + datetime.timedelta(days=7), mode="shared"
    )
    questions = ordered_questions(instrument_with_content(survey.instrument_id))
    rng = random.Random(SEED)
    profiles = (
        [("woman", "professional")] * 12
        + [("woman", "support")] * 6
        + [("man", "professional")] * 7
        + [("man", "senior")] * 3
        + [("man", "support")] * 3
    )
    link = links.resolve(survey.shared_token)
    for gender, category in profiles:
        answers = {}
        for question in questions:
            if question.type == QuestionType.LIKERT:
                shift = -0.6 if gender == "woman" and set(question.key_areas) & {"KA08", "KA09"} else 0.0
                score = round(min(5, max(1, rng.gauss(3.3 + shift, 1.0))))
                answers[question.code] = "dk" if rng.random() < 0.06 else str(score)
            elif question.type == QuestionType.YES_NO:
                answers[question.code] = rng.choice(["yes", "yes", "no", "dk"])
            elif question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE) and question.choices:
                first = question.choices[0]["code"]
                answers[question.code] = [first] if question.type == QuestionType.MULTIPLE else first
        profile = {
            "gender": gender,
            "staff_category": category,
            "years_of_service": rng.choice(["under_2", "2_5", "6_10", "over_10"]),
        }
        surveys.response_submit(
            link=link, key="", submission_id=uuid.uuid4().hex, answers=answers, profile=profile
        )
    surveys.survey_close(actor=lead, audit=audit)


def _staff_file() -> SimpleUploadedFile:
    """48 workers; the drivers' category has a single woman, so its figures are suppressed."""
    rng = random.Random(SEED)
    groups = [
        ("Senior management", "D", 3, 5, 52_000, 0.25),
        ("Professional", "P", 16, 11, 34_000, 0.15),
        ("Administrative support", "G", 8, 3, 21_000, 0.05),
        ("Drivers and maintenance", "S", 1, 4, 19_000, 0.0),
    ]
    lines = ["employee_id,gender,category,grade,annual_hours,base_pay,variable_pay,contract_type"]
    number = 0
    for category, grade, women, men, pay, variable in groups:
        for gender, count, factor in (("female", women, 0.93), ("male", men, 1.0)):
            for _index in range(count):
                number += 1
                base = round(pay * factor * rng.uniform(0.9, 1.12), 2)
                bonus = (
                    round(base * variable * rng.uniform(0.5, 1.5), 2)
                    if variable and rng.random() < 0.7
                    else 0
                )
                hours = rng.choice([1720, 1720, 1720, 1290])
                contract = "permanent" if rng.random() < 0.8 else "fixed-term"
                level = f"{grade}{1 + (rng.random() < 0.4)}" if grade == "P" else grade
                lines.append(f"E{number:03d},{gender},{category},{level},{hours},{base},{bonus},{contract}")
    return SimpleUploadedFile("staff-2026.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


FINDINGS = {
    "KA04": [
        (
            "good_practice",
            "Two trained gender focal points share tools and materials on an intranet page that staff use.",
            [("excerpt", 7), ("workshop", 0)],
        ),
        (
            "gap",
            "No training on gender equality is offered; the training plan 2025–2026 has no gender module.",
            [("excerpt", 0), ("document", "Staff training plan 2025-2026")],
        ),
    ],
    "KA08": [
        (
            "good_practice",
            "Flexible working hours are in place and valued by management and staff.",
            [("excerpt", 2)],
        ),
        (
            "gap",
            "Women earn less per hour than men, and fewer women reach senior grades; "
            "promotion criteria are not published.",
            [("staff", "mean_gap_pct"), ("excerpt", 1), ("workshop", 1)],
        ),
        (
            "gap",
            "Staff statistics are not broken down by sex in the annual report.",
            [("document", "Annual report 2025")],
        ),
    ],
    "KA09": [
        (
            "good_practice",
            "A clear code of conduct bans harassment, and support staff trust the confidential counsellor.",
            [("document", "Code of conduct"), ("excerpt", 4), ("workshop", 2)],
        ),
        (
            "gap",
            "Late meetings and the handling of returns from parental leave disadvantage staff "
            "with care duties.",
            [("excerpt", 3), ("excerpt", 6), ("workshop", 3)],
        ),
    ],
}


def _findings(audit: Audit, lead, documents: dict, excerpts: list, statements: list) -> dict:
    findings: dict[str, list] = {}
    for code, items in FINDINGS.items():
        for kind, statement, cited in items:
            keys = []
            for source, ref in cited:
                if source == "excerpt":
                    keys.append(f"{EvidenceKind.EXCERPT}:{excerpts[ref].pk}")
                elif source == "workshop":
                    keys.append(f"{EvidenceKind.WORKSHOP_STATEMENT}:{statements[ref].pk}")
                elif source == "document":
                    keys.append(f"{EvidenceKind.DOCUMENT_REVIEW}:{documents[ref][0].pk}")
                else:
                    keys.append(f"{EvidenceKind.STAFF_INDICATOR}:{ref}")
            finding = evidence.finding_create(
                actor=lead, audit=audit, key_area=code, kind=kind, statement=statement, evidence=keys
            )
            findings.setdefault(code, []).append(finding)
    return findings


RECOMMENDATIONS = {
    "KA04": ["Build gender equality into the training plan, starting with managers and focal points."],
    "KA08": [
        "Review pay and promotion by sex every year and act on unexplained gaps.",
        "Publish sex-disaggregated staff statistics in the annual report.",
    ],
    "KA09": [
        "Adopt working-time and return-from-leave practices that do not penalise staff with care duties."
    ],
}


def _recommendations(audit: Audit, lead, findings: dict) -> dict:
    made = {}
    for code, texts in RECOMMENDATIONS.items():
        gaps = [finding for finding in findings[code] if finding.kind == "gap"]
        for index, text in enumerate(texts):
            answered = gaps[index : index + 1] if len(texts) > 1 else gaps
            made.setdefault(code, []).append(
                roadmap.recommendation_create(
                    actor=lead, audit=audit, key_area=code, text=text, findings=answered
                )
            )
    return made


def _feedback(audit: Audit, lead, coordinator, findings: dict, recommendations: dict) -> None:
    comment = roadmap.comment_add(
        actor=coordinator,
        audit=audit,
        finding=findings["KA08"][2],
        kind="correction",
        text="The 2025 annual report has a staff table by sex in its annex, but not by grade.",
    )
    roadmap.comment_resolve(
        actor=lead,
        comment=comment,
        resolution="Checked the annex; the finding now says that grades are not broken down.",
    )
    evidence.finding_update(
        actor=lead,
        finding=findings["KA08"][2],
        statement="Staff statistics in the annual report are not broken down by sex and grade.",
    )
    comment = roadmap.comment_add(
        actor=coordinator,
        audit=audit,
        recommendation=recommendations["KA09"][0],
        text="Management agrees; please mention the new rule on meeting times adopted in May.",
    )
    roadmap.comment_resolve(
        actor=lead, comment=comment, resolution="Added to the roadmap as the first action for KA09."
    )


# (key area, recommendation index, template code or None, overrides)
ACTIONS = [
    (
        "KA04",
        0,
        "ka04-training-plan",
        {"start": datetime.date(2026, 6, 1), "baseline": 0, "target": 80, "priority": Priority.HIGH},
    ),
    (
        "KA04",
        0,
        "ka04-focal-point-network",
        {"start": datetime.date(2026, 5, 15), "baseline": 2, "target": 6},
    ),
    (
        "KA08",
        0,
        "ka08-pay-review",
        {"start": datetime.date(2026, 6, 1), "baseline": 7.4, "target": 2, "priority": Priority.HIGH},
    ),
    ("KA08", 0, "ka08-recruitment", {"start": datetime.date(2026, 9, 1), "baseline": 37.5, "target": 50}),
    (
        "KA08",
        1,
        None,
        {
            "title": "Add a table of staff by sex and grade to the annual report",
            "owner": "Head of Human Resources",
            "indicator": "Annual reports with the table",
            "unit": "reports",
            "start": datetime.date(2026, 11, 1),
            "end": datetime.date(2027, 3, 31),
            "baseline": 0,
            "target": 1,
            "priority": Priority.MEDIUM,
        },
    ),
    (
        "KA09",
        0,
        None,
        {
            "title": "Apply the rule of no meetings after 17:00",
            "owner": "Heads of department",
            "indicator": "Departments applying the rule",
            "unit": "%",
            "start": datetime.date(2026, 5, 11),
            "end": datetime.date(2026, 12, 31),
            "baseline": 0,
            "target": 100,
            "priority": Priority.HIGH,
        },
    ),
    (
        "KA09",
        0,
        "ka09-meeting-culture",
        {"start": datetime.date(2026, 7, 1), "baseline": 42, "target": 70, "priority": Priority.MEDIUM},
    ),
    (
        "KA09",
        0,
        "ka09-harassment-policy",
        {"start": datetime.date(2027, 1, 11), "baseline": 60, "target": 95, "priority": Priority.LOW},
    ),
]


def _roadmap(audit: Audit, lead, recommendations: dict) -> None:
    templates = {t.code: t for t in ActionTemplate.objects.filter(methodology=audit.methodology)}
    for code, index, template_code, overrides in ACTIONS:
        recommendation = recommendations[code][index]
        if template_code:
            roadmap.action_from_template(
                actor=lead,
                audit=audit,
                recommendation=recommendation,
                template=templates[template_code],
                **overrides,
            )
        else:
            roadmap.action_create(actor=lead, audit=audit, recommendation=recommendation, **overrides)


PROGRESS = [
    (
        datetime.date(2026, 6, 30),
        "Apply the rule of no meetings after 17:00",
        ActionStatus.IN_PROGRESS,
        40,
        "Four departments of ten.",
    ),
    (
        datetime.date(2026, 7, 15),
        "Give gender focal points a mandate and time",
        ActionStatus.IN_PROGRESS,
        4,
        "",
    ),
    (
        datetime.date(2026, 8, 31),
        "Give gender focal points a mandate and time",
        ActionStatus.DONE,
        6,
        "Terms of reference signed.",
    ),
    (
        datetime.date(2026, 9, 15),
        "Train all staff in gender mainstreaming",
        ActionStatus.IN_PROGRESS,
        25,
        "First two sessions held.",
    ),
    (
        datetime.date(2026, 9, 30),
        "Run a joint pay assessment where gaps reach 5 %",
        ActionStatus.IN_PROGRESS,
        None,
        "Joint committee with staff representatives formed.",
    ),
    (
        datetime.date(2026, 10, 30),
        "Apply the rule of no meetings after 17:00",
        ActionStatus.DONE,
        100,
        "All departments.",
    ),
    (
        datetime.date(2026, 11, 16),
        "Train all staff in gender mainstreaming",
        ActionStatus.IN_PROGRESS,
        45,
        "",
    ),
]


def _follow_up(audit: Audit, coordinator) -> None:
    actions = {action.title: action for action in Action.objects.filter(audit=audit)}
    for day, title, status, value, note in PROGRESS:
        if title in actions:
            roadmap.action_progress(
                actor=coordinator,
                action=actions[title],
                status=status,
                value=value,
                note=note,
                recorded_at=_at(day, 16),
            )


def _backdate(audit: Audit) -> None:
    """Put the audit's history on the days it would have happened (services stamp 'now')."""
    days = {
        "preparation": datetime.date(2026, 1, 12),
        "desk_review": datetime.date(2026, 2, 9),
        "fieldwork": START + datetime.timedelta(days=20),
        "feedback": END - datetime.timedelta(days=10),
        "reporting": END,
        "follow_up": datetime.date(2026, 5, 29),
    }
    Audit.objects.filter(pk=audit.pk).update(created_at=_at(datetime.date(2025, 12, 15)))
    for transition in PhaseTransition.objects.filter(audit=audit):
        if transition.to_phase in days:
            PhaseTransition.objects.filter(pk=transition.pk).update(at=_at(days[transition.to_phase]))
    Action.objects.filter(audit=audit).update(created_at=_at(datetime.date(2026, 5, 8)))
    ReportRender.objects.filter(audit=audit).update(requested_at=_at(datetime.date(2026, 5, 28)))


SUMMARY = (
    "The Human Resources department asked for this audit to understand how its own practice supports "
    "equality between women and men, and what to change first. Over two months the audit team reviewed the "
    "department's policies, interviewed staff at every level, ran a participatory workshop and a staff "
    "survey, and analysed the staff file.\n\n"
    "The department has real strengths to build on: flexible working hours, a clear code of conduct and "
    "trained focal points. The main gaps are the lack of training on gender equality, a pay gap and a "
    "leaky pipeline to senior grades, and working practices that disadvantage staff with care duties. The "
    "roadmap agreed with management answers each of them within eighteen months."
)
