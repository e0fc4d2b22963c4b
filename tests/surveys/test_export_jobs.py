"""The survey's XLSX workbook is prepared by the task worker: request, build, download, reuse, retry."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from audits.models import TeamRole
from audits.surveys import export_jobs, exports, links
from audits.surveys.links import invitation_token
from audits.surveys.models import ExportStatus, Invitation, SurveyExport
from audits.surveys.tasks import build_export
from config.errors import Conflict, DomainError, Forbidden
from tests.factories import add_member, make_audit
from tests.surveys.conftest import add_responses

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def seeded(team, count=12):
    rows = [
        (
            {"ka08_recruitment": str(1 + i % 5), "ka09_respect": "4", "ka10_change": f"idea {i}"},
            gender,
            "senior",
        )
        for i, gender in zip(range(count), ["woman", "man"] * count, strict=False)
    ]
    add_responses(team.audit.survey, rows)
    return team


@pytest.fixture
def answered(opened):
    return seeded(opened)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def run(export: SurveyExport) -> SurveyExport:
    """What the worker does with the enqueued task: the task function, called in this thread."""
    build_export.call(export.pk, export.attempts)
    export.refresh_from_db()
    return export


def base(team) -> str:
    return f"/audits/{team.audit.pk}/survey"


def stored(export: SurveyExport) -> Path:
    return Path(export.file.path)


# Request, build, download


def test_a_request_is_queued_then_built_into_the_workbook_the_team_downloads(answered, client):
    export = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en")
    assert (export.status, export.progress, export.file.name) == (ExportStatus.QUEUED, 0, "")

    export = run(export)
    assert (export.status, export.progress, export.error) == (ExportStatus.DONE, 100, "")
    assert export.size == stored(export).stat().st_size and export.finished_at is not None
    assert str(answered.audit.pk) in export.file.name and "survey" not in Path(export.file.name).name

    client.force_login(answered.co)
    response = client.get(f"{base(answered)}/exports/{export.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Cache-Control"] == "private, no-store"
    assert f'filename="survey-{answered.audit.pk}.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["responses", "figures", "gaps", "notes"]
    header, *rows = list(workbook["responses"].iter_rows(values_only=True))
    assert len(rows) == 12 and "ka08_recruitment" in header and "ka10_change" not in header
    assert "KA08" in [row[0] for row in workbook["figures"].iter_rows(values_only=True)]


def test_the_api_requests_polls_and_downloads(answered):
    lead = api_as(answered.lead)
    api = f"/api{base(answered)}"
    queued = lead.post(f"{api}/exports/")
    assert queued.status_code == 202
    body = queued.json()
    assert (body["status"], body["download"], body["retry"]) == ("queued", None, None)
    assert lead.get(f"{api}/exports/{body['id']}/download/").status_code == 409

    run(SurveyExport.objects.get(pk=body["id"]))
    state = lead.get(body["url"]).json()
    assert (state["status"], state["progress"]) == ("done", 100)
    download = lead.get(state["download"])
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_the_old_synchronous_xlsx_address_leads_to_the_background_export(answered, client):
    api = api_as(answered.lead).get(f"/api{base(answered)}/export/xlsx/")
    assert api.status_code == 409 and api.json()["exports"].endswith(f"/api{base(answered)}/exports/")
    client.force_login(answered.lead)
    page = client.get(f"{base(answered)}/export/xlsx/")
    assert page.status_code == 302 and page["Location"] == f"{base(answered)}/analysis/#export"
    assert client.get(f"{base(answered)}/export/csv/").status_code == 200  # the CSV stays immediate
    assert not SurveyExport.objects.exists()


def test_a_survey_with_too_few_responses_is_refused_and_nothing_is_queued(opened, client):
    seeded(opened, count=3)
    with pytest.raises(DomainError, match="at least 5 people"):
        export_jobs.export_request(actor=opened.lead, audit=opened.audit)
    client.force_login(opened.lead)
    response = client.post(f"{base(opened)}/exports/", follow=True)
    assert "at least 5 people" in response.content.decode()
    assert not SurveyExport.objects.exists()


# Reuse


def test_unchanged_responses_reuse_the_finished_export(answered):
    first = run(export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en"))
    again = export_jobs.export_request(actor=answered.co, audit=answered.audit, language="en")
    assert again.pk == first.pk and SurveyExport.objects.count() == 1
    answer = api_as(answered.lead).post(f"/api{base(answered)}/exports/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200 and answer.json()["id"] == first.pk and answer.json()["download"]


def test_a_request_while_one_is_under_way_returns_that_one(answered):
    first = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en")
    assert export_jobs.export_request(actor=answered.co, audit=answered.audit, language="en").pk == first.pk


def test_a_new_response_makes_a_new_export_and_the_old_file_goes(
    answered, django_capture_on_commit_callbacks
):
    first = run(export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en"))
    old_file = stored(first)
    add_responses(answered.audit.survey, [({"ka08_recruitment": "5"}, "woman", "senior")])

    second = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en")
    assert second.pk != first.pk and second.fingerprint != first.fingerprint
    with django_capture_on_commit_callbacks(execute=True):
        second = run(second)
    assert second.status == ExportStatus.DONE
    assert not SurveyExport.objects.filter(pk=first.pk).exists() and not old_file.exists()
    rows = list(load_workbook(second.file.path, read_only=True)["responses"].iter_rows(values_only=True))
    assert len(rows) == 1 + 13


def test_another_language_is_its_own_export(answered):
    english = run(export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en"))
    french = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="fr")
    assert french.pk != english.pk and french.language == "fr"


# Who may


def test_other_organizations_respondents_and_anonymous_visitors_are_refused(answered, client):
    export = run(export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en"))
    pages = [f"{base(answered)}/exports/{export.pk}/", f"{base(answered)}/exports/{export.pk}/download/"]
    apis = [
        f"/api{base(answered)}/exports/{export.pk}/",
        f"/api{base(answered)}/exports/{export.pk}/download/",
    ]

    outsider = add_member(make_audit("selective"), TeamRole.LEAD).user
    client.force_login(outsider)
    assert [client.get(url).status_code for url in pages] == [404, 404]
    assert client.post(f"{base(answered)}/exports/").status_code == 404
    assert [api_as(outsider).get(url).status_code for url in apis] == [404, 404]
    assert api_as(outsider).post(f"/api{base(answered)}/exports/").status_code == 404

    client.force_login(answered.coordinator)  # the organization's coordinator: no analysis, no export
    assert [client.get(url).status_code for url in pages] == [403, 403]
    assert client.post(f"{base(answered)}/exports/").status_code == 403
    assert [api_as(answered.coordinator).get(url).status_code for url in apis] == [403, 403]
    with pytest.raises(Forbidden):
        export_jobs.export_request(actor=answered.coordinator, audit=answered.audit)

    client.logout()  # a respondent: their link opens the questionnaire, nothing else
    token = invitation_token("n" * 32)
    Invitation.objects.create(survey=answered.audit.survey, nonce="n" * 32, token_hash=links.digest(token))
    assert client.get(f"/s/{token}/").status_code == 200
    for url in pages:
        assert client.get(url)["Location"].startswith("/accounts/login/"), url
    assert client.post(f"{base(answered)}/exports/")["Location"].startswith("/accounts/login/")
    anonymous = APIClient()
    assert [anonymous.get(url).status_code for url in apis] in ([401, 401], [403, 403])
    assert anonymous.post(f"/api{base(answered)}/exports/").status_code in (401, 403)
    assert SurveyExport.objects.count() == 1


def test_an_export_of_another_audit_is_not_found_through_this_one(answered, client):
    export = run(export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en"))
    other = make_audit("selective")
    lead = add_member(other, TeamRole.LEAD).user
    client.force_login(lead)
    assert client.get(f"/audits/{other.pk}/survey/exports/{export.pk}/download/").status_code == 404


# Failure, retry, a worker gone


def test_a_failing_build_is_marked_failed_and_offers_a_retry(answered, client, monkeypatch):
    export = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en")

    def broken(survey, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "responses_xlsx", broken)
    with pytest.raises(RuntimeError):
        build_export.call(export.pk, export.attempts)
    export.refresh_from_db()
    assert (export.status, export.error, export.file.name) == (
        ExportStatus.FAILED,
        "RuntimeError: disk full",
        "",
    )

    client.force_login(answered.lead)
    page = client.get(f"{base(answered)}/exports/{export.pk}/").content.decode()
    assert (
        "could not be prepared" in page and "disk full" in page and 'data-testid="xlsx-export-retry"' in page
    )
    assert 'http-equiv="refresh"' not in page
    assert client.get(f"{base(answered)}/exports/{export.pk}/download/").status_code == 302

    monkeypatch.undo()
    assert client.post(f"{base(answered)}/exports/{export.pk}/retry/").status_code == 302
    export.refresh_from_db()
    assert (export.status, export.attempts, export.error) == (ExportStatus.QUEUED, 2, "")
    assert run(export).status == ExportStatus.DONE


def test_only_a_failed_export_is_retried(answered):
    export = run(export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en"))
    with pytest.raises(Conflict, match="Only a failed export"):
        export_jobs.export_retry(actor=answered.lead, export=export)
    assert api_as(answered.lead).post(f"/api{base(answered)}/exports/{export.pk}/retry/").status_code == 409


def test_a_worker_that_stopped_beating_leaves_a_failed_export_to_retry(answered):
    export = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en")
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    SurveyExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    export.refresh_from_db()
    assert exports.effective_status(export) == ExportStatus.FAILED
    assert "worker stopped" in exports.effective_error(export)
    # A new request does not wait for the dead one.
    fresh = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en")
    assert fresh.pk != export.pk
    assert export_jobs.exports_sweep() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED


def test_a_late_worker_with_an_old_attempt_leaves_the_export_alone(answered, monkeypatch):
    export = export_jobs.export_request(actor=answered.lead, audit=answered.audit, language="en")
    monkeypatch.setattr(exports, "responses_xlsx", lambda survey, progress=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build_export.call(export.pk, 1)
    monkeypatch.undo()
    export = export_jobs.export_retry(actor=answered.lead, export=export)
    assert build_export.call(export.pk, 1) == {"export": export.pk, "attempt": 1, "skipped": True}
    assert run(export).status == ExportStatus.DONE


# The pages


def test_the_pages_show_each_state_of_the_export(answered, client):
    client.force_login(answered.lead)
    analysis = client.get(f"{base(answered)}/analysis/").content.decode()
    assert 'data-testid="xlsx-export-prepare"' in analysis and "Export XLSX" not in analysis

    requested = client.post(f"{base(answered)}/exports/")
    export = SurveyExport.objects.get()
    assert requested["Location"] == f"{base(answered)}/exports/{export.pk}/"
    queued = client.get(requested["Location"]).content.decode()
    assert 'http-equiv="refresh"' in queued and ">Queued<" in queued and 'value="0"' in queued
    assert 'data-testid="xlsx-export-prepare"' not in queued

    SurveyExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, progress=40, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    running = client.get(requested["Location"]).content.decode()
    assert 'http-equiv="refresh"' in running and ">Preparing<" in running and 'value="40"' in running
    analysis = client.get(f"{base(answered)}/analysis/").content.decode()
    assert ">Preparing<" in analysis and "Follow its progress" in analysis

    SurveyExport.objects.filter(pk=export.pk).update(status=ExportStatus.QUEUED, progress=0)
    run(export)
    done = client.get(requested["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in done and ">Ready<" in done
    assert f"/exports/{export.pk}/download/" in done and 'data-testid="xlsx-export-prepare"' in done
    analysis = client.get(f"{base(answered)}/analysis/").content.decode()
    assert f"/exports/{export.pk}/download/" in analysis and "xlsx-export-outdated" not in analysis

    add_responses(answered.audit.survey, [({"ka08_recruitment": "4"}, "man", "support")])
    analysis = client.get(f"{base(answered)}/analysis/").content.decode()
    assert f"/exports/{export.pk}/download/" in analysis and 'data-testid="xlsx-export-outdated"' in analysis


# Through the real worker


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_the_worker_builds_what_the_page_requested(answered, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(answered.lead)
    assert client.post(f"{base(answered)}/exports/").status_code == 302
    assert SurveyExport.objects.get().status == ExportStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    export = SurveyExport.objects.get()
    assert (export.status, export.progress) == (ExportStatus.DONE, 100) and export.task_id
    assert load_workbook(export.file.path, read_only=True).sheetnames[0] == "responses"
