"""Time the full analysis and the exports of a survey with 10,000 responses (budget: 1 s each), and
count the SQL queries the analysis makes (the same for 100 responses as for 10,000).

Run: .venv/bin/python bench/survey_bench.py [RESPONSES]
Uses a throwaway SQLite database unless BENCH_DATABASE_URL names another (e.g. PostgreSQL).
"""

import datetime
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FOLDER = tempfile.mkdtemp(prefix="survey-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{FOLDER}/bench.sqlite3")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from audits import services as audit_services  # noqa: E402
from audits.models import Audit, Organization  # noqa: E402
from audits.surveys import exports, selectors, services  # noqa: E402
from audits.surveys.instruments import ordered_questions  # noqa: E402
from audits.surveys.models import Instrument, Response, Survey  # noqa: E402

BUDGET_SECONDS = 1.0


def survey_with(responses: int, seed: int, staff) -> Survey:
    """An audit in fieldwork using the whole default questionnaire, with generated responses."""
    organization = Organization.objects.create(name=f"Bench organization {seed}")
    audit = audit_services.audit_create(
        actor=staff, organization=organization, modality="comprehensive", title="Bench", people_in_scope=100
    )
    audit.key_areas.set(audit.methodology.key_areas.all())
    Audit.objects.filter(pk=audit.pk).update(phase="fieldwork")
    audit = Audit.objects.get(pk=audit.pk)
    library = Instrument.objects.get(code="pga-staff", audit__isnull=True)
    survey = services.survey_prepare(
        actor=staff, audit=audit, instrument=library, restrict_to_key_areas=False
    )
    services.survey_open(
        actor=staff, audit=audit, closes_on=datetime.date.today() + datetime.timedelta(days=30), mode="shared"
    )
    questions = ordered_questions(selectors.instrument_with_content(survey.instrument_id))
    rng = np.random.default_rng(seed)
    genders = rng.choice(
        ["woman", "man", "another", "undisclosed", ""], responses, p=[0.5, 0.42, 0.01, 0.04, 0.03]
    )
    categories = rng.choice(
        ["senior", "professional", "support", "other", ""], responses, p=[0.1, 0.4, 0.35, 0.1, 0.05]
    )
    rows = []
    for index in range(responses):
        shift = 0.4 if genders[index] == "man" else 0.0
        answers = {}
        for question in questions:
            if rng.random() < 0.05:
                continue
            codes = [choice["code"] for choice in question.choices]
            if question.type == "likert":
                score = int(np.clip(np.round(rng.normal(3 + shift, 1.1)), 1, 5))
                answers[question.code] = "dk" if rng.random() < 0.08 else str(score)
            elif question.type == "multiple":
                answers[question.code] = list(rng.choice(codes, size=2, replace=False))
            elif question.type == "text":
                answers[question.code] = "More flexible hours for everyone." if rng.random() < 0.3 else ""
            else:
                answers[question.code] = str(rng.choice(codes))
        rows.append(
            Response(
                survey=survey,
                submission_key=uuid.uuid4().hex,
                answers={code: value for code, value in answers.items() if value != ""},
                gender=genders[index],
                staff_category=categories[index],
                age_band=str(rng.choice(["under_30", "30_44", "45_59", "60_plus"])),
            )
        )
    Response.objects.bulk_create(rows, batch_size=1000)
    return Survey.objects.select_related("audit__modality__methodology", "instrument").get(pk=survey.pk)


def timed(function, repeat: int = 3) -> tuple[float, float, object]:
    """(first run, best of `repeat`, result)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def queries_of(survey: Survey) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.survey_analysis(survey)
    return len(captured)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    translation.activate("en")
    call_command("migrate", verbosity=0)
    call_command("loadmethodology", verbosity=0)
    staff = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password-1")
    started = time.perf_counter()
    survey = survey_with(count, 2026, staff)
    small = survey_with(100, 7, staff)
    elapsed = time.perf_counter() - started
    print(f"database: {connection.vendor}; generated {count:,} + 100 responses in {elapsed:.1f} s")
    questions = len(ordered_questions(selectors.instrument_with_content(survey.instrument_id)))
    first, best, result = timed(lambda: selectors.survey_analysis(survey))
    print(f"analysis ({questions} questions, 12 key areas, 43 perception gaps with their 95 % intervals):")
    print(f"  first {first:.3f} s, best of 3 {best:.3f} s (budget {BUDGET_SECONDS:.1f} s)")
    shown_gaps = sum(1 for gap in result.gaps if not gap.gap.suppressed)
    print(f"  {len(result.gaps)} perception gaps, {shown_gaps} shown")
    csv_first, csv_best, csv = timed(lambda: exports.responses_csv(survey))
    print(f"CSV export: first {csv_first:.3f} s, best of 3 {csv_best:.3f} s ({len(csv) / 1e6:.1f} MB)")
    xlsx_first, xlsx_best, xlsx = timed(lambda: exports.responses_xlsx(survey))
    print(f"XLSX export: first {xlsx_first:.3f} s, best of 3 {xlsx_best:.3f} s ({len(xlsx) / 1e6:.1f} MB)")
    large, little = queries_of(survey), queries_of(small)
    print(f"SQL queries for the analysis: {large} with {count:,} responses, {little} with 100")
    within = best < BUDGET_SECONDS and csv_best < BUDGET_SECONDS and large == little
    print("within budget" if within else "OVER BUDGET (or the query count grows with responses)")
    sys.exit(0 if within else 1)


if __name__ == "__main__":
    main()
