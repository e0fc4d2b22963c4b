"""The exit guards of the GEOSA phases, registered in the audits registry (imported from ready()).

Each returns None when it holds, or a plain sentence telling the focal point what to do next; the
wizard shows that sentence as the next step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audits.guards import guard
from facilitators.selectors import display_name

if TYPE_CHECKING:
    from audits.models import Audit


@guard("adviser_accepted", gettext_lazy("A technical adviser has accepted"))
def adviser_accepted(audit: Audit) -> str | None:
    from selfassessment.models import RequestStatus
    from selfassessment.selectors import latest_request

    latest = latest_request(audit)
    if latest is None:
        return _("Ask a certified facilitator to be your technical adviser.")
    if latest.status == RequestStatus.ACCEPTED:
        return None
    name = display_name(latest.adviser)
    if latest.status == RequestStatus.PENDING:
        return _("%(name)s has not answered your request yet; wait for the answer or ask someone else.") % {
            "name": name
        }
    return _("%(name)s declined to be your adviser; ask another certified facilitator.") % {"name": name}


@guard("trained_team_minimum", gettext_lazy("Enough of the internal team is trained"))
def trained_team_minimum(audit: Audit) -> str | None:
    from selfassessment.selectors import min_trained_team

    minimum = min_trained_team(audit)
    trained = audit.internal_team.filter(trained_on__isnull=False).count()
    if trained >= minimum:
        return None
    return ngettext(
        "%(trained)d member of the internal team has completed the training; at least %(minimum)d must.",
        "%(trained)d members of the internal team have completed the training; at least %(minimum)d must.",
        trained,
    ) % {"trained": trained, "minimum": minimum}


@guard("every_key_area_rated", gettext_lazy("Every chosen key area is rated with a justification"))
def every_key_area_rated(audit: Audit) -> str | None:
    rated = set(audit.geosa_ratings.exclude(justification="").values_list("key_area__code", flat=True))
    chosen = list(audit.key_areas.order_by("order").values_list("code", flat=True))
    if not chosen:
        return _("Choose the key areas to assess first.")
    missing = [code for code in chosen if code not in rated]
    if not missing:
        return None
    return _("Rate these key areas, saying why: %(codes)s.") % {"codes": ", ".join(missing)}


@guard(
    "adviser_comments_resolved",
    gettext_lazy("The adviser reviewed every rating and each comment is answered"),
)
def adviser_comments_resolved(audit: Audit) -> str | None:
    from selfassessment.models import AdviserComment, CommentKind, Rating

    ratings = list(Rating.objects.filter(audit=audit).select_related("key_area").order_by("key_area__order"))
    comments = list(
        AdviserComment.objects.filter(rating__audit=audit).values_list("rating_id", "kind", "answered_at")
    )
    reviewed = {rating_id for rating_id, _kind, _answered in comments}
    unreviewed = [rating.key_area.code for rating in ratings if rating.pk not in reviewed]
    open_count = sum(1 for _id, kind, answered in comments if kind != CommentKind.ACCEPT and answered is None)
    problems = []
    if unreviewed:
        problems.append(
            _("The adviser has not commented yet on: %(codes)s.") % {"codes": ", ".join(unreviewed)}
        )
    if open_count:
        problems.append(
            ngettext(
                "%(n)d comment of the adviser awaits the team's answer.",
                "%(n)d comments of the adviser await the team's answer.",
                open_count,
            )
            % {"n": open_count}
        )
    return " ".join(problems) or None


@guard("roadmap_has_action", gettext_lazy("The roadmap has at least one action"))
def roadmap_has_action(audit: Audit) -> str | None:
    if audit.roadmap_actions.exists():
        return None
    return _("Add at least one action to the roadmap: adopt a suggestion below or write your own.")
