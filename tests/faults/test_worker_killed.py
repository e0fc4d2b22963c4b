"""The task worker is killed in the middle of a report render: once its lease runs out the render reads
as failed with a retry offered, a sweep records it so, and a retry on a fresh worker completes."""

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports import rendering, selectors, services
from reports.models import RenderStatus, ReportRender
from tests.reports.conftest import complete  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2
ABANDONED = "The worker stopped while rendering; retry."


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "") -> object:
    """Poll until the condition holds (a timeout, not a speed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker() -> subprocess.Popen:
    """`manage.py db_worker` in its own process, on the test database, with a short lease."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REPORT_RENDER_LEASE_SECONDS": str(LEASE_SECONDS),
        "DEBUG": "0",
        "SECRET_KEY": "worker-test-secret",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def fetch(render: ReportRender) -> ReportRender:
    return ReportRender.objects.defer("pdf").get(pk=render.pk)


@pytest.fixture
def short_lease(settings):
    settings.REPORT_RENDER_LEASE_SECONDS = LEASE_SECONDS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_leaves_a_failed_render_that_a_retry_completes(
    complete,  # noqa: F811
    short_lease,
    client,
):
    if connection.vendor != "postgresql":
        pytest.skip("A worker process shares the test database only on PostgreSQL (SQLite's is in memory).")
    lead = complete.people["lead"]
    render = services.report_request(actor=lead, audit=complete.audit)
    worker = start_worker()
    try:
        wait_for(
            lambda: fetch(render).status == RenderStatus.RENDERING, what="the worker to claim the render"
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    killed = ReportRender.objects.get(pk=render.pk)
    assert killed.status == RenderStatus.RENDERING and killed.pdf is None  # stopped mid-render
    assert killed.heartbeat_at is not None

    # Read lazily: once the lease is over the render is failed, with its retry, before any sweep.
    wait_for(
        lambda: selectors.effective_status(fetch(render)) == RenderStatus.FAILED, what="the lease to end"
    )
    client.force_login(lead)
    api = client.get(reverse("reports-api:render", args=[complete.audit.pk, render.pk])).json()
    assert (api["status"], api["error"]) == ("failed", ABANDONED)
    page = client.get(reverse("reports:report", args=[complete.audit.pk])).content.decode()
    assert ABANDONED in page and reverse("reports:retry", args=[complete.audit.pk, render.pk]) in page

    out = io.StringIO()
    call_command("sweeprenders", stdout=out)
    assert out.getvalue().startswith("1 abandoned render")
    swept = fetch(render)
    assert (swept.status, swept.error) == (RenderStatus.FAILED, ABANDONED)

    retried = client.post(reverse("reports-api:render-retry", args=[complete.audit.pk, render.pk]))
    assert retried.status_code == 202 and retried.json()["attempts"] == 2
    fresh = start_worker()
    try:
        wait_for(lambda: fetch(render).status == RenderStatus.READY, timeout=180, what="the retry to finish")
    finally:
        fresh.terminate()
        fresh.wait(timeout=30)
    done = ReportRender.objects.get(pk=render.pk)
    assert (done.attempts, done.error, done.progress) == (2, "", 100)
    assert bytes(done.pdf).startswith(b"%PDF") and done.pages > 3


@pytest.mark.django_db
def test_a_render_without_heartbeat_for_the_lease_reads_failed_and_is_swept(complete, short_lease):  # noqa: F811
    now = timezone.now()
    long_ago = now - selectors.STALE_AFTER * 2
    beating, silent = (
        ReportRender.objects.create(
            audit=complete.audit, language="en", status="rendering", started_at=long_ago, heartbeat_at=beat
        )
        for beat in (now, long_ago)
    )
    # A long render whose worker still beats keeps going, whatever its age; a silent one is failed.
    assert selectors.effective_status(fetch(beating)) == RenderStatus.RENDERING
    assert selectors.effective_status(fetch(silent)) == RenderStatus.FAILED
    assert selectors.effective_error(fetch(silent)) == ABANDONED
    assert services.renders_sweep() == 1
    assert (fetch(silent).status, fetch(silent).error) == ("failed", ABANDONED)
    assert fetch(beating).status == "rendering"


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_weasyprint_lays_out(complete, settings, monkeypatch):  # noqa: F811
    settings.REPORT_RENDER_LEASE_SECONDS = 0.6  # a beat every 0.1 s
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    render = services.report_request(actor=complete.people["lead"], audit=complete.audit)
    lay_out = rendering.html_to_pdf
    beats = []

    def slow_layout(html):
        claimed = fetch(render).heartbeat_at
        beats.append(wait_for(lambda: fetch(render).heartbeat_at > claimed, timeout=30, what="a heartbeat"))
        return lay_out(html)

    monkeypatch.setattr(rendering, "html_to_pdf", slow_layout)
    services.render_run(render_id=render.pk, attempt=1)
    assert beats == [True] and fetch(render).status == RenderStatus.READY
