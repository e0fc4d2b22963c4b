"""The GEOSA report: self-ratings, the staff survey beside them, the adviser's statement, the roadmap.

Rendered here with WeasyPrint because `reports` sits above this app (reports -> selfassessment) and
cannot be imported from it; `reports` can call `geosa_report_html` to put it behind its own renderer.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audits.disclosure import footnote
from audits.models import Audit
from selfassessment import selectors

TEMPLATE = "selfassessment/report.html"


def report_context(audit: Audit) -> dict:
    """Everything the template shows, read in a fixed number of queries."""
    from audits.roadmap.selectors import roadmap

    ratings = selectors.ratings_of(audit)
    parameters = selectors.parameters(audit)
    accepted = selectors.accepted_request(audit)
    return {
        "audit": audit,
        "ratings": [
            (rating, parameters.level_title(rating.level) if parameters else str(rating.level))
            for rating in ratings
        ],
        "comparison": selectors.survey_comparison(audit, ratings),
        "adviser": accepted,
        "plans": [plan for plan in roadmap(audit, with_findings=False) if plan.recommendations],
        "team": selectors.internal_team_of(audit),
        "k": audit.min_group_size,
        "footnote": footnote(audit.min_group_size),
        "today": timezone.localdate(),
    }


def geosa_report_html(audit: Audit, language: str | None = None) -> str:
    with translation.override(language or audit.language):
        return render_to_string(TEMPLATE, report_context(audit))


def geosa_report_pdf(audit: Audit, language: str | None = None) -> bytes:
    from weasyprint import HTML  # heavy import, needed only when a PDF is made

    html = geosa_report_html(audit, language)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
