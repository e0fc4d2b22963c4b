"""API-wide error shape: every refusal is JSON with a "detail" a person can read."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError


def _flatten(errors, prefix: str = "") -> list[str]:
    """Field errors as sentences: {"title": ["This field is required."]} -> ["title: This field..."]."""
    if isinstance(errors, dict):
        return [
            line
            for name, value in errors.items()
            for line in _flatten(value, f"{prefix}{name}: " if name != "non_field_errors" else prefix)
        ]
    if isinstance(errors, list):
        return [line for value in errors for line in _flatten(value, prefix)]
    return [f"{prefix}{errors}"]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "problems": exc.details}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, ValidationError) and response is not None:
        problems = _flatten(response.data)
        fields = response.data if isinstance(response.data, dict) else {}
        response.data = {"detail": "Invalid input: " + " ".join(problems), "problems": problems, **fields}
    return response


def named_choice_field(name: str, choices) -> type:
    """A choice field class documented as its own named schema component.

    drf-spectacular names shared enums after the field ("status", "kind"), which collide across the
    API's apps; a named component per choice set keeps the schema free of ambiguous names.
    """
    from drf_spectacular.utils import extend_schema_field
    from rest_framework import serializers

    def __init__(self, **kwargs):
        serializers.ChoiceField.__init__(self, choices=choices, **kwargs)

    field = type(name, (serializers.ChoiceField,), {"__init__": __init__})
    return extend_schema_field(
        {"type": "string", "enum": [value for value, _label in choices]}, component_name=name
    )(field)


class CellSerializer(serializers.Serializer):
    """A figure about people as the disclosure rule hands it out: null with suppressed true when hidden."""

    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
