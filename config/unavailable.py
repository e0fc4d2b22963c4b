"""A database that is restarting or unreachable answers 503 "try again", never a 500.

Respondents submitting a survey while the database restarts see that their answers are kept on
their device (static/js/surveys.js keeps them) and that they can send them again; API clients get
the same refusal as JSON. The page is rendered without a request context, so showing it needs no
database (no session, no user).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
RESPONDENT_VIEWS = {"surveys:respond", "surveys:respond-draft", "surveys:respond-done"}


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable during %s %s", request.method, request.path, exc_info=exception)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": _("The service cannot reach its database just now; try again in a moment.")},
                status=503,
            )
        else:
            respondent = getattr(request.resolver_match, "view_name", "") in RESPONDENT_VIEWS
            response = HttpResponse(
                render_to_string("503.html", {"respondent": respondent, "again": request.get_full_path()}),
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
