"""Exit guard of the reporting phase: follow-up starts from an issued report.

Registered in audits.guards' registry when the app is ready (ReportsConfig.ready); the library
names it in the reporting phase's exit_guards.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.guards import guard
from audits.models import Audit
from reports.models import ReportSnapshot


@guard("report_issued", gettext_lazy("The final report is issued"))
def report_issued(audit: Audit) -> str | None:
    if ReportSnapshot.objects.filter(audit=audit).exists():
        return None
    return _("Issue the final report first: the organization follows up the roadmap of an issued report.")
