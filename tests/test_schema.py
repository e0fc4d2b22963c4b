"""/api/schema/ documents each operation's refusals, its lists and its files as they are answered."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def statuses(schema: dict, path: str, method: str) -> set[int]:
    return {int(code) for code in schema["paths"][path][method]["responses"]}


def test_error_component_is_what_the_handler_sends(schema):
    error = schema["components"]["schemas"]["Error"]

    assert error["required"] == ["detail"]
    assert error["properties"]["detail"]["type"] == "string"
    assert error["properties"]["problems"]["items"] == {"type": "string"}


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        # signed-in read of one object: refused input or state, not signed in or not allowed, unknown
        ("/api/audits/{id}/", "get", {200, 400, 403, 404}),
        # a write with a body: also conflicts and the body's size and media type
        ("/api/organizations/", "post", {201, 400, 403, 409, 413, 415}),
        # a write without a body on an object
        ("/api/audits/{audit_pk}/report/renders/{render_pk}/retry/", "post", {202, 400, 403, 404, 409}),
        # a paginated list answers 404 for a page past the end
        ("/api/key-areas/", "get", {200, 400, 403, 404}),
        # public and throttled; a bad token is still refused (403)
        ("/api/roster/", "get", {200, 400, 403, 404, 429}),
        ("/api/certificates/verify/{code}/", "get", {200, 403, 404, 429}),
        # respondent links: no account, so no 403; unknown links are throttled, used ones are gone
        ("/api/respond/{token}/", "get", {200, 404, 410, 429}),
        ("/api/respond/{token}/draft/", "put", {204, 400, 404, 409, 410, 413, 415, 429}),
    ],
)
def test_each_operation_documents_the_refusals_its_view_can_give(schema, path, method, expected):
    assert statuses(schema, path, method) == expected
    responses = schema["paths"][path][method]["responses"]
    for code in expected - {200, 201, 202, 204}:
        assert responses[str(code)]["content"] == {"application/json": {"schema": ERROR}}, code


@pytest.mark.parametrize(
    "path",
    [
        "/api/audits/{id}/team/",
        "/api/audits/{audit_pk}/findings/",
        "/api/audits/{audit_pk}/survey/open-answers/",
    ],
)
def test_lists_answered_whole_are_documented_as_arrays(schema, path):
    operation = schema["paths"][path]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]

    assert answer["type"] == "array"
    assert "page" not in {parameter["name"] for parameter in operation.get("parameters", [])}


def test_files_are_documented_with_their_media_types(schema):
    paths = schema["paths"]
    pdf = paths["/api/audits/{audit_pk}/report/snapshots/{version}/pdf/"]["get"]["responses"]["200"]
    export = paths["/api/audits/{audit_pk}/exports/{name}"]["get"]["responses"]["200"]

    assert set(pdf["content"]) == {"application/pdf"}
    assert set(export["content"]) == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
        "text/csv",
    }
