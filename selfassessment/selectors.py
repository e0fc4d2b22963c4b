"""Reads for the GEOSA wizard: who may do what, the rubric, the ratings beside the staff survey.

The comparison of self-ratings with the staff survey is a pure pandas function (`compare`) fed by a
thin selector (`survey_comparison`) that reads the survey sub-app's analysis, whose figures already
passed the disclosure rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from audits import workflow
from audits.disclosure import Cell
from audits.models import Audit, KeyArea
from audits.selectors import audit_get, can_steer
from selfassessment.models import (
    AdviserComment,
    AdviserRequest,
    GeosaParameters,
    InternalTeamMember,
    MaturityLevel,
    Rating,
    RequestStatus,
)

GEOSA_MODALITY = "geosa"
# Phase codes of the GEOSA phase set (library data; these are their stable codes).
RATING_PHASES = ("self_assessment", "technical_review")
REVIEW_PHASES = ("self_assessment", "technical_review")
PLANNING_PHASE = "action_planning"

# The mismatch rule. The team's level and the staff's mean are both on a 1-5 scale. A difference of
# 1.5 points is more than a whole level even after the team's rating is rounded to a level, and well
# beyond the uncertainty of a Likert mean in a unit of a few dozen people (about +/-0.45 at 95 % for
# 20 answers with a standard deviation of 1), so it is a real disagreement worth discussing, not
# noise. A gap of 0.5 points between women's and men's means is half a scale step: about two
# standard errors for groups of 20, the size at which the survey analysis starts to call gaps
# meaningful; it is flagged for discussion, not claimed as significant (the survey page gives the
# interval). Gender means are compared only when both groups reach the audit's minimum group size.
TEAM_STAFF_GAP = 1.5
GENDER_GAP = 0.5
# Suggestions of the action library come from this many lowest-rated key areas.
SUGGESTED_KEY_AREAS = 3


def is_geosa(audit: Audit) -> bool:
    return audit.modality.code == GEOSA_MODALITY


def geosa_get(user, audit_id) -> Audit:
    """The GEOSA audit if the user may see it; 404 otherwise (and for audits of other modalities)."""
    audit = audit_get(user, audit_id)
    if not is_geosa(audit):
        raise Http404("No such self-assessment.")
    return audit


def requests_of(audit: Audit) -> list[AdviserRequest]:
    """Every adviser request of the audit, newest first (cached on the audit for the request)."""
    cache = audit.__dict__.setdefault("_geosa_cache", {})
    if "requests" not in cache:
        cache["requests"] = list(
            AdviserRequest.objects.filter(audit=audit)
            .select_related("adviser")
            .order_by("-requested_at", "-pk")
        )
    return cache["requests"]


def latest_request(audit: Audit) -> AdviserRequest | None:
    requests = requests_of(audit)
    return requests[0] if requests else None


def accepted_request(audit: Audit) -> AdviserRequest | None:
    return next((r for r in requests_of(audit) if r.status == RequestStatus.ACCEPTED), None)


def is_adviser(user, audit: Audit) -> bool:
    accepted = accepted_request(audit)
    return bool(user.is_authenticated and accepted is not None and accepted.adviser_id == user.pk)


def pending_requests_for(user) -> QuerySet[AdviserRequest]:
    """The requests waiting for this person's answer (they are not on those audits yet)."""
    return (
        AdviserRequest.objects.filter(adviser=user, status=RequestStatus.PENDING)
        .select_related("audit__organization", "audit__unit", "requested_by")
        .order_by("requested_at")
    )


def pending_request_get(user, request_id) -> AdviserRequest:
    try:
        return pending_requests_for(user).get(pk=request_id)
    except (AdviserRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request.") from None


def parameters(audit: Audit) -> GeosaParameters | None:
    cache = audit.__dict__.setdefault("_geosa_cache", {})
    if "parameters" not in cache:
        cache["parameters"] = GeosaParameters.objects.filter(
            methodology_id=audit.modality.methodology_id
        ).first()
    return cache["parameters"]


def min_trained_team(audit: Audit) -> int | None:
    found = parameters(audit)
    return found.min_trained_team if found else None


def internal_team_of(audit: Audit) -> list[InternalTeamMember]:
    return list(InternalTeamMember.objects.filter(audit=audit).select_related("user").order_by("name", "pk"))


def chosen_key_areas(audit: Audit) -> list[KeyArea]:
    return list(
        audit.key_areas.order_by("order").prefetch_related(
            Prefetch("maturity_levels", queryset=MaturityLevel.objects.order_by("level"))
        )
    )


def ratings_of(audit: Audit) -> list[Rating]:
    comments = AdviserComment.objects.select_related("author", "answered_by").order_by("created_at", "pk")
    return list(
        Rating.objects.filter(audit=audit)
        .select_related("key_area", "rated_by")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("key_area__order")
    )


def rating_get(audit: Audit, key_area_code: str) -> Rating:
    try:
        return Rating.objects.select_related("key_area").get(audit=audit, key_area__code=key_area_code)
    except Rating.DoesNotExist:
        raise Http404("No such rating.") from None


def comment_get(audit: Audit, comment_id) -> AdviserComment:
    try:
        return AdviserComment.objects.select_related("rating__key_area").get(
            rating__audit=audit, pk=comment_id
        )
    except (AdviserComment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such comment.") from None


# Self-ratings beside the staff survey -------------------------------------------------------------


@dataclass(frozen=True)
class AreaComparison:
    """One key area: the team's level, what staff perceive (overall and by gender), and the flags."""

    code: str
    name: str
    level: int | None
    staff: Cell | None
    women: Cell | None
    men: Cell | None
    gap: Cell | None
    team_higher: bool = False
    team_lower: bool = False
    gender_differs: bool = False

    @property
    def flagged(self) -> bool:
        return self.team_higher or self.team_lower or self.gender_differs


COMPARISON_COLUMNS = [
    "code",
    "name",
    "level",
    "staff_mean",
    "staff_n",
    "staff_hidden",
    "women_mean",
    "women_n",
    "women_hidden",
    "men_mean",
    "men_n",
    "men_hidden",
]


def compare(frame: pd.DataFrame, *, k: int) -> list[AreaComparison]:
    """Flag the key areas where self-ratings and the staff survey disagree (see TEAM_STAFF_GAP).

    `frame` has one row per key area with COMPARISON_COLUMNS: the team's level (1-5 or NaN), the
    staff's mean on the area's Likert questions with its number of respondents, and the same for
    women and men; `*_hidden` says the survey analysis already suppressed the figure (secondary
    suppression included). A figure about fewer than k people is hidden here too, and a flag is never
    raised from a hidden figure, so the flag itself cannot reveal a small group.
    """
    data = frame.reindex(columns=COMPARISON_COLUMNS).copy()
    for group in ("staff", "women", "men"):
        n = data[f"{group}_n"].fillna(0).astype(int)
        data[f"{group}_n"] = n
        hidden = data[f"{group}_hidden"].fillna(False).astype(bool) | ((n > 0) & (n < k))
        data[f"{group}_hidden"] = hidden
        data[f"{group}_shown"] = ~hidden & (n >= k) & data[f"{group}_mean"].notna()
    level = pd.to_numeric(data["level"], errors="coerce")
    difference = (level - data["staff_mean"]).where(data["staff_shown"] & level.notna()).round(6)
    gap = (data["women_mean"] - data["men_mean"]).where(data["women_shown"] & data["men_shown"]).round(6)
    data["team_higher"] = difference >= TEAM_STAFF_GAP
    data["team_lower"] = difference <= -TEAM_STAFF_GAP
    data["gender_differs"] = gap.abs() >= GENDER_GAP
    data["gap"] = gap

    def figure(row, group: str) -> Cell | None:
        if row[f"{group}_n"] == 0 and not row[f"{group}_hidden"]:
            return None
        value = None if pd.isna(row[f"{group}_mean"]) else float(row[f"{group}_mean"])
        return Cell(value, row[f"{group}_n"], bool(row[f"{group}_hidden"]), k)

    results = []
    for row in data.to_dict("records"):
        women, men = figure(row, "women"), figure(row, "men")
        gap_cell = None
        if women is not None and men is not None:
            hidden = women.suppressed or men.suppressed or not (row["women_shown"] and row["men_shown"])
            gap_value = None if pd.isna(row["gap"]) else float(row["gap"])
            gap_cell = Cell(gap_value, min(row["women_n"], row["men_n"]), hidden, k)
        results.append(
            AreaComparison(
                code=row["code"],
                name=row["name"],
                level=None if pd.isna(row["level"]) else int(row["level"]),
                staff=figure(row, "staff"),
                women=women,
                men=men,
                gap=gap_cell,
                team_higher=bool(row["team_higher"]),
                team_lower=bool(row["team_lower"]),
                gender_differs=bool(row["gender_differs"]),
            )
        )
    return results


def _cell_columns(prefix: str, figure: Cell | None) -> dict:
    if figure is None:
        return {f"{prefix}_mean": np.nan, f"{prefix}_n": 0, f"{prefix}_hidden": False}
    return {
        f"{prefix}_mean": np.nan if figure.value is None else figure.value,
        f"{prefix}_n": figure.n,
        f"{prefix}_hidden": figure.suppressed,
    }


def survey_comparison(audit: Audit, ratings: list[Rating] | None = None) -> list[AreaComparison]:
    """Every chosen key area's self-rating beside the staff survey's analysis (empty figures without one)."""
    from audits.surveys.selectors import response_count, survey_analysis, survey_of

    ratings = ratings_of(audit) if ratings is None else ratings
    levels = {rating.key_area.code: rating.level for rating in ratings}
    survey = survey_of(audit)
    areas: dict = {}
    gaps: dict = {}
    if survey is not None and survey.instrument_id is not None and response_count(survey):
        analysis = survey_analysis(survey)
        areas = {figure.code: figure for figure in analysis.key_areas}
        gaps = {gap.code: gap for gap in analysis.gaps if gap.kind == "key_area"}
    rows = []
    for key_area in audit.key_areas.order_by("order"):
        area, gap = areas.get(key_area.code), gaps.get(key_area.code)
        rows.append(
            {
                "code": key_area.code,
                "name": key_area.name,
                "level": levels.get(key_area.code, np.nan),
                **_cell_columns("staff", area.mean if area else None),
                **_cell_columns("women", gap.women if gap else None),
                **_cell_columns("men", gap.men if gap else None),
            }
        )
    return compare(pd.DataFrame(rows, columns=COMPARISON_COLUMNS), k=audit.min_group_size)


# Change since a baseline audit -------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineChange:
    """One key area then and now: the team's self-rated level and the staff's mean perception."""

    code: str
    name: str
    level_then: int | None
    level_now: int | None
    staff_then: Cell | None
    staff_now: Cell | None

    @property
    def level_change(self) -> int | None:
        if self.level_then is None or self.level_now is None:
            return None
        return self.level_now - self.level_then

    @property
    def staff_change(self) -> float | None:
        """Only between two shown means: a suppressed side gives no change (nothing to subtract)."""
        if not (_shown(self.staff_then) and _shown(self.staff_now)):
            return None
        return round(self.staff_now.value - self.staff_then.value, 2)


def _shown(figure: Cell | None) -> bool:
    return figure is not None and not figure.suppressed and figure.value is not None


def changes_since(now: list[AreaComparison], then: list[AreaComparison]) -> list[BaselineChange]:
    """The current audit's key areas beside the same areas in the baseline (absent there: empty)."""
    earlier = {item.code: item for item in then}
    changes = []
    for item in now:
        before = earlier.get(item.code)
        changes.append(
            BaselineChange(
                code=item.code,
                name=item.name,
                level_then=before.level if before else None,
                level_now=item.level,
                staff_then=before.staff if before else None,
                staff_now=item.staff,
            )
        )
    return changes


def baseline_changes(
    audit: Audit, comparison: list[AreaComparison]
) -> tuple[Audit | None, list[BaselineChange]]:
    """The audit's baseline (an earlier GEOSA or PGA of the organization) and the change per key area.

    A PGA baseline has no self-ratings, so only the staff survey is compared; its figures passed the
    disclosure rule in the survey analysis of each audit.
    """
    from audits.roadmap.selectors import baseline_of

    earlier = baseline_of(audit)
    if earlier is None:
        return None, []
    return earlier, changes_since(comparison, survey_comparison(earlier))


# Action planning -----------------------------------------------------------------------------------


def lowest_rated(ratings: list[Rating], count: int = SUGGESTED_KEY_AREAS) -> list[Rating]:
    """The `count` lowest-rated key areas (ties: in the methodology's order)."""
    return sorted(ratings, key=lambda rating: (rating.level, rating.key_area.order))[:count]


@dataclass
class Suggestion:
    rating: Rating
    templates: list = field(default_factory=list)


def suggestions(audit: Audit, ratings: list[Rating]) -> list[Suggestion]:
    """Typical actions of the library for the lowest-rated key areas, minus those already adopted."""
    from audits.roadmap.models import ActionTemplate

    lowest = lowest_rated(ratings)
    adopted = set(audit.roadmap_actions.exclude(template=None).values_list("template_id", flat=True))
    templates = ActionTemplate.objects.filter(
        methodology_id=audit.modality.methodology_id, key_area_id__in=[r.key_area_id for r in lowest]
    ).order_by("order")
    by_area: dict[int, list] = {}
    for template in templates:
        if template.pk not in adopted:
            by_area.setdefault(template.key_area_id, []).append(template)
    return [Suggestion(rating, by_area.get(rating.key_area_id, [])) for rating in lowest]


# The wizard ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    state: str  # "done", "current" or "upcoming"


def steps(audit: Audit) -> list[Step]:
    """The GEOSA phases with where the audit stands (on hold: where it was held)."""
    current_code = audit.held_phase if audit.phase == Audit.ON_HOLD else audit.phase
    ordered = workflow.phases(audit)
    position = next((index for index, phase in enumerate(ordered) if phase.code == current_code), None)
    result = []
    for index, phase in enumerate(ordered):
        if position is None:
            state = "upcoming"
        elif index < position or (phase.final and index == position):
            state = "done"
        elif index == position:
            state = "current"
        else:
            state = "upcoming"
        result.append(Step(phase.code, phase.name, state))
    return result


def can_rate(user, audit: Audit) -> bool:
    return can_steer(user, audit) and audit.phase in RATING_PHASES


def can_review(user, audit: Audit) -> bool:
    return is_adviser(user, audit) and audit.phase in REVIEW_PHASES
