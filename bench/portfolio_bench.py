"""Time the portfolio dashboards on a national programme (bench/national.py) against hand-written SQL.

Each selector and each page/API request is timed as the median of --runs runs (budget: 1 s each),
with its number of queries. The heaviest dashboard, key-area scores by region, is compared with the
same aggregation written as one SQL query, twice: over the raw answers (what the dashboard would
cost without the scores each survey stores when it closes) and over the stored scores. Each SQL
result is first checked equal to the selector's figures before suppression. Closed surveys must have
their scores stored (bench/national.py runs `manage.py scoresurveys`).

Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pga_national .venv/bin/python bench/portfolio_bench.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import math  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from audits.surveys.models import Question, QuestionType  # noqa: E402
from reports import portfolio  # noqa: E402

BUDGET = 1.0
ELIGIBLE = """(s.status = 'closed' OR (s.status = 'open' AND s.closes_at <= now()))
    AND s.instrument_id IS NOT NULL AND a.phase <> 'cancelled'"""
GROUP = "CASE WHEN r.gender IN ('woman', 'man') THEN r.gender ELSE 'not_stated' END"


def median_time(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def likert_mapping() -> dict[str, tuple[list[str], list[str]]]:
    """{question code: (key areas, scoring choice codes)}, the same in every questionnaire in use."""
    variants = set(
        (code, tuple(areas), tuple(c["code"] for c in choices if c["code"].isdigit()))
        for code, areas, choices in Question.objects.filter(
            type=QuestionType.LIKERT, instrument__surveys__isnull=False
        ).values_list("code", "key_areas", "choices")
    )
    mapping = {code: (list(areas), list(codes)) for code, areas, codes in variants}
    assert len(mapping) == len(variants), "questionnaires differ: the hand-written SQL assumes one mapping"
    return mapping


def raw_answers_sql(mapping: dict) -> str:
    """Per respondent, each key area's mean over its Likert questions answered 1-5; then sums by region."""
    areas = sorted({area for area_list, _codes in mapping.values() for area in area_list})
    extract = ", ".join(f"r.answers ->> '{code}' AS \"{code}\"" for code in mapping)

    def score(area: str) -> str:
        members = [(code, codes) for code, (area_list, codes) in mapping.items() if area in area_list]
        value = " + ".join(
            f'CASE WHEN "{c}" IN ({", ".join(repr(x) for x in codes)}) THEN "{c}"::float ELSE 0 END'
            for c, codes in members
        )
        count = " + ".join(
            f'CASE WHEN "{c}" IN ({", ".join(repr(x) for x in codes)}) THEN 1 ELSE 0 END'
            for c, codes in members
        )
        return f'({value}) / NULLIF({count}, 0) AS "{area}"'

    unpivot = ", ".join(f"('{area}', \"{area}\")" for area in areas)
    return f"""
        SELECT region, grp, area, count(score), sum(score) FROM (
          SELECT region, grp, {", ".join(score(area) for area in areas)} FROM (
            SELECT o.region, {GROUP} AS grp, {extract}
            FROM surveys_response r
            JOIN surveys_survey s ON s.id = r.survey_id
            JOIN audits_audit a ON a.id = s.audit_id
            JOIN audits_organization o ON o.id = a.organization_id
            WHERE {ELIGIBLE} OFFSET 0) answers OFFSET 0) per_respondent
        CROSS JOIN LATERAL (VALUES {unpivot}) AS scores(area, score)
        WHERE score IS NOT NULL
        GROUP BY region, grp, area"""


STORED_SQL = f"""
    SELECT o.region, ss."group", ss.key_area, sum(ss.respondents), sum(ss.score_sum)
    FROM surveys_keyareascore ss
    JOIN surveys_survey s ON s.id = ss.survey_id
    JOIN audits_audit a ON a.id = s.audit_id
    JOIN audits_organization o ON o.id = a.organization_id
    WHERE ss.key_area <> '' AND {ELIGIBLE}
    GROUP BY 1, 2, 3"""


def run_sql(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute(sql)
        return {
            (region, group, area): (int(n), float(total))
            for region, group, area, n, total in cursor.fetchall()
        }


def selector_sums() -> dict:
    """The selector's figures before suppression: respondents and score sums per cell."""
    counted = [pk for pk, _region, _k, responses in portfolio.closed_surveys() if responses is not None]
    n, totals = portfolio.score_sums(counted)
    return {
        (region, group, area): (int(n.at[(region, area), group]), float(totals.at[(region, area), group]))
        for region, area in n.index
        for group in n.columns
        if n.at[(region, area), group]
    }


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[key][0] == b[key][0] and math.isclose(a[key][1], b[key][1], rel_tol=1e-9) for key in a
    )


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sql-runs", type=int, default=3)
    options = parser.parse_args()
    translation.activate("en")
    load = Path("/proc/loadavg").read_text().strip()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; load average {load}")
    scores = portfolio.key_area_scores_by_region()
    print(f"closed surveys counted: {scores.surveys}, waiting for their scores: {scores.waiting}")
    assert not scores.waiting, "run manage.py scoresurveys first"
    failed = False
    print(f"selectors (median of {options.runs}):")
    for name, function in [
        ("phase counts", portfolio.phase_counts),
        ("key-area scores by region", portfolio.key_area_scores_by_region),
        ("expiring certifications (90 days)", portfolio.expiring_certifications),
    ]:
        elapsed, _result = median_time(function, options.runs)
        failed |= elapsed >= BUDGET
        print(f"  {name:<36} {elapsed:.3f} s  {queries(function)} queries")
    manager = get_user_model().objects.filter(groups__name="Programme managers").first()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(manager)
    print(f"requests through the test client (median of {options.runs}):")
    for name in [
        "reports:portfolio",
        "reports:portfolio-regions",
        "reports:portfolio-expiring",
        "reports-api:portfolio-phases",
        "reports-api:portfolio-regions",
        "reports-api:portfolio-expiring",
    ]:
        url = reverse(name)
        client.get(url)
        elapsed, response = median_time(lambda url=url: client.get(url), options.runs)
        assert response.status_code == 200, (url, response.status_code)
        failed |= elapsed >= BUDGET
        print(f"  GET {url:<36} {elapsed:.3f} s  {queries(lambda url=url: client.get(url))} queries")
    if connection.vendor != "postgresql":
        print("hand-written SQL comparison skipped: it is written for PostgreSQL")
        sys.exit(1 if failed else 0)
    selector_time, _r = median_time(portfolio.key_area_scores_by_region, options.runs)
    expected = selector_sums()
    stored_time, stored = median_time(lambda: run_sql(STORED_SQL), options.runs)
    assert same(stored, expected), "the SQL over stored scores disagrees with the selector"
    raw_time, raw = median_time(lambda: run_sql(raw_answers_sql(likert_mapping())), options.sql_runs)
    assert same(raw, expected), "the SQL over raw answers disagrees with the selector"
    cells = len(expected)
    print(f"key-area scores by region: {cells} region x gender x key-area cells, equal in all three")
    print(f"  selector (stored scores + disclosure) {selector_time:.3f} s")
    for name, elapsed in [("stored scores", stored_time), ("raw answers", raw_time)]:
        print(f"  one SQL query over the {name:<13}  {elapsed:.3f} s  ratio {selector_time / elapsed:.3f}x")
    print("within budget" if not failed else "OVER BUDGET")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
