"""Background rendering: progress and errors recorded, retries, renders that never finish, the command."""

import datetime
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.errors import Conflict, Forbidden
from reports import rendering, selectors, services
from reports.models import RenderStatus, ReportRender

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def request(team, run_on_commit, **kwargs):
    with run_on_commit():
        render = services.report_request(actor=team.people["lead"], audit=team.audit, **kwargs)
    render.refresh_from_db()
    return render


def test_a_render_records_its_result(complete, run_on_commit):
    render = request(complete, run_on_commit)
    assert (render.status, render.progress, render.stage, render.attempts) == ("ready", 100, "done", 1)
    assert render.started_at and render.finished_at and render.pages > 3 and render.task_id
    assert bytes(render.pdf).startswith(b"%PDF") and render.size == len(bytes(render.pdf))


def test_a_failed_render_shows_its_error_and_can_be_retried(complete, run_on_commit, monkeypatch):
    def broken(html):
        raise RuntimeError("the layout engine ran out of memory")

    monkeypatch.setattr(rendering, "html_to_pdf", broken)
    render = request(complete, run_on_commit)
    assert render.status == RenderStatus.FAILED
    assert render.error == "RuntimeError: the layout engine ran out of memory"
    monkeypatch.undo()
    with run_on_commit():
        services.render_retry(actor=complete.people["lead"], render=render)
    render.refresh_from_db()
    assert (render.status, render.attempts, render.error) == ("ready", 2, "")
    with pytest.raises(Conflict, match="Only a failed render"):
        services.render_retry(actor=complete.people["lead"], render=render)


def test_a_render_that_never_finishes_is_shown_as_failed_and_retried(complete, settings, run_on_commit):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with run_on_commit():
        render = services.report_request(actor=complete.people["lead"], audit=complete.audit)
    render.refresh_from_db()
    assert selectors.effective_status(render) == RenderStatus.QUEUED
    old = timezone.now() - selectors.STALE_AFTER - datetime.timedelta(minutes=1)
    ReportRender.objects.filter(pk=render.pk).update(requested_at=old)  # no worker ever picked it up
    render.refresh_from_db()
    assert selectors.effective_status(render) == RenderStatus.FAILED
    assert "did not finish within 10 minutes" in selectors.effective_error(render)
    again = services.report_request(actor=complete.people["lead"], audit=complete.audit)
    assert again.pk != render.pk  # a stale render does not hold new requests back
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with run_on_commit():
        services.render_retry(actor=complete.people["lead"], render=render)
    render.refresh_from_db()
    assert render.status == "ready" and render.attempts == 2
    assert services.render_run(render_id=render.pk, attempt=1)[
        "skipped"
    ]  # a late worker with the old attempt


def test_a_queued_render_is_not_requested_twice(complete, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    first = services.report_request(actor=complete.people["lead"], audit=complete.audit)
    second = services.report_request(actor=complete.people["co_facilitator"], audit=complete.audit)
    assert first.pk == second.pk


def test_the_coordinator_reads_but_does_not_render(complete):
    with pytest.raises(Forbidden):
        services.report_request(actor=complete.people["coordinator"], audit=complete.audit)


def test_the_progress_report_during_follow_up(complete, run_on_commit, tmp_path):
    from tests.reports.conftest import flat, pdf_pages
    from tests.roadmap.builders import set_phase

    complete.audit = set_phase(complete.audit, "follow_up")
    render = request(complete, run_on_commit, kind="progress")
    assert render.status == "ready", render.error
    text = flat(" ".join(pdf_pages(bytes(render.pdf), tmp_path)))
    assert "Roadmap progress report" in text and "Run a joint pay assessment" in text


def test_renderreport_writes_the_pdf(complete, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    call_command("renderreport", str(complete.audit.pk), "--out", str(out), "--language", "es")
    assert out.read_bytes().startswith(b"%PDF")
    assert "pages" in capsys.readouterr().out
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, check=True).stdout.decode()
    assert "Resumen ejecutivo" in text
