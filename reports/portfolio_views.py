"""Portfolio pages for programme managers: phases, key-area scores by region, expiring certifications."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from audits.disclosure import Cell
from reports import portfolio
from reports.portfolio_api import PortfolioHorizonSerializer


@dataclass(frozen=True)
class ScoreLine:
    code: str
    name: str
    cells: list[tuple[str, str]]  # (group, text): everyone first, then each gender group


def score_text(figure: Cell) -> str:
    """A mean score with two decimals, the marker when hidden, a dash when nobody answered."""
    return figure.display(".2f") or "–"


def score_lines(scores: portfolio.RegionScores, row: portfolio.RegionRow) -> list[ScoreLine]:
    """A region's table as text, so the template places strings instead of looking up and filtering cells."""
    return [
        ScoreLine(
            code=code,
            name=name,
            cells=[("overall", score_text(stats.overall))]
            + [(group, score_text(stats.groups[group])) for group in scores.groups],
        )
        for code, name in scores.key_areas
        if (stats := row.scores.get(code)) is not None
    ]


@login_required
def portfolio_page(request):
    portfolio.require_portfolio(request.user)
    return render(request, "reports/portfolio/index.html", {"modalities": portfolio.phase_counts()})


@login_required
def region_scores_page(request):
    portfolio.require_portfolio(request.user)
    scores = portfolio.key_area_scores_by_region()
    regions = [(row, score_lines(scores, row)) for row in scores.rows]
    return render(request, "reports/portfolio/regions.html", {"scores": scores, "regions": regions})


@login_required
def expiring_page(request):
    portfolio.require_portfolio(request.user)
    query = PortfolioHorizonSerializer(data=request.GET)
    days = query.validated_data["days"] if query.is_valid() else portfolio.EXPIRY_HORIZON_DAYS
    return render(
        request,
        "reports/portfolio/expiring.html",
        {"days": days, "expiring": portfolio.expiring_certifications(days=days)},
    )
