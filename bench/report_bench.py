"""Time rendering a large roadmap report, and WeasyPrint alone on the same final HTML.

The audit has all 12 key areas, findings with evidence in each, 100 roadmap actions, a staff file
and a staff survey, so every chart of the report is drawn. Targets: the whole render under 5 s, and
our part (reading the data, drawing the charts, the templates) at most 15 % over WeasyPrint's time.

Run: .venv/bin/python bench/report_bench.py [--actions 100] [--runs 3] [--keep report.pdf]
It builds its data in a throwaway SQLite database; nothing else is touched.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

TOTAL_BUDGET_SECONDS = 5.0
OVERHEAD_BUDGET = 0.15


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loadmethodology", verbosity=0)


def build_audit(actions: int, seed: int = 2026):
    """A comprehensive audit with every key area, built through the services (not timed)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import Gender
    from audits import services
    from audits.demo import facilitators_group
    from audits.evidence import services as evidence
    from audits.evidence.models import EvidenceKind
    from audits.models import Organization, TeamMember, TeamRole
    from audits.roadmap import services as roadmap
    from audits.roadmap.models import ActionTemplate, Priority
    from audits.surveys import links
    from audits.surveys import services as surveys
    from audits.surveys.instruments import ordered_questions
    from audits.surveys.models import QuestionType
    from audits.surveys.selectors import instrument_with_content, library_instruments
    from tests.factories import UserFactory

    rng = random.Random(seed)
    lead = UserFactory(username="bench-lead", gender=Gender.WOMAN)
    lead.groups.add(facilitators_group())
    organization = Organization.objects.create(name="Bench Ministry", country="Ukraine", registered_by=lead)
    audit = services.audit_create(
        actor=lead,
        organization=organization,
        modality="comprehensive",
        title="Comprehensive PGA of the Bench Ministry",
        people_in_scope=96,
        planned_start=datetime.date(2027, 1, 11),
        planned_end=datetime.date(2027, 5, 28),
    )
    TeamMember.objects.create(audit=audit, user=UserFactory(gender=Gender.MAN), role=TeamRole.COORDINATOR)
    codes = list(audit.methodology.key_areas.order_by("order").values_list("code", flat=True))
    services.audit_set_key_areas(actor=lead, audit=audit, codes=codes)

    interview = evidence.interview_create(
        actor=lead,
        audit=audit,
        kind="group",
        participants=6,
        scheduled_at=timezone.now(),
        mode="in_person",
        consent=True,
        gender="mixed",
    )
    workshop = evidence.workshop_create(
        actor=lead,
        audit=audit,
        title="Workshop",
        date=datetime.date(2027, 2, 1),
        delivery="on_site",
        women=11,
        men=8,
        other=2,
    )
    lines = ["employee_id,gender,category,grade,annual_hours,base_pay,variable_pay"]
    for number in range(1, 301):
        category = rng.choice(["Senior", "Professional", "Support", "Technical", "Drivers"])
        gender = "female" if rng.random() < (0.02 if category == "Drivers" else 0.5) else "male"
        base = round(rng.uniform(20_000, 60_000) * (0.94 if gender == "female" else 1), 2)
        lines.append(
            f"E{number},{gender},{category},G{rng.randint(1, 6)},1720,{base},{rng.choice([0, 0, 900])}"
        )
    evidence.staff_file_upload(
        actor=lead, audit=audit, upload=SimpleUploadedFile("staff.csv", "\n".join(lines).encode(), "text/csv")
    )

    instrument = library_instruments(audit.methodology).first()
    survey = surveys.survey_prepare(actor=lead, audit=audit, instrument=instrument)
    survey = surveys.survey_open(
        actor=lead, audit=audit, closes_on=timezone.localdate() + datetime.timedelta(days=3), mode="shared"
    )
    questions = ordered_questions(instrument_with_content(survey.instrument_id))
    link = links.resolve(survey.shared_token)
    for _respondent in range(80):
        answers = {
            q.code: str(rng.randint(1, 5)) if q.type == QuestionType.LIKERT else rng.choice(["yes", "no"])
            for q in questions
            if q.type in (QuestionType.LIKERT, QuestionType.YES_NO)
        }
        profile = {
            "gender": rng.choice(["woman", "man"]),
            "staff_category": rng.choice(["professional", "support"]),
        }
        surveys.response_submit(
            link=link, key="", submission_id=uuid.uuid4().hex, answers=answers, profile=profile
        )
    surveys.survey_close(actor=lead, audit=audit)

    templates = list(ActionTemplate.objects.filter(methodology=audit.methodology).select_related("key_area"))
    recommendations = []
    for key_area in audit.key_areas.order_by("order"):
        excerpt = evidence.excerpt_add(
            actor=lead,
            interview=interview,
            kind="summary",
            code="gap",
            key_areas=[key_area.code],
            text=f"Staff describe what works and what does not in {key_area.code}; several examples.",
        )
        statement = evidence.statement_add(
            actor=lead,
            workshop=workshop,
            key_area=key_area.code,
            kind="works",
            promoted=True,
            text=f"Participants named a practice that works well in {key_area.code}.",
        )
        findings = [
            evidence.finding_create(
                actor=lead,
                audit=audit,
                key_area=key_area.code,
                kind=kind,
                statement=f"{key_area.name}: a {kind.replace('_', ' ')} found by the team, in a sentence "
                "that explains what was seen and why it matters for equality between women and men.",
                evidence=[
                    f"{EvidenceKind.EXCERPT}:{excerpt.pk}",
                    f"{EvidenceKind.WORKSHOP_STATEMENT}:{statement.pk}",
                ],
            )
            for kind in ("good_practice", "gap", "gap")
        ]
        for index in range(2):
            recommendations.append(
                roadmap.recommendation_create(
                    actor=lead,
                    audit=audit,
                    key_area=key_area.code,
                    findings=findings[1 + index : 2 + index],
                    text=f"Recommendation {index + 1} for {key_area.code}: act on the gap, with a date.",
                )
            )
    for number in range(actions):
        recommendation = recommendations[number % len(recommendations)]
        candidates = [t for t in templates if t.key_area_id == recommendation.key_area_id]
        start = datetime.date(2027, 6, 1) + datetime.timedelta(days=rng.randint(0, 360))
        roadmap.action_from_template(
            actor=lead,
            audit=audit,
            recommendation=recommendation,
            template=rng.choice(candidates),
            start=start,
            priority=rng.choice(list(Priority.values)),
            baseline=rng.randint(0, 40),
            target=rng.randint(50, 100),
        )
    return audit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="Write the last PDF here.")
    parser.add_argument("--html", help="Write the last final HTML here.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from reports import rendering

        started = time.perf_counter()
        audit = build_audit(options.actions)
        print(
            f"data: 12 key areas, {options.actions} actions, built in {time.perf_counter() - started:.1f} s"
        )
        rendering.render(audit)  # warm up: imports, fonts, the stylesheet
        totals, ours, weasy_in_render, weasy_alone, cpu_total, cpu_alone = [], [], [], [], [], []
        for _run in range(options.runs):
            started, cpu = time.perf_counter(), time.process_time()
            result = rendering.render(audit)
            totals.append(time.perf_counter() - started)
            cpu_total.append(time.process_time() - cpu)
            ours.append(result.seconds_content)
            weasy_in_render.append(result.seconds_pdf)
            started, cpu = time.perf_counter(), time.process_time()
            rendering.html_to_pdf(result.html)
            weasy_alone.append(time.perf_counter() - started)
            cpu_alone.append(time.process_time() - cpu)
        if options.keep:
            Path(options.keep).write_bytes(result.pdf)
        if options.html:
            Path(options.html).write_text(result.html, encoding="utf-8")
    total, alone = statistics.median(totals), statistics.median(weasy_alone)
    ours_median, weasy_median = statistics.median(ours), statistics.median(weasy_in_render)
    # Our part is timed directly inside each render; comparing two separate wall-clock runs instead
    # (whole render minus WeasyPrint alone) is printed too, but it is at the mercy of machine noise.
    overhead = ours_median / weasy_median
    cpu, cpu_weasy = statistics.median(cpu_total), statistics.median(cpu_alone)
    print(f"pages: {result.pages}, PDF {len(result.pdf) / 1e6:.2f} MB, HTML {len(result.html) / 1e3:.0f} kB")
    print(
        f"whole render:        {total:.3f} s  (median of {options.runs}; budget {TOTAL_BUDGET_SECONDS:.1f} s)"
    )
    print(f"  our part:          {ours_median:.3f} s  (data, charts, templates, hashing)")
    print(f"  WeasyPrint part:   {weasy_median:.3f} s")
    print(f"WeasyPrint alone:    {alone:.3f} s  (same final HTML, separate run)")
    print(
        f"overhead:            {overhead:.1%} of WeasyPrint's time (budget {OVERHEAD_BUDGET:.0%}); "
        f"whole render vs WeasyPrint alone: {(total - alone) / alone:+.1%}"
    )
    print(
        f"CPU time:            {cpu:.3f} s whole render, {cpu_weasy:.3f} s WeasyPrint alone; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    sys.exit(0 if total < TOTAL_BUDGET_SECONDS and overhead <= OVERHEAD_BUDGET else 1)


if __name__ == "__main__":
    main()
