"""Numbers, percentages and dates as the report's language writes them ("12,5 %" in French).

Figures about people arrive as audits.disclosure Cells: a hidden one is written as its marker, never
as a number. Call these inside translation.override(language) (the renderer does).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language

from audits.disclosure import Cell

NOT_AVAILABLE = "–"
# French typography separates the percent sign with a narrow no-break space; the others a no-break space.
PERCENT_SPACE = {"fr": "\u202f"}


def number(value, decimals: int = 0) -> str:
    """A number with the language's decimal and thousands separators; "–" when there is none."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, float | Decimal) and decimals == 0 and value != int(value):
        decimals = 1
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def percent(value, decimals: int = 1) -> str:
    if value is None:
        return NOT_AVAILABLE
    space = PERCENT_SPACE.get((get_language() or "en").split("-")[0], "\u00a0")
    return f"{number(value, decimals)}{space}%"


def figure(value: Cell | None, decimals: int = 0, *, pct: bool = False) -> str:
    """A disclosure Cell as text: the marker when hidden, the localized number otherwise."""
    if value is None:
        return NOT_AVAILABLE
    if value.suppressed:
        return value.display()
    return percent(value.value, decimals) if pct else number(value.value, decimals)


def date(value: datetime.date | datetime.datetime | None, fmt: str = "DATE_FORMAT") -> str:
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, datetime.datetime):
        value = value.date()
    return formats.date_format(value, fmt, use_l10n=True)


def signed(value, decimals: int = 1) -> str:
    """A change with its sign (+1,5 / −0,3), for comparisons with a baseline."""
    if value is None:
        return NOT_AVAILABLE
    text = number(abs(value), decimals)
    if value > 0:
        return f"+{text}"
    return f"−{text}" if value < 0 else text
