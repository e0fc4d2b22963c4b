"""Portfolio dashboards across every audit of a programme: phases, key-area scores by region, expiries.

Each selector makes a fixed number of queries whatever the number of audits or responses, and only
reads. Survey scores are the sums each closed survey stores when it closes (`audits.surveys.scores`);
every figure about people passes `audits.disclosure`. They read from settings.REPORTING_DATABASE: a
read replica when DATABASE_REPLICA_URL is set, so the heaviest reads leave the primary alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.disclosure import DEFAULT_MIN_GROUP_SIZE, Cell, GroupStats, cell, suppress_group_stats_table
from audits.models import Audit, KeyArea, Modality
from audits.surveys import analysis, scores
from audits.surveys.models import KeyAreaScore
from config.i18n import translated
from facilitators.models import HOLDING_STATES, Certification
from facilitators.selectors import display_name

PERMISSION = "reports.view_portfolio"
EXPIRY_HORIZON_DAYS = 90
GENDER_GROUPS = scores.GENDER_GROUPS
GROUP_INDEX = pd.Index(GENDER_GROUPS)


def _db() -> str:
    return settings.REPORTING_DATABASE


def can_view_portfolio(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def require_portfolio(user) -> None:
    if not can_view_portfolio(user):
        raise PermissionDenied(_("The portfolio is for programme managers."))


def gender_group_labels() -> dict[str, str]:
    return {"woman": _("Women"), "man": _("Men"), analysis.NOT_STATED: _("Another identity, or not stated")}


# Phases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class ModalityPhases:
    code: str
    label: str
    phases: list[PhaseCount]
    on_hold: int
    cancelled: int
    total: int


def phase_counts() -> list[ModalityPhases]:
    """Audits by modality and phase, with those on hold and cancelled (two queries)."""
    counted = defaultdict(dict)
    for modality_id, phase, n in (
        Audit.objects.using(_db()).order_by().values_list("modality_id", "phase").annotate(n=Count("pk"))
    ):
        counted[modality_id][phase] = n
    modalities = (
        Modality.objects.using(_db())
        .filter(pk__in=counted)
        .prefetch_related("phases")
        .order_by("order", "pk")
    )
    result = []
    for modality in modalities:
        counts = counted[modality.pk]
        phases = sorted(modality.phases.all(), key=lambda phase: phase.order)
        result.append(
            ModalityPhases(
                code=modality.code,
                label=modality.name,
                phases=[PhaseCount(p.code, p.name, counts.get(p.code, 0)) for p in phases],
                on_hold=counts.get(Audit.ON_HOLD, 0),
                cancelled=counts.get(Audit.CANCELLED, 0),
                total=sum(counts.values()),
            )
        )
    return result


# Key-area scores by region -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRow:
    region: str
    label: str
    surveys: int
    respondents: Cell
    scores: dict[str, GroupStats]  # by key area code


@dataclass(frozen=True)
class RegionScores:
    k: int
    key_areas: list[tuple[str, str]]
    groups: dict[str, str]
    rows: list[RegionRow]
    surveys: int  # closed surveys counted
    waiting: int  # closed surveys whose scores are not stored yet, so not counted


def closed_surveys() -> list[tuple[int, str, int, int | None]]:
    """(survey, region, k, responses) for each closed survey of an audit not cancelled (one query).

    responses is None while the survey's scores are not stored yet (they are, once it closes).
    """
    stored = KeyAreaScore.objects.filter(survey=OuterRef("pk"), key_area=scores.RESPONSES).values(
        "respondents"
    )[:1]
    return list(
        scores.final_surveys()
        .using(_db())
        .exclude(audit__phase=Audit.CANCELLED)
        .annotate(stored_responses=Subquery(stored))
        .order_by("pk")
        .values_list("pk", "audit__organization__region", "audit__min_group_size", "stored_responses")
    )


def score_sums(survey_ids: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Respondents and sums of scores over these surveys, before any disclosure rule (one query).

    Two tables indexed by (region, key area), a column per gender group, 0 where nobody scored.
    """
    rows = list(
        KeyAreaScore.objects.using(_db())
        .filter(survey__in=survey_ids)
        .exclude(key_area=scores.RESPONSES)
        .order_by()
        .values_list("survey__audit__organization__region", "key_area", "group")
        .annotate(n=Sum("respondents"), total=Sum("score_sum"))
    )
    keys = sorted({(region, area) for region, area, *_sums in rows})
    position = {key: i for i, key in enumerate(keys)}
    column = {group: j for j, group in enumerate(GENDER_GROUPS)}
    n = np.zeros((len(keys), len(GENDER_GROUPS)), dtype="int64")
    total = np.zeros((len(keys), len(GENDER_GROUPS)))
    for region, area, group, count, score_sum in rows:
        n[position[(region, area)], column[group]] = count
        total[position[(region, area)], column[group]] = score_sum
    index = pd.MultiIndex.from_tuples(keys, names=["region", "area"])
    return (
        pd.DataFrame(n, index=index, columns=GROUP_INDEX),
        pd.DataFrame(total, index=index, columns=GROUP_INDEX),
    )


def key_area_scores_by_region() -> RegionScores:
    """The survey score of each key area in each region, for women, men and others, disclosed safely.

    Over the closed surveys whose scores are stored (when a survey closes, or by `scoresurveys`);
    open surveys are not counted. The minimum group size is the strictest of the audits counted. A
    region's mean for a group of fewer than k respondents is hidden, and one more group with it when
    the overall mean is shown. Three queries; this read never writes.
    """
    surveys = closed_surveys()
    counted = [(pk, region, k, responses) for pk, region, k, responses in surveys if responses is not None]
    k = max((row[2] for row in counted), default=DEFAULT_MIN_GROUP_SIZE)
    n, totals = score_sums([row[0] for row in counted])
    overall_n = n.sum(axis=1)
    means = totals / n.where(n > 0)  # NaN where nobody in the group scored the area
    overall = totals.sum(axis=1) / overall_n.where(overall_n > 0)
    stats = suppress_group_stats_table(
        means, n, k, overall=overall.astype(object).where(overall_n > 0, None), overall_n=overall_n
    ).rows()
    respondents: dict[str, int] = defaultdict(int)
    survey_counts: dict[str, int] = defaultdict(int)
    for _pk, region, _k, responses in counted:
        respondents[region] += responses
        survey_counts[region] += 1
    by_region: dict[str, dict[str, GroupStats]] = defaultdict(dict)
    for (region, area), figures in stats.items():
        by_region[region][area] = figures
    codes = sorted({area for _region, area in stats})
    names: dict[str, str] = {}
    for code, title in (
        KeyArea.objects.using(_db()).filter(code__in=codes).order_by("order").values_list("code", "title")
    ):
        names.setdefault(code, translated(title) or code)
    rows = [
        RegionRow(
            region=region,
            label=region or _("No region"),
            surveys=survey_counts[region],
            respondents=cell(respondents[region], respondents[region], k),
            scores=by_region[region],
        )
        for region in sorted(respondents, key=lambda r: (r == "", r.casefold()))
    ]
    return RegionScores(
        k=k,
        key_areas=[(code, names.get(code, code)) for code in codes],
        groups=gender_group_labels(),
        rows=rows,
        surveys=len(counted),
        waiting=len(surveys) - len(counted),
    )


# Certifications ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expiry:
    facilitator: str
    programme: str
    state: str
    expires_on: date
    days_left: int


def expiring_certifications(*, days: int = EXPIRY_HORIZON_DAYS, today: date | None = None) -> list[Expiry]:
    """Certifications in force that expire within `days` (one query), soonest first.

    The same rule as the certification pipeline's "expiring" list (facilitators.selectors.pipeline).
    """
    today = today or timezone.localdate()
    certifications = (
        Certification.objects.using(_db())
        .filter(state__in=HOLDING_STATES, expires_on__gte=today, expires_on__lte=today + timedelta(days=days))
        .select_related("facilitator__user", "programme")
        .order_by("expires_on", "pk")
    )
    return [
        Expiry(
            facilitator=display_name(c.facilitator.user),
            programme=str(c.programme),
            state=c.get_state_display(),
            expires_on=c.expires_on,
            days_left=(c.expires_on - today).days,
        )
        for c in certifications
    ]
