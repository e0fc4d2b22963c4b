"""Generate a national programme's data: many audits, organizations, survey responses and facilitators.

A ministry that makes PGAs compulsory runs hundreds of audits a year; this builds such a programme
(deterministically, from --seed) so the portfolio dashboards can be timed at that size
(bench/portfolio_bench.py). Rows go in with bulk_create in batches of 5,000, responses with COPY on
PostgreSQL. Survey answers follow bench/survey_bench.py's model (Likert around 3, men 0.4 higher,
8 % "don't know", 5 % skipped), drawn column-wise with numpy instead of row by row. Closed surveys'
key-area scores are then stored as after any mass import, with `manage.py scoresurveys`.

Run (on an empty database; --flush empties it first):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pga_national .venv/bin/python bench/national.py \
        --audits 1000 --organizations 200 --responses 300000 --facilitators 200
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from audits.evidence.models import Finding, FindingKind, Interview, InterviewKind, InterviewMode  # noqa: E402
from audits.models import Audit, KeyArea, Modality, Organization, Phase, TeamMember, TeamRole  # noqa: E402
from audits.roadmap.models import Action, ActionStatus, Priority, Recommendation  # noqa: E402
from audits.surveys.models import Instrument, Question, Response, Section, Survey, SurveyStatus  # noqa: E402
from facilitators.models import (  # noqa: E402
    Certificate,
    CertificateKind,
    Certification,
    CertificationProgramme,
    CertificationState,
    FacilitatorProfile,
)
from reports.programme import programme_managers  # noqa: E402

BATCH = 5_000
PASSWORD = "pga-demo-2026"
REGIONS = [
    "Northern", "North-Eastern", "Eastern", "South-Eastern", "Southern", "South-Western", "Western",
    "North-Western", "Central", "Capital", "Coastal", "Highlands", "Lakes", "River Valley", "Plateau",
    "Delta", "Forest", "Steppe", "Mountain", "Border", "Island", "Desert", "Savannah", "Midlands",
    "Upper Basin",
]  # fmt: skip
SECTORS = ["Public administration", "Labour", "Health", "Education", "Justice", "Finance", "Transport"]
GENDERS = ["woman", "man", "another", "undisclosed", ""]
GENDER_P = [0.5, 0.42, 0.01, 0.04, 0.03]
CATEGORIES = ["senior", "professional", "support", "other", ""]
CATEGORY_P = [0.1, 0.4, 0.35, 0.1, 0.05]
AGES = ["under_30", "30_44", "45_59", "60_plus"]
SERVICE = ["under_2", "2_5", "6_10", "over_10"]
# Facilitated audits have a survey from fieldwork on; it is closed once fieldwork is over.
SURVEY_FROM = "fieldwork"


@contextmanager
def step(name: str, timings: dict):
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started
    print(f"  {name:<42} {timings[name]:7.1f} s", flush=True)


def bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def make_facilitators(rng, count: int, today: datetime.date) -> list:
    """Users with certifications: most certified (a tenth expiring within 90 days), some candidates."""
    User = get_user_model()
    password = make_password(PASSWORD)
    users = bulk(
        User,
        [
            User(
                username=f"facilitator{i:04d}",
                first_name=f"Facilitator{i:04d}",
                last_name=f"Surname{i % 97:02d}",
                email=f"facilitator{i:04d}@example.org",
                gender=str(rng.choice(["woman", "man"], p=[0.6, 0.4])),
                password=password,
            )
            for i in range(count)
        ],
    )
    manager = User.objects.create(
        username="programme", first_name="Programme", last_name="Manager", password=password
    )
    manager.groups.add(programme_managers())
    programme = CertificationProgramme.objects.order_by("-pk").first()
    applicant_type = programme.applicant_types[0]["code"]
    profiles = bulk(
        FacilitatorProfile,
        [
            FacilitatorProfile(user=user, regions=str(rng.choice(REGIONS)), languages="English")
            for user in users
        ],
    )
    certifications, certificates = [], []
    for i, profile in enumerate(profiles):
        draw = rng.random()
        if draw < 0.15:
            certifications.append(
                Certification(
                    facilitator=profile,
                    programme=programme,
                    applicant_type=applicant_type,
                    state=CertificationState.IN_PRACTICE,
                    applied_on=today - datetime.timedelta(days=400),
                )
            )
            continue
        # a tenth expire within 90 days, the rest within the programme's validity
        days_left = int(rng.integers(1, 90)) if draw < 0.25 else int(rng.integers(91, 365 * 3))
        expires_on = today + datetime.timedelta(days=days_left)
        certified_on = expires_on - datetime.timedelta(days=365 * programme.validity_years)
        certifications.append(
            Certification(
                facilitator=profile,
                programme=programme,
                applicant_type=applicant_type,
                state=CertificationState.EXPIRING_SOON if days_left <= 90 else CertificationState.CERTIFIED,
                applied_on=certified_on - datetime.timedelta(days=300),
                certified_on=certified_on,
                expires_on=expires_on,
            )
        )
        certificates.append((len(certifications) - 1, certified_on, expires_on, i))
    certifications = bulk(Certification, certifications)
    bulk(
        Certificate,
        [
            Certificate(
                certification=certifications[index],
                code=f"NAT{i:013d}",
                kind=CertificateKind.CERTIFICATION,
                issued_on=issued,
                expires_on=expires,
            )
            for index, issued, expires, i in certificates
        ],
    )
    return users


def make_organizations(rng, count: int) -> list:
    return bulk(
        Organization,
        [
            Organization(
                name=f"Regional administration {i:04d}",
                country="Nationland",
                region=REGIONS[i % len(REGIONS)],
                sector=str(rng.choice(SECTORS)),
            )
            for i in range(count)
        ],
    )


def make_audits(rng, count: int, organizations: list, facilitators: list, today) -> list:
    """Audits across modalities and each modality's phases, 3 % on hold and 2 % cancelled."""
    modalities = list(Modality.objects.select_related("methodology").order_by("order"))
    by_code = {m.code: m for m in modalities}
    phases = {m.pk: list(Phase.objects.filter(modality=m).order_by("order")) for m in modalities}
    mix = rng.choice(["selective", "comprehensive", "geosa"], count, p=[0.5, 0.25, 0.25])
    audits = []
    for i in range(count):
        modality = by_code[mix[i]]
        phase = phases[modality.pk][int(rng.integers(len(phases[modality.pk])))].code
        state = rng.random()
        held = ""
        if state < 0.03:
            phase, held = Audit.ON_HOLD, phase
        elif state < 0.05:
            phase = Audit.CANCELLED
        start = today - datetime.timedelta(days=int(rng.integers(0, 720)))
        audits.append(
            Audit(
                organization=organizations[int(rng.integers(len(organizations)))],
                modality=modality,
                title=f"{modality.code.title()} PGA {i:04d}",
                people_in_scope=None,
                planned_start=start,
                planned_end=start + datetime.timedelta(days=120),
                phase=phase,
                held_phase=held,
                cancel_reason="Merged into another audit." if phase == Audit.CANCELLED else "",
            )
        )
    audits = bulk(Audit, audits)
    areas = list(KeyArea.objects.filter(methodology=modalities[0].methodology).order_by("order"))
    links, members = [], []
    for audit in audits:
        chosen = areas if audit.modality.key_areas_all else list(rng.choice(areas, 4, replace=False))
        links += [Audit.key_areas.through(audit_id=audit.pk, keyarea_id=area.pk) for area in chosen]
        if audit.modality.facilitated:
            lead, co = rng.choice(len(facilitators), 2, replace=False)
            members += [
                TeamMember(audit=audit, user=facilitators[lead], role=TeamRole.LEAD),
                TeamMember(audit=audit, user=facilitators[co], role=TeamRole.CO_FACILITATOR),
            ]
    bulk(Audit.key_areas.through, links)
    bulk(TeamMember, members)
    return audits


def phase_at_or_after(audit: Audit, code: str, orders: dict) -> bool:
    """Whether the audit (or the phase it is held in) has reached the phase `code` of its modality."""
    phase = audit.held_phase if audit.phase == Audit.ON_HOLD else audit.phase
    mine = orders.get((audit.modality_id, phase))
    return mine is not None and mine >= orders.get((audit.modality_id, code), 10**6)


def make_surveys(audits: list, orders: dict) -> tuple[list, dict]:
    """Each facilitated audit from fieldwork on gets its own copy of the library questionnaire."""
    library = Instrument.objects.get(code="pga-staff", audit__isnull=True)
    sections = list(library.sections.order_by("order"))
    questions = list(Question.objects.filter(instrument=library).order_by("section__order", "order"))
    surveyed = [a for a in audits if a.modality.facilitated and phase_at_or_after(a, SURVEY_FROM, orders)]
    instruments = bulk(
        Instrument,
        [
            Instrument(
                audit=audit,
                origin=library,
                code=library.code,
                version=library.version,
                title=library.title,
                description=library.description,
                profile_title=library.profile_title,
                profile_fields=library.profile_fields,
            )
            for audit in surveyed
        ],
    )
    copies = bulk(
        Section,
        [
            Section(instrument=instrument, code=s.code, order=s.order, title=s.title)
            for instrument in instruments
            for s in sections
        ],
    )
    section_of = {(c.instrument_id, c.code): c for c in copies}
    by_section = {s.pk: s.code for s in sections}
    bulk(
        Question,
        [
            Question(
                instrument=instrument,
                section=section_of[(instrument.pk, by_section[q.section_id])],
                code=q.code,
                order=q.order,
                type=q.type,
                text=q.text,
                help=q.help,
                key_areas=q.key_areas,
                choices=q.choices,
                required=q.required,
            )
            for instrument in instruments
            for q in questions
        ],
    )
    now = timezone.now()
    surveys = bulk(
        Survey,
        [
            Survey(
                audit=audit,
                instrument=instrument,
                status=SurveyStatus.OPEN if audit.phase == SURVEY_FROM else SurveyStatus.CLOSED,
                mode="shared",
                shared_token=uuid.UUID(int=audit.pk).hex,
                opened_at=now - datetime.timedelta(days=30),
                closes_at=now + datetime.timedelta(days=10) if audit.phase == SURVEY_FROM else now,
                closed_at=None if audit.phase == SURVEY_FROM else now,
            )
            for audit, instrument in zip(surveyed, instruments, strict=True)
        ],
    )
    return surveys, {q.code: q for q in questions}


def allocate(rng, surveys: list, total: int) -> np.ndarray:
    """Responses per survey: comprehensive audits stay under their 100 people; selective take the rest."""
    comprehensive = np.array([s.audit.modality.code == "comprehensive" for s in surveys])
    counts = np.where(comprehensive, rng.integers(20, 80, len(surveys)), 0)
    rest = max(total - int(counts.sum()), 0)
    weights = np.where(comprehensive, 0.0, rng.lognormal(0, 0.8, len(surveys)))
    counts += rng.multinomial(rest, weights / weights.sum())
    return counts


def response_rows(rng, survey_ids: np.ndarray, questions: dict):
    """Responses as (id, survey_id, submission_key, answers JSON, profile...) tuples, column-wise."""
    n = len(survey_ids)
    genders = rng.choice(GENDERS, n, p=GENDER_P)
    shift = np.where(genders == "man", 0.4, 0.0)
    pieces = []
    for code, question in questions.items():
        skipped = rng.random(n) < 0.05
        choices = [choice["code"] for choice in question.choices]
        if question.type == "likert":
            scores = np.clip(np.round(rng.normal(3 + shift, 1.1)), 1, 5).astype(int).astype(str)
            values = np.where(rng.random(n) < 0.08, "dk", scores)
        elif question.type == "text":
            values = np.where(rng.random(n) < 0.3, "More flexible hours for everyone.", "")
        elif question.type == "multiple":
            first, second = rng.choice(choices, n), rng.choice(choices, n)
            pieces.append(
                np.where(
                    skipped | (first == second), "", np.char.add(np.char.add(f'"{code}":["', first), '","')
                )
            )
            pieces[-1] = np.where(pieces[-1] == "", "", np.char.add(np.char.add(pieces[-1], second), '"],'))
            continue
        else:
            values = rng.choice(choices, n)
        quoted = np.char.add(np.char.add(f'"{code}":"', values), '",')
        pieces.append(np.where(skipped | (values == ""), "", quoted))
    answers = ["{" + "".join(parts)[:-1] + "}" for parts in zip(*pieces, strict=True)]
    categories = rng.choice(CATEGORIES, n, p=CATEGORY_P)
    ages = rng.choice(AGES, n)
    managerial = rng.choice(["yes", "no"], n, p=[0.2, 0.8])
    service = rng.choice(SERVICE, n)
    ids = rng.bytes(16 * n)
    for i in range(n):
        key = ids[16 * i : 16 * i + 16]
        yield (
            str(uuid.UUID(bytes=key)),
            int(survey_ids[i]),
            key.hex() * 2,
            answers[i],
            str(genders[i]),
            str(ages[i]),
            str(categories[i]),
            str(managerial[i]),
            str(service[i]),
        )


RESPONSE_COLUMNS = (
    "id",
    "survey_id",
    "submission_key",
    "answers",
    "gender",
    "age_band",
    "staff_category",
    "managerial",
    "years_of_service",
)


def make_responses(rng, surveys: list, total: int, questions: dict) -> int:
    counts = allocate(rng, surveys, total)
    Audit.objects.bulk_update(
        [_with_scope(survey.audit, int(count), rng) for survey, count in zip(surveys, counts, strict=True)],
        ["people_in_scope"],
        batch_size=BATCH,
    )
    survey_ids = np.repeat([s.pk for s in surveys], counts)
    written = 0
    for start in range(0, len(survey_ids), 50_000):
        rows = response_rows(rng, survey_ids[start : start + 50_000], questions)
        if connection.vendor == "postgresql":
            table = Response._meta.db_table
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(RESPONSE_COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            batch = [Response(**dict(zip(RESPONSE_COLUMNS, row, strict=True))) for row in rows]
            for response in batch:
                response.answers = json.loads(response.answers)
            written += len(bulk(Response, batch))
    return written


def _with_scope(audit: Audit, responses: int, rng) -> Audit:
    """People in scope from the responses and a response rate of 40-80 %."""
    audit.people_in_scope = max(int(np.ceil(responses / rng.uniform(0.4, 0.8))), 1)
    return audit


def make_fieldwork(rng, audits: list, orders: dict, facilitators: list, today) -> dict:
    """Interviews for audits past fieldwork; findings per key area; a roadmap (recommendations, actions)."""
    done = [a for a in audits if a.modality.facilitated and phase_at_or_after(a, "feedback", orders)]
    planned = [
        a for a in audits if not a.modality.facilitated and phase_at_or_after(a, "action_planning", orders)
    ]
    area_ids = {}
    for audit_id, area_id in Audit.key_areas.through.objects.values_list("audit_id", "keyarea_id"):
        area_ids.setdefault(audit_id, []).append(area_id)
    moment = timezone.now() - datetime.timedelta(days=60)
    interviews = bulk(
        Interview,
        [
            Interview(
                audit=audit,
                kind=InterviewKind.GROUP if j % 3 == 0 else InterviewKind.INDIVIDUAL,
                participants=int(rng.integers(3, 8)) if j % 3 == 0 else 1,
                scheduled_at=moment + datetime.timedelta(hours=j),
                mode=InterviewMode.IN_PERSON,
                location="Head office",
                gender=str(rng.choice(["woman", "man", "undisclosed"])),
                consent=True,
                notes="Flexible hours are granted unevenly across units.",
            )
            for audit in done
            for j in range(8)
        ],
    )
    findings = bulk(
        Finding,
        [
            Finding(
                audit=audit,
                key_area_id=area,
                kind=FindingKind.GAP if rng.random() < 0.6 else FindingKind.GOOD_PRACTICE,
                statement="Recruitment panels are not gender-balanced.",
            )
            for audit in done
            for area in area_ids.get(audit.pk, [])
        ],
    )
    with_roadmap = [a for a in done if phase_at_or_after(a, "reporting", orders)] + planned
    recommendations = bulk(
        Recommendation,
        [
            Recommendation(audit=audit, key_area_id=area, text="Balance recruitment panels.")
            for audit in with_roadmap
            for area in area_ids.get(audit.pk, [])[:4]
        ],
    )
    actions = bulk(
        Action,
        [
            Action(
                audit_id=recommendation.audit_id,
                recommendation=recommendation,
                title=f"Action {j + 1} of the recommendation",
                owner="Head of Human Resources",
                start=today,
                end=today + datetime.timedelta(days=180),
                priority=Priority.values[j % 3],
                indicator="Share of panels with both women and men",
                unit="%",
                baseline=40,
                target=100,
                status=ActionStatus.PLANNED if j else ActionStatus.IN_PROGRESS,
                order=j,
            )
            for recommendation in recommendations
            for j in range(2)
        ],
    )
    return {
        "interviews": len(interviews),
        "findings": len(findings),
        "recommendations": len(recommendations),
        "actions": len(actions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=1000)
    parser.add_argument("--organizations", type=int, default=200)
    parser.add_argument("--responses", type=int, default=300_000)
    parser.add_argument("--facilitators", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--flush", action="store_true", help="Empty the database first.")
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    today = timezone.localdate()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    with step("migrate + loadmethodology", timings):
        call_command("migrate", verbosity=0)
        if options.flush:
            call_command("flush", interactive=False, verbosity=0)
        if Organization.objects.exists():
            sys.exit("The database already holds organizations: use an empty one, or pass --flush.")
        call_command("loadmethodology", verbosity=0)
    with transaction.atomic():
        with step(f"facilitators ({options.facilitators}) + certificates", timings):
            facilitators = make_facilitators(rng, options.facilitators, today)
        with step(f"organizations ({options.organizations}, {len(REGIONS)} regions)", timings):
            organizations = make_organizations(rng, options.organizations)
        with step(f"audits ({options.audits}) + key areas + teams", timings):
            audits = make_audits(rng, options.audits, organizations, facilitators, today)
        orders = {(p.modality_id, p.code): p.order for p in Phase.objects.all()}
        with step("survey questionnaires (a copy per audit)", timings):
            surveys, questions = make_surveys(audits, orders)
        with step(f"survey responses ({options.responses:,})", timings):
            written = make_responses(rng, surveys, options.responses, questions)
        with step("interviews, findings, roadmaps", timings):
            fieldwork = make_fieldwork(rng, audits, orders, facilitators, today)
    with step("key-area scores of closed surveys (scoresurveys)", timings):
        call_command("scoresurveys", stdout=io.StringIO())
    with step("analyze", timings):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(
        f"built {len(audits):,} audits of {len(organizations):,} organizations, {len(surveys):,} surveys "
        f"with {written:,} responses, {fieldwork['interviews']:,} interviews, "
        f"{fieldwork['findings']:,} findings, {fieldwork['recommendations']:,} recommendations, "
        f"{fieldwork['actions']:,} roadmap actions, {len(facilitators):,} facilitators"
    )
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
