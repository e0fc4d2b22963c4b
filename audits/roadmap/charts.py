"""The roadmap's completion over time as a small SVG (the follow-up page and the progress report)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ACCENT = "#5b2c83"
GRID = "#d5d9de"
TEXT = "#212529"


def _percent(value: float) -> str:
    return f"{formats.number_format(value, decimal_pos=0, use_l10n=True)}\u00a0%"


def _text(x: float, y: float, text: str, *, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT}"{weight}>{escape(text)}</text>'


def completion_chart(points: Sequence[tuple[datetime.date, float]], *, title: str) -> SafeString:
    """The share of actions done (0-100 %) after each day with progress, as a step line."""
    width, height, left, bottom, top, right = 640, 200, 44, 170, 12, 16
    plot_width, plot_height = width - left - right, bottom - top
    body = []
    for tick in (0, 25, 50, 75, 100):
        y = bottom - plot_height * tick / 100
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 4, y + 3, _percent(tick), anchor="end"))
    if points:
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)
        path, previous = [], bottom
        for day, value in points:
            x, y = left + plot_width * (day - first).days / span, bottom - plot_height * value / 100
            path.append(f"M{x:.1f},{y:.1f}" if not path else f"L{x:.1f},{previous:.1f} L{x:.1f},{y:.1f}")
            previous = y
        path.append(f"L{width - right:.1f},{previous:.1f}")
        body.append(f'<path d="{" ".join(path)}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
        body.append(_text(left, bottom + 16, formats.date_format(first, "SHORT_DATE_FORMAT")))
        body.append(
            _text(width - right, bottom + 16, formats.date_format(last, "SHORT_DATE_FORMAT"), anchor="end")
        )
        body.append(_text(width - right, previous - 6, _percent(points[-1][1]), anchor="end", bold=True))
    return mark_safe(
        f'<svg class="line-chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif" font-size="10">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
