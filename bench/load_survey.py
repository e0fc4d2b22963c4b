"""Survey answering under load: respondents answer through the real pages, served by gunicorn on
PostgreSQL, and every acknowledged submit must be stored (target: 300 submits/s, p95 < 200 ms).

Run: .venv/bin/python bench/load_survey.py [--duration 60] [--concurrency 64] [--workers 4]
     [--worker-class sync|gthread] [--threads 1] [--flow pages|api] [--cost-only]

The script (re)creates the PostgreSQL database LOAD_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/pga_load), migrates it, loads the methodology, opens an audit's
survey with one shared link through the services, collects the static files, starts gunicorn with
production settings (DEBUG off, persistent connections) and runs a bounded, closed-loop load:
`--concurrency` virtual respondents, each answering one questionnaire after another for `--duration`
seconds. A respondent on the pages flow does what a browser does: GET the first page (CSRF cookie,
draft cookie, submission id), POST each section with "Next" (kept as a server-side draft) and follow
the redirect to the next page, then POST the profile page with "Submit" and follow the redirect to
the thank-you page (2 + 2 x sections requests). The api flow GETs the questionnaire as JSON and
POSTs the complete answer set once. Each respondent comes from its own loopback address
(127.1.x.y), as respondents do from their own devices, so the per-address throttle applies as in
production.

It prints the command and /proc/loadavg first, then the app's own cost per request of both flows
(SQL queries and CPU ms through Django's test client: robust to a busy machine), then for the load
run: submits/s sustained, the latency percentiles of the submit POST and of every request, the CPU
share of gunicorn, PostgreSQL and the load generator itself, the errors, and finally counts the
stored responses and fails unless stored == acknowledged. --cost-only stops after the cost table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import itertools
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pga_load")
HOST, PORT = "127.0.0.1", 8765
JSON = "application/json"
WARM_UP_SECONDS = 3
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="load-survey-static-"))
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": "load-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "CONN_MAX_AGE": "600",
    "STATIC_ROOT": str(STATIC_ROOT),
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import wrk_load  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from audits import services as audit_services  # noqa: E402
from audits.models import Audit, Organization  # noqa: E402
from audits.surveys import selectors, services  # noqa: E402
from audits.surveys.models import Instrument, Response, Survey  # noqa: E402


def recreate_database() -> None:
    name = connection.settings_dict["NAME"]
    connections.close_all()
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def open_survey() -> Survey:
    """An audit in fieldwork on KA08 and KA09 with the library questionnaire, open with a shared link."""
    staff = get_user_model().objects.create_superuser("loadtest", "load@example.org", "load-test-password-1")
    organization = Organization.objects.create(name="Load test organization")
    audit = audit_services.audit_create(
        actor=staff, organization=organization, modality="selective", title="Load test", people_in_scope=5000
    )
    audit.key_areas.set(audit.methodology.key_areas.filter(code__in=["KA08", "KA09"]))
    Audit.objects.filter(pk=audit.pk).update(phase="fieldwork")
    audit = Audit.objects.get(pk=audit.pk)
    library = Instrument.objects.get(code="pga-staff", audit__isnull=True)
    services.survey_prepare(actor=staff, audit=audit, instrument=library)
    return services.survey_open(
        actor=staff, audit=audit, closes_on=datetime.date.today() + datetime.timedelta(days=7), mode="shared"
    )


@dataclass(frozen=True)
class Questionnaire:
    """What a respondent fills in: each section's questions, then the profile block."""

    sections: list[list[dict]]
    profile: list[dict]

    def section_answers(self, rng: random.Random, index: int) -> list[tuple[str, str]]:
        fields = []
        for question in self.sections[index]:
            codes = [choice["code"] for choice in question["choices"]]
            if question["type"] == "text":
                fields.append((f"q-{question['code']}", "More flexible hours for everyone."))
            elif question["type"] == "multiple":
                fields += [(f"q-{question['code']}", code) for code in rng.sample(codes, min(2, len(codes)))]
            else:
                fields.append((f"q-{question['code']}", rng.choice(codes)))
        return fields

    def profile_answers(self, rng: random.Random) -> list[tuple[str, str]]:
        return [(f"p-{f['code']}", rng.choice([c["code"] for c in f["choices"]])) for f in self.profile]

    def complete(self, rng: random.Random) -> dict:
        answers: dict = {}
        for index in range(len(self.sections)):
            for name, value in self.section_answers(rng, index):
                code = name[2:]
                multiple = any(q["code"] == code and q["type"] == "multiple" for q in self.sections[index])
                if multiple:
                    answers.setdefault(code, []).append(value)
                else:
                    answers[code] = value
        return {"answers": answers, "profile": {name[2:]: v for name, v in self.profile_answers(rng)}}


def questionnaire_of(survey: Survey) -> Questionnaire:
    instrument = selectors.instrument_with_content(survey.instrument_id)
    sections = [
        [{"code": q.code, "type": q.type, "choices": q.choices} for q in section.questions.all()]
        for section in instrument.sections.all()
    ]
    return Questionnaire(sections=sections, profile=instrument.profile_fields)


def _pages_steps(token: str, q: Questionnaire, rng: random.Random) -> list[tuple[str, str, str, dict]]:
    """(label, method, path, form data) of one respondent through the pages, redirects followed."""
    path, last = f"/s/{token}/", len(q.sections)
    steps = [("pages: GET first page", "GET", path, {})]
    for index in range(last):
        data = {"page": index, "action": "next", **dict(q.section_answers(rng, index))}
        steps.append((f"pages: POST section {index + 1}", "POST", path, data))
        steps.append((f"pages: GET page {index + 2}", "GET", f"{path}?page={index + 1}", {}))
    data = {"page": last, "action": "submit", "submission_id": uuid.uuid4().hex}
    steps.append(("pages: POST submit", "POST", path, {**data, **dict(q.profile_answers(rng))}))
    steps.append(("pages: GET done page", "GET", f"{path}done/?stored=1", {}))
    return steps


def cost_per_request(token: str, questionnaire: Questionnaire, respondents: int = 30) -> list[tuple]:
    """(request, SQL queries, median CPU ms of this Python process) for each request of a respondent
    on both flows, through Django's test client in this process: the app's own cost, whatever else
    loads the machine (time.process_time; the database server's CPU is not included)."""
    rng, api = random.Random(0), f"/api/respond/{quote(token)}/"
    queries: dict[str, int] = {}
    cpu: dict[str, list[float]] = {}

    def measure(label: str, expected: tuple, client: Client, method: str, path: str, **kwargs) -> None:
        started = time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, **kwargs) if method == "POST" else client.get(path)
        cpu.setdefault(label, []).append(time.process_time() - started)
        assert response.status_code in expected, (label, response.status_code)
        queries[label] = len(captured)

    for _ in range(respondents):
        client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
        for label, method, url, data in _pages_steps(token, questionnaire, rng):
            measure(label, (200, 302), client, method, url, data=data)
        client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
        measure("api: GET questionnaire", (200,), client, "GET", api)
        body = {"submission_id": uuid.uuid4().hex, "browser_key": "", **questionnaire.complete(rng)}
        measure("api: POST submit", (201,), client, "POST", f"{api}submit/", data=body, content_type=JSON)
    return [(label, queries[label], statistics.median(times) * 1000) for label, times in cpu.items()]


# The load generator: raw HTTP/1.1 over asyncio streams, one source address per respondent.


class HTTPError(Exception):
    pass


@dataclass
class Stats:
    submits_acknowledged: int = 0
    submits_already: int = 0
    respondents_started: int = 0
    submit_latencies: list[float] = field(default_factory=list)
    request_latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    unknown_outcome: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Connection:
    """One keep-alive connection from a given source address; reconnects when the server closes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> tuple:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, PORT, local_addr=(self.source, 0))
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{PORT}", "Accept-Language: en"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body or method == "POST":
            lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
            if "csrftoken" in self.cookies:
                lines.append(f"X-CSRFToken: {self.cookies['csrftoken']}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                name, value = name.strip().lower(), value.strip()
                if name == "set-cookie":
                    cookie = value.split(";", 1)[0]
                    key, _, cookie_value = cookie.partition("=")
                    self.cookies[key] = cookie_value
                else:
                    headers[name] = value
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        else:
            payload = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, payload


SUBMISSION = re.compile(rb'name="submission_id" value="(\w+)"')
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


async def timed(stats: Stats, conn: Connection, *args, **kwargs) -> tuple:
    started = time.perf_counter()
    result = await conn.request(*args, **kwargs)
    elapsed = time.perf_counter() - started
    stats.request_latencies.append(elapsed)
    return elapsed, result


async def respondent_pages(
    stats: Stats, source: str, token: str, q: Questionnaire, rng: random.Random
) -> None:
    conn, path = Connection(source), f"/s/{token}/"
    try:
        _, (status, _, page) = await timed(stats, conn, "GET", path)
        if status != 200:
            raise HTTPError(f"GET first page {status}")
        csrf, submission = CSRF.search(page).group(1).decode(), SUBMISSION.search(page).group(1).decode()
        form = "application/x-www-form-urlencoded"
        for index in range(len(q.sections)):
            data = [
                ("csrfmiddlewaretoken", csrf),
                ("page", index),
                ("action", "next"),
                ("submission_id", submission),
            ]
            body = urlencode(data + q.section_answers(rng, index)).encode()
            _, (status, headers, _) = await timed(stats, conn, "POST", path, body, form)
            if status != 302:
                raise HTTPError(f"POST section {status}")
            _, (status, _, page) = await timed(stats, conn, "GET", headers["location"])  # the next page
            if status != 200:
                raise HTTPError(f"GET next page {status}")
            if SUBMISSION.search(page).group(1).decode() != submission:
                raise HTTPError("submission id changed between pages")
        data = [
            ("csrfmiddlewaretoken", csrf),
            ("page", len(q.sections)),
            ("action", "submit"),
            ("submission_id", submission),
        ]
        body = urlencode(data + q.profile_answers(rng)).encode()
        try:
            elapsed, (status, headers, _) = await timed(stats, conn, "POST", path, body, form)
        except (OSError, asyncio.IncompleteReadError):
            stats.unknown_outcome += 1
            raise
        location = headers.get("location", "")
        if status == 302 and location.endswith("stored=1"):
            stats.submits_acknowledged += 1
            stats.submit_latencies.append(elapsed)
        elif status == 302 and location.endswith("stored=0"):
            stats.submits_already += 1
        else:
            raise HTTPError(f"POST submit {status}")
        _, (status, _, _) = await timed(stats, conn, "GET", location)  # the thank-you page
        if status != 200:
            raise HTTPError(f"GET done page {status}")
    finally:
        await conn.close()


async def respondent_api(stats: Stats, source: str, token: str, q: Questionnaire, rng: random.Random) -> None:
    conn, quoted = Connection(source), quote(token)
    try:
        _, (status, _, _) = await timed(stats, conn, "GET", f"/api/respond/{quoted}/")
        if status != 200:
            raise HTTPError(f"GET questionnaire {status}")
        payload = {"submission_id": uuid.uuid4().hex, "browser_key": "", **q.complete(rng)}
        body = json.dumps(payload).encode()
        try:
            elapsed, (status, _, _reply) = await timed(
                stats, conn, "POST", f"/api/respond/{quoted}/submit/", body, "application/json"
            )
        except (OSError, asyncio.IncompleteReadError):
            stats.unknown_outcome += 1
            raise
        if status == 201:
            stats.submits_acknowledged += 1
            stats.submit_latencies.append(elapsed)
        elif status == 200:
            stats.submits_already += 1
        else:
            raise HTTPError(f"POST submit {status}")
    finally:
        await conn.close()


def addresses():
    """127.1.0.1 … 127.1.255.254: every respondent its own device."""
    for high, low in itertools.product(range(256), range(1, 255)):
        yield f"127.1.{high}.{low}"


async def load(token: str, q: Questionnaire, *, flow: str, duration: float, concurrency: int) -> tuple:
    stats, sources, rng = Stats(), addresses(), random.Random(2026)
    respondent = respondent_pages if flow == "pages" else respondent_api
    deadline = time.perf_counter() + duration

    async def user() -> None:
        while time.perf_counter() < deadline:
            stats.respondents_started += 1
            try:
                await respondent(stats, next(sources), token, q, rng)
            except HTTPError as error:
                stats.error(str(error))
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                stats.error(type(error).__name__)

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    return stats, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]
        if len(values) > 1
        else values[0]
    )


def start_gunicorn(workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--preload",
        "--log-level",
        "warning",
        "--keep-alive",
        "5",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **SERVER_ENV}, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, PORT), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of every core since boot, from /proc/stat."""
    user, nice, system, idle, iowait, *rest = map(int, Path("/proc/stat").read_text().split()[1:11])
    busy = user + nice + system + sum(rest)
    return busy, busy + idle + iowait


def process_cpu(match) -> dict[int, float]:
    """CPU seconds (user + system) of every process whose /proc/<pid>/stat fields and cmdline match."""
    seconds = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp ...
        if match(fields, cmdline):
            seconds[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def wrk_measure(args, survey: Survey, questionnaire: Questionnaire, gunicorn, postgres) -> int:
    """The api flow driven by wrk (bench/wrk_load.py); 0 when nothing was lost."""
    rng, url = random.Random(2026), f"http://{HOST}:{PORT}"
    bodies = [json.dumps({"browser_key": "", **questionnaire.complete(rng)}) for _ in range(500)]
    print(
        f"gunicorn: {args.workers} {args.worker_class} workers x {args.threads} thread(s); wrk with "
        f"{args.concurrency} connections (respondents) for {args.duration:.0f} s"
    )
    wrk_load.run(url, survey.shared_token, bodies, duration=WARM_UP_SECONDS, connections=args.concurrency)
    before = Response.objects.filter(survey=survey).count()
    connections.close_all()
    cpu_before = (machine_cpu(), process_cpu(gunicorn), process_cpu(postgres))
    result = wrk_load.run(
        url, survey.shared_token, bodies, duration=args.duration, connections=args.concurrency
    )
    cpu_after = (machine_cpu(), process_cpu(gunicorn), process_cpu(postgres))
    stored = Response.objects.filter(survey=survey).count() - before
    rate = result.requests / result.elapsed
    print(f"elapsed {result.elapsed:.1f} s; requests {result.requests} ({rate:.0f}/s)")
    print(f"submits acknowledged {result.acknowledged} ({result.submits_per_second:.1f}/s sustained)")
    print(
        f"every request latency (GET and POST together): p50 {result.p50 * 1000:.0f} ms, "
        f"p95 {result.p95 * 1000:.0f} ms, p99 {result.p99 * 1000:.0f} ms"
    )
    (busy0, total0), gunicorn0, postgres0 = cpu_before
    (busy1, total1), gunicorn1, postgres1 = cpu_after
    cores = result.elapsed * (os.cpu_count() or 1) / 100
    print(
        f"CPU during the run, share of all {os.cpu_count()} cores: machine busy "
        f"{100 * (busy1 - busy0) / max(1, total1 - total0):.0f} %; gunicorn "
        f"{cpu_used(gunicorn0, gunicorn1) / cores:.0f} %, PostgreSQL backends "
        f"{cpu_used(postgres0, postgres1) / cores:.0f} %, wrk {result.cpu_seconds / cores:.0f} %"
    )
    in_flight = stored - result.acknowledged
    print(
        f"errors: {result.failed} answered with another status, {result.socket_errors} socket errors; "
        f"duplicates refused: {result.already}"
    )
    kept = 0 <= in_flight <= args.concurrency and result.failed == 0
    print(
        f"stored responses {stored}; acknowledged {result.acknowledged}; stored but cut off when wrk "
        f"stopped: {in_flight} (at most one per connection): {'nothing lost' if kept else 'MISMATCH'}"
    )
    met = result.submits_per_second >= 300 and result.p95 < 0.2
    print(f"target {'met' if met else 'missed'} (300 submits/s, p95 < 200 ms)")
    return 0 if kept else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--flow", default="pages", choices=["pages", "api"])
    parser.add_argument(
        "--client",
        default="asyncio",
        choices=["asyncio", "wrk"],
        help="the load generator: this script's asyncio respondents, or wrk (C; api flow only)",
    )
    parser.add_argument(
        "--cost-only", action="store_true", help="print the per-request cost in this process and stop"
    )
    args = parser.parse_args()
    if args.client == "wrk" and (args.flow != "api" or not wrk_load.available()):
        parser.error("--client wrk drives the api flow only, and needs wrk (apt-get install wrk)")
    print(f"$ .venv/bin/python bench/{Path(__file__).name} {' '.join(sys.argv[1:])}")
    loadavg = Path("/proc/loadavg").read_text().strip()
    print(f"/proc/loadavg before the run: {loadavg}; {os.cpu_count()} cores")

    recreate_database()
    call_command("migrate", verbosity=0)
    call_command("loadmethodology", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    survey = open_survey()
    questionnaire = questionnaire_of(survey)
    print(
        f"survey {survey.pk}: {len(questionnaire.sections)} sections + profile, "
        f"{sum(map(len, questionnaire.sections))} questions; flow {args.flow}"
    )
    print("cost per request in this process (Django test client; median CPU of 30, database not included):")
    for label, count, cpu in cost_per_request(survey.shared_token, questionnaire):
        print(f"  {label}: {count} SQL queries, {cpu:.1f} ms CPU")
    if args.cost_only:
        return
    Response.objects.filter(survey=survey).delete()
    database = connection.settings_dict["NAME"]
    connections.close_all()

    server = start_gunicorn(args.workers, args.worker_class, args.threads)
    pgrp = str(os.getpgid(server.pid))

    def gunicorn(fields, cmdline):
        return fields[2] == pgrp

    def postgres(fields, cmdline):
        return cmdline.startswith("postgres:") and f" {database} " in cmdline

    if args.client == "wrk":
        try:
            sys.exit(wrk_measure(args, survey, questionnaire, gunicorn, postgres))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    try:
        print(
            f"gunicorn: {args.workers} {args.worker_class} workers x {args.threads} thread(s); "
            f"{args.concurrency} virtual respondents for {args.duration:.0f} s"
        )
        warm = dict(flow=args.flow, duration=WARM_UP_SECONDS, concurrency=args.workers * args.threads * 2)
        asyncio.run(load(survey.shared_token, questionnaire, **warm))  # every worker has served
        before = Response.objects.filter(survey=survey).count()
        connections.close_all()
        cpu_before = (machine_cpu(), time.process_time(), process_cpu(gunicorn), process_cpu(postgres))
        stats, elapsed = asyncio.run(
            load(
                survey.shared_token,
                questionnaire,
                flow=args.flow,
                duration=args.duration,
                concurrency=args.concurrency,
            )
        )
        cpu_after = (machine_cpu(), time.process_time(), process_cpu(gunicorn), process_cpu(postgres))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = Response.objects.filter(survey=survey).count() - before
    requests = len(stats.request_latencies)
    ms = 1000
    print(
        f"elapsed {elapsed:.1f} s; respondents started {stats.respondents_started}; requests {requests} "
        f"({requests / elapsed:.0f}/s)"
    )
    print(
        f"submits acknowledged {stats.submits_acknowledged} "
        f"({stats.submits_acknowledged / elapsed:.1f}/s sustained)"
    )
    print(
        f"submit POST latency: p50 {percentile(stats.submit_latencies, 50) * ms:.0f} ms, "
        f"p95 {percentile(stats.submit_latencies, 95) * ms:.0f} ms, "
        f"p99 {percentile(stats.submit_latencies, 99) * ms:.0f} ms"
    )
    print(
        f"every request latency: p50 {percentile(stats.request_latencies, 50) * ms:.0f} ms, "
        f"p95 {percentile(stats.request_latencies, 95) * ms:.0f} ms, "
        f"p99 {percentile(stats.request_latencies, 99) * ms:.0f} ms"
    )
    (busy0, total0), generator0, gunicorn0, postgres0 = cpu_before
    (busy1, total1), generator1, gunicorn1, postgres1 = cpu_after
    cores = elapsed * (os.cpu_count() or 1) / 100
    generator = (generator1 - generator0) / cores
    print(
        f"CPU during the run, share of all {os.cpu_count()} cores: machine busy "
        f"{100 * (busy1 - busy0) / max(1, total1 - total0):.0f} %; gunicorn "
        f"{cpu_used(gunicorn0, gunicorn1) / cores:.0f} %, PostgreSQL backends of {database} "
        f"{cpu_used(postgres0, postgres1) / cores:.0f} %, load generator {generator:.0f} % "
        f"(the rest is other work on the machine)"
    )
    print(
        f"errors: {sum(stats.errors.values())} {stats.errors}; submits with unknown outcome: "
        f"{stats.unknown_outcome}; duplicates refused: {stats.submits_already}"
    )
    print(
        f"stored responses {stored}; acknowledged {stats.submits_acknowledged}: "
        f"{'nothing lost' if stored == stats.submits_acknowledged else 'MISMATCH'}"
    )
    p95 = percentile(stats.submit_latencies, 95)
    target = stats.submits_acknowledged / elapsed >= 300 and p95 < 0.2
    print(
        "target met (300 submits/s, p95 < 200 ms)"
        if target
        else "target missed (300 submits/s, p95 < 200 ms)"
    )
    sys.exit(0 if stored == stats.submits_acknowledged else 1)


if __name__ == "__main__":
    main()
