"""Exit guard of the feedback phase: the team has answered every comment of the organization.

The report must reflect the corrections management asked for (ILO: management and staff "validate
or correct" the draft findings), so the audit moves to reporting only once each comment is
resolved, with the team's answer recorded.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext

from audits.guards import guard
from audits.models import Audit
from audits.roadmap.selectors import open_comment_count


@guard("feedback_comments_resolved", gettext_lazy("Every feedback comment is resolved"))
def feedback_comments_resolved(audit: Audit) -> str | None:
    count = open_comment_count(audit)
    if not count:
        return None
    return ngettext(
        "%(count)d comment of the organization is not resolved yet; answer it on the feedback page.",
        "%(count)d comments of the organization are not resolved yet; answer them on the feedback page.",
        count,
    ) % {"count": count}
