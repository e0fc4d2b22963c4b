"""Charts drawn on the server as SVG: no script, readable without one, printable in the report.

The figures come already through audits.disclosure: a hidden value draws no bar, only its marker.
Every text is escaped; the markup is returned as a safe string for templates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import uuid4

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from audits.disclosure import marker

WIDTH = 440
LABEL_WIDTH = 110
VALUE_WIDTH = 60
BAR_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH
ROW = 26
TOP = 8
WOMEN = "#5b2c83"
MEN = "#3a8f8a"
TOTAL_BAR = "#9a7ab8"
TRACK = "#eceff3"
TEXT = "#212529"
MUTED = "#6c757d"


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else f"{label[: limit - 1]}…"


def _frame(title: str, height: int, body: list[str], legend: str = "") -> SafeString:
    ident = f"chart-{uuid4().hex[:8]}"
    return mark_safe(
        f'<svg class="evidence-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="14">'
        f'<title id="{ident}">{escape(title)}</title>{legend}{"".join(body)}</svg>'
    )


def share_of_women_chart(rows: Iterable[Mapping[str, Any]], *, k: int, title: str) -> SafeString:
    """One bar per row: the share of women (of women and men), with a line at parity (50 %)."""
    rows = list(rows)
    height = TOP * 2 + ROW * len(rows) + 18
    body = []
    for index, row in enumerate(rows):
        y = TOP + index * ROW
        share = row["female_pct"]
        label = escape(_short(row["label"]))
        weight = ' font-weight="600"' if row.get("total") else ""
        shown = marker(k) if share.suppressed else _pct(share.value)
        body.append(
            f"<g><title>{escape(row['label'])}: {escape(shown)}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT}"{weight}>{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="{ROW - 8}" fill="{TRACK}"/>'
        )
        if share.suppressed or share.value is None:
            text = marker(k) if share.suppressed else "–"
            body.append(f'<text x="{LABEL_WIDTH + 6}" y="{y + 17}" fill="{MUTED}">{escape(text)}</text></g>')
            continue
        width = round(BAR_WIDTH * float(share.value) / 100, 1)
        colour = TOTAL_BAR if row.get("total") else WOMEN
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width}" height="{ROW - 8}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 17}" fill="{TEXT}">'
            f"{escape(_pct(share.value))}</text></g>"
        )
    parity = LABEL_WIDTH + BAR_WIDTH / 2
    bottom = TOP + ROW * len(rows)
    body.append(
        f'<line x1="{parity}" y1="{TOP}" x2="{parity}" y2="{bottom}" stroke="{TEXT}" stroke-dasharray="3 3"/>'
        f'<text x="{parity}" y="{bottom + 14}" text-anchor="middle" fill="{MUTED}" font-size="11">'
        f"{escape(_('parity 50 %'))}</text>"
    )
    return _frame(title, height, body)


def quartile_chart(quartiles: Iterable[Mapping[str, Any]], *, k: int) -> SafeString:
    """The four pay bands (1 = lowest paid) as 100 % bars split between women and men."""
    quartiles = list(quartiles)
    legend_y = TOP + ROW * len(quartiles) + 6
    height = legend_y + 22
    body = []
    for index, band in enumerate(quartiles):
        y = TOP + index * ROW
        label = escape(_("Band %(n)d") % {"n": band["band"]})
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT}">{label}</text>'
        )
        women, men = band["female_pct"], band["male_pct"]
        if women is None or men is None:
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="{ROW - 8}" fill="{TRACK}"/>'
                f'<text x="{LABEL_WIDTH + 6}" y="{y + 17}" fill="{MUTED}">{escape(marker(k))}</text>'
            )
            continue
        split = round(BAR_WIDTH * float(women) / 100, 1)
        body.append(
            f"<g><title>{escape(_('women %(w)s, men %(m)s') % {'w': _pct(women), 'm': _pct(men)})}</title>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{split}" height="{ROW - 8}" fill="{WOMEN}"/>'
            f'<rect x="{LABEL_WIDTH + split}" y="{y + 4}" width="{round(BAR_WIDTH - split, 1)}" '
            f'height="{ROW - 8}" fill="{MEN}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 17}" fill="{TEXT}">'
            f"{escape(_pct(women))}</text></g>"
        )
    body.append(
        f'<rect x="{LABEL_WIDTH}" y="{legend_y + 4}" width="12" height="12" fill="{WOMEN}"/>'
        f'<text x="{LABEL_WIDTH + 16}" y="{legend_y + 14}" fill="{TEXT}">{escape(_("women"))}</text>'
        f'<rect x="{LABEL_WIDTH + 80}" y="{legend_y + 4}" width="12" height="12" fill="{MEN}"/>'
        f'<text x="{LABEL_WIDTH + 96}" y="{legend_y + 14}" fill="{TEXT}">{escape(_("men"))}</text>'
    )
    return _frame(_("Women and men in each pay quartile (band 1 = lowest paid)"), height, body)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{float(value):.1f} %"
