"""Schemathesis over every API operation, as every role: never a server error, every answer documented.

The schema is the one /api/schema/ serves, generated in-process; requests go through the WSGI app in
the test's transaction, each example in its own savepoint. Path parameters name organization A's real
objects (from the same table as the permission matrix), so the generated bodies and queries reach
the services instead of stopping at "no such audit". Both valid and invalid data are generated.
Every answer below 500 must be one the schema documents: its status, its media type, its body.
"""

from __future__ import annotations

import json

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from audits.surveys.selectors import library_instruments
from tests.misuse.world import KWARGS, ROLES, SHARED_KWARGS, Side, World

# Each operation gets CASES generated requests. The staff administrator and the lead facilitator (who
# pass the permission checks, so reach the services) send every case; the other roles take turns,
# ROLES_PER_CASE a case, and each sends at least one. Kept small: CI runs it on SQLite and PostgreSQL.
CASES = 4
ALWAYS = ["admin", "lead"]
ROLES_PER_CASE = 2
OTHER_ROLES = [role for role in ROLES if role not in ALWAYS]
# Where fuzzing wants another object than the matrix: the library's questionnaire, not an audit's copy.
FUZZ_KWARGS = {("survey-instruments", "survey-instruments", "pk"): lambda world: _library_instrument(world)}
SETTINGS = dict(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)
CONFORMANCE = (status_code_conformance, content_type_conformance, response_schema_conformance)


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    schema.app = WSGIHandler()
    return schema


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _keys(path: str) -> list[tuple[str, tuple[str, str, str]]]:
    """Each path parameter with its KWARGS key, as the matrix keys a URL pattern's keywords."""
    segments = path.removeprefix("/api/").strip("/").split("/")
    keys = []
    for index, segment in enumerate(segments):
        if segment.startswith("{"):
            name = segment.strip("{}")
            keys.append((name, (segments[0], segments[index - 1], "pk" if name == "id" else name)))
    return keys


def _library_instrument(world: World) -> int:
    return library_instruments(world.a.audit.methodology).first().pk


def path_parameters(operation, world: World) -> list[dict]:
    """Organization A's objects for the path; audit-level operations also get A's other audits."""
    side: Side = world.a
    values = {}
    for name, key in _keys(operation.path):
        if key in FUZZ_KWARGS:
            values[name] = FUZZ_KWARGS[key](world)
        elif key in KWARGS:
            values[name] = KWARGS[key](side)
        elif key in SHARED_KWARGS:
            values[name] = SHARED_KWARGS[key](world)
        else:
            raise KeyError(f"{operation.label}: no object for {key}; add it to tests/misuse/world.py KWARGS")
    choices = [values]
    names = list(values)
    if operation.path.startswith("/api/audits/") and names in (["audit_pk"], ["id"]):
        choices += [{names[0]: audit.pk} for audit in (side.fieldwork, side.preparation)]
    return choices


def _strategy(operation, choices: list[dict]):
    """Valid and invalid data (path parameters fixed to real objects), in one deterministic stream."""
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    return st.one_of(
        [operation.as_strategy(mode, path_parameters=parameters) for parameters in choices for mode in modes]
    )


@pytest.fixture
def in_process_app(settings):
    """Schemathesis calls the app as http://localhost; the handler must not close the test's connection."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def undocumented(case, response) -> list[str]:
    """How the answer differs from what the schema documents for it (status, media type, body)."""
    try:
        case.validate_response(response, checks=list(CONFORMANCE))
    except BaseExceptionGroup as group:  # schemathesis raises its failures as one group
        return [f"{failure.title}: {' '.join(failure.message.split())}" for failure in group.exceptions]
    return []


def _send(case, role: str, world: World) -> tuple[int, str]:
    """One request as the role, in a savepoint rolled back at once; (status, what to report if it failed)."""
    headers = {"Authorization": f"Token {world.tokens[role]}"} if role in world.tokens else {}
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    problems = ["server error"] if response.status_code >= 500 else undocumented(case, response)
    if not problems:
        return response.status_code, ""
    report = (
        f"{role}: {case.method} {case.formatted_path} -> {response.status_code}: {'; '.join(problems)}\n"
        f"    {case.as_curl_command(headers=headers)}\n    {response.content[:500].decode(errors='replace')}"
    )
    return response.status_code, report


def fuzz(operation, world: World) -> list[tuple[str, int, str]]:
    """(role, status, report) for every request sent to the operation."""
    sent, cases = [], []

    @hypothesis.settings(max_examples=CASES, **SETTINGS)
    @hypothesis.given(case=_strategy(operation, path_parameters(operation, world)))
    def run(case):
        turn = len(cases)
        cases.append(case)
        others = [OTHER_ROLES[(turn * ROLES_PER_CASE + k) % len(OTHER_ROLES)] for k in range(ROLES_PER_CASE)]
        sent.extend((role, *_send(case, role, world)) for role in [*ALWAYS, *others])

    run()
    # A small input space (a GET without parameters) yields fewer cases: the last one serves the rest.
    for role in sorted(set(ROLES) - {role for role, _status, _report in sent}):
        sent.append((role, *_send(cases[-1], role, world)))
    return sent


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_no_server_error_and_every_answer_documented_for_any_role(world, db, in_process_app, operation):
    sent = fuzz(operation, world)

    assert {role for role, _status, _report in sent} == set(ROLES)
    failures = [report for _role, _status, report in sent if report]
    assert not failures, "\n".join(failures)


def test_the_fuzzing_reaches_the_services(world, db, in_process_app):
    """Not every answer is a refusal: tokens sign the roles in and the bodies get past the serializers."""
    operation = next(op for op in OPERATIONS if op.label == "PATCH /api/audits/{id}/")

    statuses = {status for _role, status, _report in fuzz(operation, world)}

    assert 200 in statuses and statuses & {400, 409}, statuses


def test_an_undocumented_answer_is_reported(world, db, in_process_app, settings):
    """The conformance checks bite: without config.schema's refusals, an anonymous 403 is undocumented."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    }
    bare = _schema()["/api/audits/{id}/"]["GET"]
    documented = SCHEMA["/api/audits/{id}/"]["GET"]
    path = {"id": world.a.audit.pk}

    status, report = _send(bare.Case(path_parameters=path), "anonymous", world)
    assert status == 403 and "Undocumented status code: Received: 403" in report, report
    assert _send(documented.Case(path_parameters=path), "anonymous", world) == (403, "")
