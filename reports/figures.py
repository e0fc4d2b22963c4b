"""The seam through which other parts of the engine put figures and scores into the report.

A provider is registered under a code and answers, for an audit and its key areas, the figures to
print in each key area's findings (charts as SVG) and, optionally, a score per key area that the
comparison with a baseline audit uses. The report asks every provider once per render, so a
provider should read what it needs for all key areas in a constant number of queries.

Providers are registered from a module of `reports` (reports reads everything and is read by no
one, so nothing outside reports imports this module), imported in ReportsConfig.ready():

    from reports.figures import Figure, figure_provider

    def survey_scores(audit, key_areas) -> dict[str, Cell]:
        ...                                      # a mean score (1-5) per key area code

    @figure_provider("survey", order=10, scores=survey_scores, score_label=_("Staff survey score (1-5)"))
    def survey_figures(audit, key_areas) -> dict[str, list[Figure]]:
        return {code: [Figure(title=..., markup=..., caption=...)] for code in ...}

Contract: every number in `markup`, `caption` and `notes` has passed audits.disclosure with the
audit's min_group_size (a hidden figure shows only its marker); `markup` is trusted HTML or inline
SVG (escape what you put in it); texts are in the active language
(the renderer calls providers inside translation.override(audit.language)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from audits.disclosure import Cell
from audits.models import Audit, KeyArea


@dataclass(frozen=True)
class Figure:
    """One chart of a key area: its markup (HTML or SVG) already through the disclosure rule."""

    title: str
    markup: str
    caption: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


Figures = Callable[[Audit, list[KeyArea]], dict[str, list[Figure]]]
Scores = Callable[[Audit, list[KeyArea]], dict[str, Cell]]


@dataclass(frozen=True)
class FigureProvider:
    code: str
    figures: Figures
    order: int = 100
    scores: Scores | None = None
    score_label: Any = ""


PROVIDERS: dict[str, FigureProvider] = {}


def figure_provider(
    code: str, *, order: int = 100, scores: Scores | None = None, score_label: Any = ""
) -> Callable:
    """Register `figures` as the provider `code`; registering a code again replaces it."""

    def register(figures: Figures) -> Figures:
        PROVIDERS[code] = FigureProvider(code, figures, order, scores, score_label)
        return figures

    return register


def registered() -> list[FigureProvider]:
    return sorted(PROVIDERS.values(), key=lambda provider: (provider.order, provider.code))


def key_area_figures(audit: Audit, key_areas: list[KeyArea]) -> dict[str, list[Figure]]:
    """Every provider's figures, by key area code, in the providers' order."""
    merged: dict[str, list[Figure]] = {key_area.code: [] for key_area in key_areas}
    for provider in registered():
        for code, figures in provider.figures(audit, key_areas).items():
            if code in merged:
                merged[code].extend(figures)
    return merged


def key_area_scores(audit: Audit, key_areas: list[KeyArea]) -> list[tuple[str, dict[str, Cell]]]:
    """(label, {key area code: score}) for each provider that scores key areas."""
    return [
        (str(provider.score_label), provider.scores(audit, key_areas))
        for provider in registered()
        if provider.scores is not None
    ]
