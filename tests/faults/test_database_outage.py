"""The database goes away during survey submissions: respondents get a "try again" page (503), the
draft stays, no half-written response is left, and sending the same answers again stores them once."""

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from audits.surveys import links, services
from audits.surveys.models import Draft, Invitation, Response, Survey
from tests.faults.conftest import answer_sections

TRY_AGAIN = "We could not save your answers just now. Your answers are kept on this device"


def assert_try_again_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert TRY_AGAIN in page and "Back to the questionnaire" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_cut_mid_submit_keeps_nothing_half_written(shared_path, client, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("Terminating the server process behind a connection needs PostgreSQL.")
    data = answer_sections(client, shared_path)
    create = Response.objects.create

    def create_then_lose_the_server(**fields):
        response = create(**fields)
        assert Response.objects.filter(pk=response.pk).exists()  # inserted, not yet committed
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return response

    monkeypatch.setattr(Response.objects, "create", create_then_lose_the_server)
    assert_try_again_page(client.post(shared_path, data))
    monkeypatch.undo()

    assert Response.objects.count() == 0
    assert Draft.objects.count() == 1  # the server-side draft is still there to resume from
    stored = client.post(shared_path, data)
    assert stored.status_code == 302 and "stored=1" in stored["Location"]
    assert Response.objects.count() == 1
    assert Response.objects.get().answers["ka08_recruitment"] == "5"
    assert client.post(shared_path, data)["Location"].endswith("stored=0")  # a second retry adds nothing
    assert Response.objects.count() == 1 and not Draft.objects.exists()


@pytest.mark.django_db
def test_an_operational_error_inside_the_submit_gives_the_try_again_page(shared_path, client, monkeypatch):
    data = answer_sections(client, shared_path)
    drafts = Draft.objects.filter

    def the_server_goes_away(*args, **kwargs):
        if Response.objects.exists():  # the response row is written: fail before the commit
            raise OperationalError("server closed the connection unexpectedly")
        return drafts(*args, **kwargs)

    monkeypatch.setattr(Draft.objects, "filter", the_server_goes_away)
    assert_try_again_page(client.post(shared_path, data))
    monkeypatch.undo()
    assert Response.objects.count() == 0 and Draft.objects.count() == 1
    assert client.post(shared_path, data).status_code == 302
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_with_no_database_at_all_the_pages_say_try_again(shared_path, client):
    data = answer_sections(client, shared_path)

    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        assert_try_again_page(client.post(shared_path, data))
        assert_try_again_page(client.get(shared_path))  # the page itself needs no database
        token = shared_path.split("/")[2]
        api = client.post(
            reverse("survey-respond-submit", args=[token]),
            {"submission_id": "a" * 32, "answers": {}, "profile": {}},
            content_type="application/json",
        )
        staff = client.post("/accounts/login/", {"username": "lead", "password": "secret"})
    assert api.status_code == 503 and "try again" in api.json()["detail"]
    assert staff.status_code == 503 and "Try again" in staff.content.decode()
    assert "your answers" not in staff.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_a_submit_racing_the_close_is_refused(shared_path, client, monkeypatch):
    """The submit re-reads the survey under its lock: a close that lands after the link was read wins."""
    data = answer_sections(client, shared_path)
    resolve = links.resolve

    def closed_meanwhile(token):
        link = resolve(token)
        Survey.objects.update(status="closed")
        return link

    monkeypatch.setattr(links, "resolve", closed_meanwhile)
    refused = client.post(shared_path, data)
    assert refused.status_code == 400 and "survey is closed" in refused.content.decode()
    assert Response.objects.count() == 0


def blocked_by_me() -> int:
    """How many other sessions of the database wait for a lock this session holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
        )
        return cursor.fetchone()[0]


def in_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_submit_arriving_during_a_close_waits_for_it_then_is_refused(
    prepared, shared_path, client, monkeypatch
):
    """The real close holds the survey row (FOR UPDATE) until the submit is seen waiting for it."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks across connections need PostgreSQL.")
    data = answer_sections(client, shared_path)
    locked, erase = threading.Event(), Invitation.objects.filter

    def erase_once_the_submit_waits(*args, **kwargs):  # survey_close's step after locking the survey
        if threading.current_thread() is not threading.main_thread():
            locked.set()
            deadline = time.monotonic() + 30
            while not blocked_by_me() and time.monotonic() < deadline:
                time.sleep(0.01)
        return erase(*args, **kwargs)

    monkeypatch.setattr(Invitation.objects, "filter", erase_once_the_submit_waits)
    closing = in_thread(lambda: services.survey_close(actor=prepared.lead, audit=prepared.audit))
    assert locked.wait(30)
    refused = client.post(shared_path, data)
    closing.join(30)
    assert refused.status_code == 400 and "survey is closed" in refused.content.decode()
    assert Response.objects.count() == 0 and Survey.objects.get().status == "closed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_submit_in_flight_holds_up_a_close_but_not_other_submits(prepared, shared_path, client):
    """Submits share the survey row lock (FOR SHARE): one in flight lets another through, not a close."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks across connections need PostgreSQL.")
    data = answer_sections(client, shared_path)
    survey = Survey.objects.get()
    holding, release = threading.Event(), threading.Event()

    def submit_in_flight():
        with transaction.atomic():
            assert services._accepting_under_lock(survey.pk)
            holding.set()
            release.wait(30)

    in_flight = in_thread(submit_in_flight)
    assert holding.wait(30)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # a bound, so a wrong lock fails instead of hanging
        stored = client.post(shared_path, data)
        assert stored.status_code == 302 and "stored=1" in stored["Location"]
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '100ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            services.survey_close(actor=prepared.lead, audit=prepared.audit)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        in_flight.join(30)
    services.survey_close(actor=prepared.lead, audit=prepared.audit)
    assert Response.objects.count() == 1 and Survey.objects.get().status == "closed"
