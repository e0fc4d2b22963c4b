"""Requests too large to read are refused with 413 and the limit in words, never a 500 or a bare 400.

The middleware refuses a body over MAX_REQUEST_BYTES from its Content-Length, before anything reads
it (an upload that size is never written to disk); Django itself refuses form data over
DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields, which `bad_request` (handler400) words.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults


def size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KiB"


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or request.content_type == "application/json"
        or "application/json" in request.headers.get("Accept", "")
    )


def refusal(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "request_refused.html", {"message": message}, status=status)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = _("The request is larger than %(limit)s, the most this service accepts.") % {
        "limit": size_text(limit)
    }
    return refusal(request, message, status=413)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return too_large(request, settings.MAX_REQUEST_BYTES)
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exception, TooManyFieldsSent):
        message = _("The form sent more than %(count)d fields, the most this service accepts.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
        return refusal(request, message, status=400)
    if isinstance(exception, TooManyFilesSent):
        message = _("The form sent more than %(count)d files, the most this service accepts.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
        return refusal(request, message, status=400)
    return defaults.bad_request(request, exception)
