"""The report's charts, drawn on the server as HTML and CSS boxes (bars are sized boxes).

WeasyPrint lays out a line of SVG text several times slower than a line of HTML text, and the large
report has hundreds of chart labels, so the print charts are HTML: labels and values are text in
table cells, bars are boxes whose position and width are percentages of their track. They print as
vectors like SVG would. (The completion line of the progress report, with few labels, is SVG:
audits.roadmap.charts.)

Figures about people come through audits.disclosure as Cells: a hidden value draws no bar, only its
marker. Numbers are written in the report's language (reports.formats); every text is escaped.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from audits.disclosure import Cell
from reports import formats

WOMEN = "#5b2c83"
MEN = "#3a8f8a"
ACCENT = "#5b2c83"
GRID = "#d5d9de"
TEXT = "#212529"
TRACK = "#f8f9fa"  # the paired means' track (report.css): their bars' gradients end on it
GANTT_ROW_MM = 3.6
FIGURE_SPACE = "\u2007"  # as wide as a digit: action numbers line up
PRIORITY_COLOURS = {"high": "#a61e4d", "medium": "#d9822b", "low": "#5c7cba"}


def _chart(title: str, body: str, legend: Sequence[tuple[str, str]] = (), kind: str = "") -> SafeString:
    keys = "".join(
        f'<span class="key"><span style="color:{colour}">■</span>\u00a0{escape(label)}</span>'
        for colour, label in legend
    )
    legend_html = f'<div class="chart-legend">{keys}</div>' if keys else ""
    return mark_safe(
        f'<div class="chart {kind}" role="img" aria-label="{escape(title)}">{legend_html}'
        f'<table class="chart-table"><tbody>{body}</tbody></table></div>'
    )


def _position(value: float, scale: tuple[float, float]) -> float:
    low, high = scale
    share = (value - low) / (high - low) if high > low else 0.0
    return 100 * max(0.0, min(1.0, share))


def _bar(start: float, end: float, colour: str, extra: str = "") -> str:
    left, right = sorted((start, end))
    return (
        f'<div class="bar{extra}" style="margin-left:{left:.2f}%;width:{max(right - left, 0.4):.2f}%;'
        f'background:{colour}"></div>'
    )


def _reference(position: float) -> str:
    return f'<div class="reference" style="left:{position:.2f}%"></div>'


@dataclass(frozen=True)
class BarRow:
    label: str
    value: Cell
    colour: str = ACCENT


def bars(
    rows: Sequence[BarRow],
    *,
    title: str,
    scale: tuple[float, float],
    decimals: int = 1,
    pct: bool = False,
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    """One bar per row on a fixed scale, from the reference (or the scale's zero) to the value."""
    origin = _position(reference if reference is not None and scale[0] < 0 else max(scale[0], 0.0), scale)
    line = _reference(_position(reference, scale)) if reference is not None else ""
    body = []
    for row in rows:
        if row.value.suppressed or row.value.value is None:
            bar = f'<span class="hidden-value">{escape(formats.figure(row.value))}</span>'
            value = ""
        else:
            bar = _bar(origin, _position(float(row.value.value), scale), row.colour)
            value = escape(formats.figure(row.value, decimals, pct=pct))
        body.append(
            f'<tr><td class="chart-label">{escape(row.label)}</td><td class="track">{line}{bar}</td>'
            f'<td class="chart-value">{value}</td></tr>'
        )
    if reference is not None and reference_label:
        body.append(
            f'<tr class="axis"><td></td><td class="track"><span class="axis-label" '
            f'style="margin-left:{max(_position(reference, scale) - 6, 0):.2f}%">'
            f"{escape(reference_label)}</span>"
            f"</td><td></td></tr>"
        )
    return _chart(title, "".join(body), kind="bars")


@dataclass(frozen=True)
class Segment:
    share: float
    colour: str


@dataclass(frozen=True)
class StackRow:
    """A 100 % bar split into segments (shares from 0 to 1), or the marker of a hidden row."""

    label: str
    segments: Sequence[Segment]
    hidden: str = ""
    value: str = ""


def _segments(segments: Sequence[Segment]) -> str:
    """A 100 % bar as one box whose background has a hard colour stop per segment: a box per segment
    (floated) cost WeasyPrint five boxes a row for the same picture. The shares are scaled to fill
    the bar: a gradient that ends on transparent leaves a hairline in PDF viewers."""
    shown = [segment for segment in segments if segment.share > 0]
    total = sum(segment.share for segment in shown)
    if not shown or total <= 0:
        return ""
    stops, start = [], 0.0
    for segment in shown:
        end = min(100.0, start + 100 * segment.share / total)
        stops.append(f"{segment.colour} {start:.2f}%,{segment.colour} {end:.2f}%")
        start = end
    return (
        f'<div class="segments" style="background-image:linear-gradient(to right,{",".join(stops)})"></div>'
    )


def stacked(rows: Sequence[StackRow], *, title: str, legend: Sequence[tuple[str, str]]) -> SafeString:
    body = []
    for row in rows:
        if row.hidden:
            inner = f'<span class="hidden-value">{escape(row.hidden)}</span>'
        else:
            inner = _segments(row.segments)
        body.append(
            f'<tr><td class="chart-label">{escape(row.label)}</td><td class="track stack">{inner}</td>'
            f'<td class="chart-value">{escape(row.value)}</td></tr>'
        )
    return _chart(title, "".join(body), legend, kind="stacked")


@dataclass(frozen=True)
class SurveyRow:
    """One survey item: its answers as a 100 % bar, and women's and men's mean score beside it."""

    label: str
    answers: StackRow
    women: Cell | None = None
    men: Cell | None = None
    difference: str = ""


def survey(
    rows: Sequence[SurveyRow],
    *,
    title: str,
    legend: Sequence[tuple[str, str]],
    scale: tuple[float, float],
    headings: tuple[str, str, str, str],
) -> SafeString:
    """Two charts sharing their labels: the answers per item, and women's and men's mean per item."""
    head = "".join(f"<th>{escape(text)}</th>" for text in headings)
    body = [f'<tr class="head"><th></th>{head}</tr>']
    for row in rows:
        if row.answers.hidden:
            answers = f'<span class="hidden-value">{escape(row.answers.hidden)}</span>'
        else:
            answers = _segments(row.answers.segments)
        means = []
        for value, colour in ((row.women, WOMEN), (row.men, MEN)):
            if value is None:
                continue
            if value.suppressed or value.value is None:
                means.append(
                    f'<div class="thin"><span class="hidden-value">{escape(formats.figure(value))}'
                    f"</span></div>"
                )
            else:
                end = _position(float(value.value), scale)
                # The bar is the line's background and the value follows it: no floated boxes.
                width = max(end, 0.4)
                means.append(
                    f'<div class="thin" style="padding-left:{width:.2f}%;background-image:linear-gradient('
                    f'to right,{colour} {width:.2f}%,{TRACK} {width:.2f}%)">'
                    f'<span class="inline-value">{escape(formats.figure(value, 1))}</span></div>'
                )
        body.append(
            f'<tr><td class="chart-label">{escape(row.label)}</td><td class="track stack">{answers}</td>'
            f'<td class="chart-value">{escape(row.answers.value)}</td>'
            f'<td class="track paired">{"".join(means)}</td>'
            f'<td class="chart-value">{escape(row.difference)}</td></tr>'
        )
    legend = [*legend, (WOMEN, _("Women")), (MEN, _("Men"))]
    return _chart(title, "".join(body), legend, kind="survey")


def quartiles(bands: Sequence[dict], *, k: int) -> SafeString:
    """The four pay quartiles (1 = lowest paid) as 100 % bars split between women and men."""
    hidden = Cell(None, 1, True, k).display()
    rows = []
    for band in bands:
        label = _("Quartile %(n)d") % {"n": band["band"]}
        women, men = band["female_pct"], band["male_pct"]
        if women is None or men is None:
            rows.append(StackRow(label, (), hidden=hidden))
            continue
        rows.append(
            StackRow(
                label,
                (Segment(float(women) / 100, WOMEN), Segment(float(men) / 100, MEN)),
                value=formats.percent(women),
            )
        )
    return stacked(
        rows, title=_("Women and men in each pay quartile"), legend=[(WOMEN, _("Women")), (MEN, _("Men"))]
    )


@dataclass(frozen=True)
class TimelineRow:
    number: str
    label: str
    start: datetime.date
    end: datetime.date
    priority: str
    status: str


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


GANTT_ROWS_PER_BLOCK = 40


def timeline(
    rows: Sequence[TimelineRow],
    *,
    span: tuple[datetime.date, datetime.date],
    title: str,
    today: datetime.date | None = None,
) -> SafeString:
    """A Gantt chart of roadmap actions on a month axis, coloured by priority (dropped: faded).

    Labels are HTML lines of a fixed height; the bars of each block of rows are one SVG of
    rectangles (no SVG text) laid beside them, so the chart stays cheap to lay out however long
    the roadmap is, and breaks between blocks from page to page.
    """
    months = _months(*span)
    begin = months[0]
    finish = (months[-1].replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    days = max((finish - begin).days, 1)

    def x_of(day: datetime.date) -> float:
        return 1000 * max(0, min(days, (day - begin).days)) / days

    step = max(1, -(-len(months) // 12))
    ticks = "".join(
        f'<span class="tick" style="width:{100 * step / len(months):.3f}%">'
        f"{escape(formats.date(month, 'M Y' if index == 0 or month.month <= step else 'M'))}</span>"
        for index, month in enumerate(months)
        if index % step == 0
    )
    grid = "".join(
        f'<rect x="{x_of(month):.1f}" y="0" width="1" height="100%" fill="{GRID}"/>' for month in months
    )
    if today is not None and span[0] <= today <= span[1]:
        grid += f'<rect x="{x_of(today):.1f}" y="0" width="2.5" height="100%" fill="{TEXT}"/>'
    width = max((len(row.number) for row in rows), default=0)
    blocks = []
    for first in range(0, len(rows), GANTT_ROWS_PER_BLOCK):
        block = rows[first : first + GANTT_ROWS_PER_BLOCK]
        labels, bars = [], []
        for index, row in enumerate(block):
            done = ' <span class="done">✓</span>' if row.status == "done" else ""
            number = row.number.rjust(width, FIGURE_SPACE)
            labels.append(
                f'<div class="gantt-row"><span class="number">{escape(number)}</span>\u00a0\u00a0'
                f"{escape(row.label)}{done}</div>"
            )
            start, end = x_of(row.start), x_of(row.end)
            opacity = ' fill-opacity="0.3"' if row.status == "dropped" else ""
            bars.append(
                f'<rect x="{start:.1f}" y="{index * 10 + 2}" width="{max(end - start, 3):.1f}" height="6" '
                f'fill="{PRIORITY_COLOURS.get(row.priority, ACCENT)}"{opacity}/>'
            )
        height = 10 * len(block)
        blocks.append(
            f'<div class="gantt"><div class="gantt-labels"><div class="gantt-axis"></div>'
            f"{''.join(labels)}</div>"
            f'<div class="gantt-plot"><div class="gantt-axis ticks">{ticks}</div>'
            f'<svg viewBox="0 0 1000 {height}" preserveAspectRatio="none" '
            f'style="height:{len(block) * GANTT_ROW_MM}mm" xmlns="http://www.w3.org/2000/svg">'
            f"{grid}{''.join(bars)}</svg></div></div>"
        )
    legend = [
        (PRIORITY_COLOURS["high"], _("High priority")),
        (PRIORITY_COLOURS["medium"], _("Medium priority")),
        (PRIORITY_COLOURS["low"], _("Low priority")),
    ]
    keys = "".join(
        f'<span class="key"><span style="color:{colour}">■</span>\u00a0{escape(label)}</span>'
        for colour, label in legend
    )
    return mark_safe(
        f'<div class="chart timeline" role="img" aria-label="{escape(title)}">'
        f'<div class="chart-legend">{keys}</div>{"".join(blocks)}</div>'
    )
