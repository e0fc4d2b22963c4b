"""The disclosure rule: the one door every figure about people passes before it leaves the system.

Primary suppression hides a figure describing 0 < n < k people; secondary suppression hides more
figures until no hidden one can be computed back from what is shown (shared/domain/disclosure.md).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext

DEFAULT_MIN_GROUP_SIZE = 5
SMALLEST_MIN_GROUP_SIZE = 3
TOTAL = "total"

Entry = tuple[int, Hashable, Hashable]


def validate_min_group_size(k: int) -> int:
    """Return k when an audit may use it; below 3, two people in a group would know each other."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"The minimum group size must be a whole number, not {k!r}.")
    if k < SMALLEST_MIN_GROUP_SIZE:
        raise ValueError(f"The minimum group size must be at least {SMALLEST_MIN_GROUP_SIZE} (got {k}).")
    return k


def is_small(n: int, k: int) -> bool:
    """True when primary suppression hides a figure about n people: some, but fewer than k."""
    return 0 < n < k


def breakdown_allowed(total_responses: int, k: int) -> bool:
    """Whether any breakdown (or a running participation count) may be shown for this many people."""
    return total_responses >= validate_min_group_size(k)


def marker(k: int) -> str:
    """The text shown in place of a hidden figure."""
    return f"<{k}"


def footnote(k: int) -> str:
    """The footnote that explains the marker wherever it appears."""
    return gettext(
        "%(marker)s: hidden because it describes fewer than %(k)s people, or would let such a "
        "figure be worked out from the others."
    ) % {"marker": marker(k), "k": k}


def _plain(value: Any) -> Any:
    """A JSON-ready Python scalar: numpy scalars unwrapped, NaN as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True)
class Cell:
    """One figure about n people; a suppressed cell never carries its value, only the marker."""

    value: Any
    n: int
    suppressed: bool = False
    k: int = DEFAULT_MIN_GROUP_SIZE

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", None if self.suppressed else _plain(self.value))
        object.__setattr__(self, "n", int(self.n))

    def display(self, spec: str = "") -> str:
        """The text for a page, export or PDF: the marker when hidden, blank when there is none."""
        if self.suppressed:
            return marker(self.k)
        return "" if self.value is None else format(self.value, spec)

    def to_api(self) -> dict[str, Any]:
        """The API form: a hidden figure is null with "suppressed": true."""
        return {"value": self.value, "suppressed": self.suppressed}


def cell(value: Any, n: int, k: int) -> Cell:
    """A figure describing n people, with primary suppression applied."""
    return Cell(value=value, n=n, suppressed=is_small(n, validate_min_group_size(k)), k=k)


@dataclass(frozen=True)
class SuppressedTable:
    """A count table with its shown totals (labelled TOTAL) and the mask of what must be hidden."""

    counts: pd.DataFrame
    mask: pd.DataFrame
    k: int

    def cell(self, row: Hashable, column: Hashable) -> Cell:
        """One count as a Cell (a count of n people describes n people)."""
        n = int(self.counts.at[row, column])
        return Cell(value=n, n=n, suppressed=bool(self.mask.at[row, column]), k=self.k)

    def shown(self) -> pd.DataFrame:
        """The counts as they may leave the system: None where hidden (for exports and the API)."""
        return self.counts.astype(object).where(~self.mask, None)

    def display(self) -> pd.DataFrame:
        """The counts as text, with the marker where hidden."""
        return self.counts.astype(str).where(~self.mask, marker(self.k))


@dataclass(frozen=True)
class GroupStats:
    """A statistic by group with the overall statistic, after primary and secondary suppression."""

    groups: dict[Hashable, Cell]
    overall: Cell


@dataclass(frozen=True)
class _Line:
    """Figures that add up: the members sum to the total."""

    members: tuple[Entry, ...]
    total: Entry


def _total_label(index: pd.Index) -> Hashable:
    return (TOTAL,) + ("",) * (index.nlevels - 1) if index.nlevels > 1 else TOTAL


def _with_totals(table: pd.DataFrame, row_totals: bool, column_totals: bool) -> pd.DataFrame:
    """The table with a TOTAL row (sums of each column) and a TOTAL column (sums of each row)."""
    counts = table.astype("int64")
    for axis in (counts.index, counts.columns):
        if _total_label(axis) in axis:
            raise ValueError(f"A table label is already {_total_label(axis)!r}.")
    if column_totals:
        counts.loc[_total_label(counts.index)] = counts.sum()
    if row_totals:
        counts[_total_label(counts.columns)] = counts.sum(axis=1)
    return counts


def _table_lines(t: int, table: pd.DataFrame, row_totals: bool, column_totals: bool) -> list[_Line]:
    """Every row and column of table t that adds up to a shown total, totals' own lines included."""
    rows, columns = list(table.index), list(table.columns)
    row_total, column_total = _total_label(table.index), _total_label(table.columns)
    lines = []
    if row_totals:
        for row in rows + ([row_total] if column_totals else []):
            members = tuple((t, row, column) for column in columns)
            lines.append(_Line(members, (t, row, column_total)))
    if column_totals:
        for column in columns + ([column_total] if row_totals else []):
            members = tuple((t, row, column) for row in rows)
            lines.append(_Line(members, (t, row_total, column)))
    return lines


def _entries(t: int, counts: pd.DataFrame) -> dict[Entry, int]:
    return {
        (t, row, column): int(counts.at[row, column]) for row in counts.index for column in counts.columns
    }


class _Protection:
    """Secondary suppression over figures linked by lines that add up."""

    def __init__(self, values: dict[Entry, int], lines: list[_Line], k: int) -> None:
        self.k = k
        self.values = values
        self.lines = lines
        self.position = {entry: i for i, entry in enumerate(values)}
        self.lines_of: dict[Entry, list[_Line]] = {entry: [] for entry in values}
        for line in lines:
            for entry in (*line.members, line.total):
                self.lines_of[entry].append(line)
        self.hidden = {entry for entry, n in values.items() if is_small(n, k)}

    def run(self) -> set[Entry]:
        """Hide complements until every line has 0 or 2+ hidden figures and none is solvable."""
        while self._complete_lines() or self._protect_sums() or self._break_recovery():
            pass
        return self.hidden

    def _smallest(self, entries: Iterable[Entry], line: _Line | None = None) -> Entry | None:
        """The smallest non-zero shown figure, preferring one another line needs hidden anyway.

        Hiding a zero protects nothing (counts are >= 0); closing another line's gap at the same
        time keeps the number of hidden figures down.
        """
        candidates = [e for e in entries if e not in self.hidden and self.values[e] > 0]
        return min(
            candidates,
            key=lambda e: (not self._needed(e, line), self.values[e], self.position[e]),
            default=None,
        )

    def _needed(self, entry: Entry, line: _Line | None) -> bool:
        """Whether a line through entry, other than the given one, hides exactly one figure."""
        return any(
            sum(e in self.hidden for e in (*other.members, other.total)) == 1
            for other in self.lines_of[entry]
            if other is not line
        )

    def _complete_lines(self) -> bool:
        """Where a line hides exactly one figure, hide its next smallest cell, else its total."""
        changed = False
        for line in self.lines:
            hidden = [e for e in (*line.members, line.total) if e in self.hidden]
            if len(hidden) == 1:
                complement = self._smallest(line.members, line) or line.total
                self.hidden.add(complement)
                changed = True
        return changed

    def _protect_sums(self) -> bool:
        """Where a shown total leaves hidden members adding up to 1..k-1, hide one more member.

        Total minus the shown members is the hidden members' sum: if it describes fewer than k
        people (1 + 2 hidden beside a shown total), those people form a small group of their own.
        """
        for line in self.lines:
            if line.total in self.hidden:
                continue
            hidden_sum = sum(self.values[e] for e in line.members if e in self.hidden)
            if is_small(hidden_sum, self.k):
                self.hidden.add(self._smallest(line.members, line) or line.total)
                return True
        return False

    def _determined(self) -> list[Entry]:
        """Hidden figures fixed by the shown ones through any combination of the lines.

        A hidden figure is determined exactly when no direction in the null space of the lines
        (restricted to hidden figures) moves it; as every hidden figure is positive, a figure that
        is not determined linearly is not determined under non-negativity either.
        """
        order = sorted(self.hidden, key=self.position.__getitem__)
        column = {entry: i for i, entry in enumerate(order)}
        rows = []
        for line in self.lines:
            row = np.zeros(len(order))
            for entry in line.members:
                if entry in column:
                    row[column[entry]] += 1.0
            if line.total in column:
                row[column[line.total]] -= 1.0
            if row.any():
                rows.append(row)
        if not rows:
            return []
        _, singular, vt = np.linalg.svd(np.array(rows))
        rank = int((singular > 1e-9).sum())
        null = vt[rank:]
        return [entry for i, entry in enumerate(order) if np.all(np.abs(null[:, i]) < 1e-9)]

    def _break_recovery(self) -> bool:
        """Hide one more figure so that the first solvable hidden figure no longer is."""
        determined = self._determined()
        if not determined:
            return False
        target = determined[0]
        nearby = [e for line in self.lines_of[target] for e in (*line.members, line.total)]
        candidates = sorted(
            {e for e in nearby if e not in self.hidden and self.values[e] > 0},
            key=lambda e: (self.values[e], self.position[e]),
        )
        for candidate in candidates:
            self.hidden.add(candidate)
            if target not in self._determined():
                return True
            self.hidden.remove(candidate)
        touched = {e for h in self.hidden for line in self.lines_of[h] for e in line.members}
        touched |= {line.total for h in self.hidden for line in self.lines_of[h]}
        self.hidden.add(self._smallest(candidates) or self._smallest(touched))
        return True


def _masks(tables: list[pd.DataFrame], hidden: set[Entry]) -> list[pd.DataFrame]:
    masks = []
    for t, counts in enumerate(tables):
        mask = pd.DataFrame(False, index=counts.index, columns=counts.columns)
        for _, row, column in (e for e in hidden if e[0] == t):
            mask.at[row, column] = True
        masks.append(mask)
    return masks


def suppress_counts(
    table: pd.DataFrame | pd.Series,
    k: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedTable:
    """Hide small counts and enough others that no hidden count follows from the shown totals.

    Pass row_totals/column_totals=False for totals that are not shown anywhere. A Series is a
    one-way table: a one-column DataFrame with its column total.
    """
    validate_min_group_size(k)
    if isinstance(table, pd.Series):
        table, row_totals = table.to_frame(), False
    counts = _with_totals(table, row_totals, column_totals)
    lines = _table_lines(0, table, row_totals, column_totals)
    hidden = _Protection(_entries(0, counts), lines, k).run()
    (mask,) = _masks([counts], hidden)
    return SuppressedTable(counts=counts, mask=mask, k=k)


def suppress_linked(
    coarse: pd.DataFrame,
    fine: pd.DataFrame,
    k: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> tuple[SuppressedTable, SuppressedTable]:
    """Protect two groupings of the same people together (gender, and gender x category).

    fine's columns are a two-level MultiIndex whose first level is coarse's columns, so each coarse
    cell is the sum of a group of fine cells; both tables share rows and shown totals.
    """
    validate_min_group_size(k)
    if (
        fine.columns.nlevels != 2
        or not fine.index.equals(coarse.index)
        or not set(fine.columns.get_level_values(0)) <= set(coarse.columns)
    ):
        raise ValueError("fine must have coarse's rows and (coarse column, subgroup) columns.")
    regrouped = fine.T.groupby(level=0).sum().T.reindex(columns=coarse.columns, fill_value=0)
    if not regrouped.astype("int64").equals(coarse.astype("int64")):
        raise ValueError("The cells of fine do not add up to the cells of coarse.")
    coarse_counts = _with_totals(coarse, row_totals, column_totals)
    fine_counts = _with_totals(fine, row_totals, column_totals)
    lines = _table_lines(0, coarse, row_totals, column_totals)
    lines += _table_lines(1, fine, row_totals, column_totals)
    coarse_total, fine_total = _total_label(coarse.columns), _total_label(fine.columns)
    for row in coarse_counts.index:
        for column in coarse.columns:
            members = tuple((1, row, sub) for sub in fine.columns if sub[0] == column)
            lines.append(_Line(members, (0, row, column)))
        if row_totals:
            lines.append(_Line(((1, row, fine_total),), (0, row, coarse_total)))
    values = _entries(0, coarse_counts) | _entries(1, fine_counts)
    hidden = _Protection(values, lines, k).run()
    coarse_mask, fine_mask = _masks([coarse_counts, fine_counts], hidden)
    return (
        SuppressedTable(counts=coarse_counts, mask=coarse_mask, k=k),
        SuppressedTable(counts=fine_counts, mask=fine_mask, k=k),
    )


def suppress_group_stats(
    stats: pd.Series,
    counts: pd.Series,
    k: int,
    *,
    overall: Any = None,
    overall_shown: bool = True,
    overall_n: int | None = None,
) -> GroupStats:
    """Hide a statistic (mean, median, %, gap) of any group of 0 < n < k people, and one more.

    When exactly one group is hidden and the overall statistic is shown (or can be worked out),
    the hidden group could be solved from the others: the smallest other group is hidden too, or
    the overall value when there is no other group. overall_n defaults to the groups' total.
    One breakdown of `suppress_group_stats_table`, so both apply the same rule.
    """
    table = suppress_group_stats_table(
        pd.DataFrame([stats.to_numpy(dtype=object)], columns=stats.index),
        pd.DataFrame([counts.to_numpy()], columns=counts.index),
        k,
        overall=pd.Series([overall], dtype=object),
        overall_shown=overall_shown,
        overall_n=None if overall_n is None else pd.Series([overall_n]),
    )
    return table.row(0)


@dataclass(frozen=True)
class GroupStatsTable:
    """Many breakdowns of a statistic by group (a row each, a column per group), suppressed."""

    stats: pd.DataFrame
    sizes: pd.DataFrame
    hidden: pd.DataFrame
    overall: pd.Series
    overall_n: pd.Series
    overall_hidden: pd.Series
    k: int

    def row(self, label: Hashable) -> GroupStats:
        """One breakdown as Cells."""
        return self.rows([label])[label]

    def rows(self, labels: Iterable[Hashable] | None = None) -> dict[Hashable, GroupStats]:
        """The breakdowns (all, or those labelled) as Cells, read from arrays rather than cell by cell."""
        position = {label: i for i, label in enumerate(self.stats.index)}
        values, sizes = self.stats.to_numpy(dtype=object), self.sizes.to_numpy()
        hidden, groups = self.hidden.to_numpy(), list(self.stats.columns)
        overall, overall_n = self.overall.to_numpy(dtype=object), self.overall_n.to_numpy()
        overall_hidden = self.overall_hidden.to_numpy()
        result = {}
        for label in self.stats.index if labels is None else labels:
            i = position[label]
            result[label] = GroupStats(
                groups={
                    group: Cell(values[i, j], sizes[i, j], bool(hidden[i, j]), self.k)
                    for j, group in enumerate(groups)
                },
                overall=Cell(overall[i], overall_n[i], bool(overall_hidden[i]), self.k),
            )
        return result


def suppress_group_stats_table(
    stats: pd.DataFrame,
    counts: pd.DataFrame,
    k: int,
    *,
    overall: pd.Series | None = None,
    overall_shown: bool = True,
    overall_n: pd.Series | None = None,
) -> GroupStatsTable:
    """`suppress_group_stats` for many independent breakdowns at once, with array operations.

    Each row of stats is one breakdown (a region's mean score of one key area by gender); counts
    holds its people per group (aligned on stats' labels, missing as 0); overall and overall_n are
    by row, as in suppress_group_stats, and overall_n defaults to each row's total.
    """
    validate_min_group_size(k)
    sizes = counts.reindex(index=stats.index, columns=stats.columns, fill_value=0).astype("int64")
    n = sizes.to_numpy()
    hidden = (n > 0) & (n < k)
    total = n.sum(axis=1) if overall_n is None else overall_n.reindex(stats.index).to_numpy(dtype="int64")
    overall_hidden = (total > 0) & (total < k)
    lone = overall_shown & ~overall_hidden & (hidden.sum(axis=1) == 1)
    others = (n > 0) & ~hidden
    has_other = others.any(axis=1)
    if n.size:
        # the smallest other group, the first one on a tie
        partner = np.where(others, n, np.iinfo("int64").max).argmin(axis=1)
        solvable = np.flatnonzero(lone & has_other)
        hidden[solvable, partner[solvable]] = True
    overall_hidden |= lone & ~has_other
    return GroupStatsTable(
        stats=stats,
        sizes=sizes,
        hidden=pd.DataFrame(hidden, index=stats.index, columns=stats.columns),
        overall=pd.Series(None if overall is None else overall, index=stats.index, dtype=object),
        overall_n=pd.Series(total, index=stats.index),
        overall_hidden=pd.Series(overall_hidden, index=stats.index),
        k=k,
    )
