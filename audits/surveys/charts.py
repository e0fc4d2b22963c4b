"""Server-side SVG charts, drawn only from figures that have already passed the disclosure rule.

The same SVG strings go into the pages and the PDF report; a hidden figure is drawn as its marker,
never as a bar or a dot.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from audits.disclosure import Cell
from audits.surveys.analysis import Gap, ItemFigure, RepresentativenessRow

WIDTH = 720
LABEL_WIDTH = 260
ROW = 26
# A diverging scale from "not at all" to "to the fullest extent", then "don't know" in grey.
LIKERT_COLOURS = {
    "1": "#b2182b",
    "2": "#ef8a62",
    "3": "#bdbdbd",
    "4": "#67a9cf",
    "5": "#2166ac",
    "dk": "#f0f0f0",
}
WOMEN_COLOUR = "#7b3294"
MEN_COLOUR = "#008837"


def _svg(height: int, title: str, description: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="pga-chart" font-family="system-ui, sans-serif" '
        f'font-size="12"><title>{escape(title)}</title><desc>{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _el(tag: str, content: str = "", tip: str = "", **attributes) -> str:
    """One SVG element; attribute names use _ for - (stroke_width), values are escaped."""

    def text(value) -> str:
        return escape(f"{value:.1f}" if isinstance(value, float) else str(value), {'"': "&quot;"})

    attrs = " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{text(value)}"' for name, value in attributes.items()
    )
    inner = (f"<title>{escape(tip)}</title>" if tip else "") + escape(content)
    return f"<{tag} {attrs}>{inner}</{tag}>"


def _label(y: float, text: str, width: int = LABEL_WIDTH) -> str:
    shown = text if len(text) <= 36 else text[:34] + "…"
    return _el("text", shown, tip=text, x=width - 8, y=y, text_anchor="end", fill="#212529")


def likert_chart(items: list[ItemFigure], title: str) -> str:
    """Stacked shares of each answer per Likert question (hidden questions show the marker)."""
    rows = [item for item in items if item.type == "likert"]
    height = 40 + ROW * len(rows)
    plot = WIDTH - LABEL_WIDTH - 10
    body = []
    for index, item in enumerate(rows):
        y = 10 + index * ROW
        body.append(_label(y + 14, f"{item.code} {item.label}"))
        if item.answers.suppressed or not item.answers.value:
            body.append(
                f'<text x="{LABEL_WIDTH}" y="{y + 14}" fill="#495057">{escape(item.answers.display())}</text>'
            )
            continue
        x = LABEL_WIDTH
        for choice in item.distribution:
            share = choice.share.value or 0
            width = plot * share
            if width <= 0:
                continue
            colour = LIKERT_COLOURS.get(choice.code, "#9e9e9e")
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="18" fill="{colour}" stroke="#fff">'
                f"<title>{escape(choice.label)}: {share:.0%}</title></rect>"
            )
            x += width
    legend_y = height - 12
    x = LABEL_WIDTH
    labels = rows[0].distribution if rows else ()
    for choice in labels:
        colour = LIKERT_COLOURS.get(choice.code, "#9e9e9e")
        body.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}" stroke="#6c757d"/>'
        )
        body.append(
            f'<text x="{x + 13}" y="{legend_y}" font-size="10" fill="#212529">{escape(choice.code)}</text>'
        )
        x += 40
    description = _("Share of each answer, from 1 (not at all) to 5 (to the fullest extent), and don't know.")
    return _svg(height, title, description, body)


def _scale_x(value: float, low: float, high: float, left: int, right: int) -> float:
    return left + (value - low) / (high - low) * (right - left)


def gap_chart(gaps: list[Gap], title: str) -> str:
    """Women's and men's mean score (1–5) per item; the interval of the gap is given in the tooltip."""
    height = 46 + ROW * len(gaps)
    left, right = LABEL_WIDTH, WIDTH - 60
    body = []
    for tick in range(1, 6):
        x = _scale_x(tick, 1, 5, left, right)
        body.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 30}" stroke="#dee2e6"/>')
        body.append(f'<text x="{x:.1f}" y="{height - 18}" text-anchor="middle" fill="#495057">{tick}</text>')
    for index, gap in enumerate(gaps):
        y = 10 + index * ROW
        body.append(_label(y + 9, f"{gap.code} {gap.label}" if gap.kind == "question" else gap.label))
        if gap.gap.suppressed or gap.gap.value is None:
            text = gap.gap.display() if gap.gap.suppressed else "–"
            body.append(f'<text x="{right + 8}" y="{y + 9}" fill="#495057">{escape(text)}</text>')
            continue
        women = _scale_x(gap.women.value, 1, 5, left, right)
        men = _scale_x(gap.men.value, 1, 5, left, right)
        low, high = min(women, men), max(women, men)
        body.append(_el("line", x1=low, y1=y + 5, x2=high, y2=y + 5, stroke="#adb5bd", stroke_width=3))
        tip = _("women %(w).2f, men %(m).2f, gap %(g)+.2f (95 %% interval %(l)+.2f to %(h)+.2f)") % {
            "w": gap.women.value,
            "m": gap.men.value,
            "g": gap.gap.value,
            "l": gap.low,
            "h": gap.high,
        }
        body.append(_el("circle", tip=tip, cx=women, cy=y + 5, r=6, fill=WOMEN_COLOUR))
        body.append(_el("rect", tip=tip, x=men - 5, y=y, width=10, height=10, fill=MEN_COLOUR))
        marker = "*" if gap.significant else ""
        body.append(f'<text x="{right + 8}" y="{y + 9}" fill="#212529">{gap.gap.value:+.2f}{marker}</text>')
    legend = height - 4
    body.append(f'<circle cx="{left + 6}" cy="{legend - 4}" r="5" fill="{WOMEN_COLOUR}"/>')
    body.append(f'<text x="{left + 16}" y="{legend}" fill="#212529">{escape(_("Women"))}</text>')
    body.append(f'<rect x="{left + 86}" y="{legend - 9}" width="10" height="10" fill="{MEN_COLOUR}"/>')
    body.append(f'<text x="{left + 102}" y="{legend}" fill="#212529">{escape(_("Men"))}</text>')
    # xgettext:no-python-format
    note = _("* the 95 % interval of the gap excludes 0")
    body.append(_el("text", note, x=left + 160, y=legend, fill="#495057"))
    return _svg(height, title, _("Mean score of women and of men, 1 to 5, per item."), body)


def representativeness_chart(rows: list[RepresentativenessRow], title: str) -> str:
    """Respondents' share of each group beside the group's share of the people in scope."""
    height = 30 + 2 * ROW * len(rows)
    plot = WIDTH - LABEL_WIDTH - 60
    body = []

    def bar(y: float, value: Cell | None, colour: str, what: str) -> None:
        if value is None:
            return
        if value.suppressed or value.value is None:
            body.append(
                f'<text x="{LABEL_WIDTH}" y="{y + 11}" fill="#495057">{escape(value.display() or "–")}</text>'
            )
            return
        width = plot * value.value
        body.append(_el("rect", tip=what, x=LABEL_WIDTH, y=y, width=width, height=14, fill=colour))
        body.append(
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 11}" fill="#212529">{value.value:.0%}</text>'
        )

    for index, row in enumerate(rows):
        y = 8 + index * 2 * ROW
        body.append(_label(y + 18, row.label))
        bar(y, row.respondents_share, "#5b2c83", _("respondents"))
        bar(y + 18, row.in_scope_share, "#adb5bd", _("people in scope"))
    legend = height - 6
    body.append(f'<rect x="{LABEL_WIDTH}" y="{legend - 9}" width="10" height="10" fill="#5b2c83"/>')
    body.append(f'<text x="{LABEL_WIDTH + 14}" y="{legend}" fill="#212529">{escape(_("Respondents"))}</text>')
    body.append(f'<rect x="{LABEL_WIDTH + 110}" y="{legend - 9}" width="10" height="10" fill="#adb5bd"/>')
    body.append(
        f'<text x="{LABEL_WIDTH + 124}" y="{legend}" fill="#212529">{escape(_("People in scope"))}</text>'
    )
    return _svg(height, title, _("Share of respondents and of people in scope per group."), body)
