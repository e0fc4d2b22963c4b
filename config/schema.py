"""The OpenAPI schema documents every answer, refusals included, from one rule over each view.

A view documents its success answer; its refusals come from places shared by every view (the
exception handler of config.api, DRF's authentication, permission, throttle and pagination checks,
the request size limit of config.limits), so which ones an operation can give follows from the
view and the operation itself, and is added here rather than repeated on every view.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

DESCRIPTIONS = {
    400: (
        "The input or the request was refused: `detail` says why, `problems` lists each problem; "
        "an invalid field's messages are also under the field's name."
    ),
    401: "Not signed in: send credentials.",
    403: "Not signed in, the credentials are invalid, or this role may not do this.",
    404: "No such object, or one you may not know exists; or no such page of a list.",
    409: "The object's state does not allow this now (it changed, or is not ready).",
    410: "The link can no longer be used (not open yet, closed, or already used).",
    413: "The request is larger than the service accepts.",
    415: "The request body's media type is not one the operation reads.",
    429: "Too many requests or unknown codes from this connection: retry after Retry-After seconds.",
}


class ErrorSerializer(serializers.Serializer):
    """What every refusal answers, whichever check refused: the API's handler, DRF, the size limit."""

    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    problems = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Every problem, one sentence each (refused input or a refused change).",
    )

    class Meta:
        ref_name = "Error"


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """For `extend_schema(responses=...)`: a refusal the rule below cannot see from the view."""
    return {code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]) for code in statuses}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus each operation's refusals (REST_FRAMEWORK DEFAULT_SCHEMA_CLASS)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}
        responses = operation["responses"]
        for code in sorted(self.error_statuses(operation)):
            responses.setdefault(
                str(code), {"description": DESCRIPTIONS[code], "content": {"application/json": error}}
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation: dict) -> set[int]:
        """The refusals this operation can answer, read from its view, its parameters and its method."""
        parameters = operation.get("parameters", [])
        in_path = any(parameter["in"] == "path" for parameter in parameters)
        query = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
        has_body = "requestBody" in operation
        unsafe = self.method in UNSAFE_METHODS
        authenticators = self.view.get_authenticators()
        needs_user = not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        statuses = set()
        # Serializers and query parameters refuse bad input; the services and selectors behind a
        # signed-in operation refuse what the object's state forbids (DomainError, 400), and a write
        # overtaken by another person's (Conflict, 409).
        if unsafe or has_body or query or needs_user:
            statuses.add(400)
        if unsafe:
            statuses.add(409)
        if has_body:
            statuses |= {413, 415}
        # DRF answers 401 only when the first authenticator names a scheme, else 403; a bad token is
        # refused even where anyone may ask.
        if authenticators and authenticators[0].authenticate_header(None):
            statuses.add(401)
        if needs_user or authenticators:
            statuses.add(403)
        paginator = getattr(self.view, "paginator", None)
        if in_path or getattr(paginator, "page_query_param", None) in query:
            statuses.add(404)
        if self.view.get_throttles():
            statuses.add(429)
        return statuses
