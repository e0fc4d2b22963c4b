"""The fieldwork exit guard: a survey the audit uses must be closed, or skipped with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.guards import guard

if TYPE_CHECKING:
    from audits.models import Audit


@guard("survey_closed_or_skipped", gettext_lazy("The staff survey is closed or skipped"))
def survey_closed_or_skipped(audit: Audit) -> str | None:
    from audits.surveys.models import Survey, SurveyStatus

    survey = Survey.objects.filter(audit=audit).first()
    if survey is None or survey.effective_status in (SurveyStatus.CLOSED, SurveyStatus.SKIPPED):
        return None
    if survey.status == SurveyStatus.OPEN:
        return _("The staff survey is still open (until %(date)s); close it before moving on.") % {
            "date": date_format(localtime(survey.closes_at), "DATE_FORMAT") if survey.closes_at else "?"
        }
    return _("The staff survey has not run; open and close it, or skip it with a reason.")
