"""What the GEOSA report shows: self-ratings, the staff survey beside them, the adviser's statement,
the roadmap, and the change since a baseline audit.

The PDF is made by the reports app's background renderer (reports -> selfassessment), which adds the
draft or final stamp; this module only gathers the content, so the same data always gives the same
HTML and the renderer's data version stays meaningful.
"""

from __future__ import annotations

from audits.disclosure import footnote
from audits.models import Audit
from selfassessment import selectors

TEMPLATE = "selfassessment/report.html"


def report_context(audit: Audit) -> dict:
    """Everything the template shows, read in a fixed number of queries."""
    from audits.roadmap.selectors import roadmap

    ratings = selectors.ratings_of(audit)
    parameters = selectors.parameters(audit)
    comparison = selectors.survey_comparison(audit, ratings)
    baseline, changes = selectors.baseline_changes(audit, comparison)
    return {
        "audit": audit,
        "ratings": [
            (rating, parameters.level_title(rating.level) if parameters else str(rating.level))
            for rating in ratings
        ],
        "comparison": comparison,
        "baseline": baseline,
        "changes": changes,
        "adviser": selectors.accepted_request(audit),
        "plans": [plan for plan in roadmap(audit, with_findings=False) if plan.recommendations],
        "team": selectors.internal_team_of(audit),
        "k": audit.min_group_size,
        "footnote": footnote(audit.min_group_size),
    }
