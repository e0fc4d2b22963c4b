"""The disclosure rule: tables built to leak, and a checker that tries to recover every hidden figure."""

import numpy as np
import pandas as pd
import pytest

from audits.disclosure import (
    DEFAULT_MIN_GROUP_SIZE,
    TOTAL,
    Cell,
    breakdown_allowed,
    cell,
    footnote,
    is_small,
    marker,
    suppress_counts,
    suppress_group_stats,
    suppress_group_stats_table,
    suppress_linked,
    validate_min_group_size,
)

# An equation is {figure: coefficient} whose weighted sum is zero; a figure is any hashable key.


def table_equations(name, counts, row_totals=True, column_totals=True):
    """Every "these add up" relation a reader sees in a table with its TOTAL row and column."""
    rows = [r for r in counts.index if r != TOTAL]
    columns = [c for c in counts.columns if c != TOTAL]
    equations = []
    if row_totals:
        for r in list(counts.index):
            equations.append({**{(name, r, c): 1 for c in columns}, (name, r, TOTAL): -1})
    if column_totals:
        for c in list(counts.columns):
            equations.append({**{(name, r, c): 1 for r in rows}, (name, TOTAL, c): -1})
    return equations


def figures(name, counts, mask):
    """(every figure's true value, the keys of the hidden ones)."""
    values = {(name, r, c): float(counts.at[r, c]) for r in counts.index for c in counts.columns}
    hidden = {(name, r, c) for r in counts.index for c in counts.columns if mask.at[r, c]}
    return values, hidden


def recovered_by_subtraction(equations, values, hidden):
    """An attacker's pencil: solve any equation with one unknown, repeat while anything changes."""
    unknown = set(hidden)
    found = {}
    progress = True
    while progress:
        progress = False
        for equation in equations:
            missing = [key for key in equation if key in unknown]
            if len(missing) == 1:
                (key,) = missing
                known = sum(coef * values[k] for k, coef in equation.items() if k != key)
                found[key] = -known / equation[key]
                unknown.discard(key)
                progress = True
    return found


def recovered_by_algebra(equations, hidden):
    """The hidden figures fixed by any linear combination of the equations (a unit vector in their span)."""
    order = sorted(hidden, key=repr)
    if not order:
        return set()
    rows = [[eq.get(key, 0) for key in order] for eq in equations if any(k in hidden for k in eq)]
    matrix = np.array(rows, dtype=float).reshape(-1, len(order))
    rank = np.linalg.matrix_rank(matrix) if len(matrix) else 0
    fixed = set()
    for i, key in enumerate(order):
        unit = np.zeros((1, len(order)))
        unit[0, i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            fixed.add(key)
    return fixed


def assert_nothing_recoverable(equations, values, hidden):
    found = recovered_by_subtraction(equations, values, hidden)
    assert found == {}, f"recovered by subtraction: {found}"
    assert recovered_by_algebra(equations, hidden) == set()


def assert_primary(counts, mask, k=5):
    small = counts.map(lambda n: 0 < n < k)
    assert not (small & ~mask).any().any(), "a small figure is shown"
    zeros = counts.eq(0)
    assert not (zeros & mask).any().any(), "a zero was hidden: it protects nothing"


# The checker itself must catch the leaks it is meant to catch.


def test_checker_recovers_a_cell_hidden_alone_beside_its_total():
    counts = pd.DataFrame({"female": [2, 2], "male": [40, 40]}, index=["A", TOTAL])
    counts[TOTAL] = counts.sum(axis=1)
    mask = counts.map(lambda n: 0 < n < 5)
    values, hidden = figures("t", counts, mask)
    found = recovered_by_subtraction(table_equations("t", counts), values, hidden)
    assert found[("t", "A", "female")] == 2


def test_checker_finds_a_recovery_that_needs_more_than_subtraction():
    # Every line hides 0 or 2+ cells, yet cell (1, 2) = row 1 total - (col 0 + col 1 - row 0 total).
    counts = pd.DataFrame(
        [[2, 2, 50, 50], [2, 2, 3, 50], [50, 50, 2, 2], [50, 50, 2, 2]], columns=[0, 1, 2, 3]
    )
    counts.loc[TOTAL] = counts.sum()
    counts[TOTAL] = counts.sum(axis=1)
    mask = counts.map(lambda n: 0 < n < 5)
    values, hidden = figures("t", counts, mask)
    equations = table_equations("t", counts)
    assert recovered_by_subtraction(equations, values, hidden) == {}
    assert ("t", 1, 2) in recovered_by_algebra(equations, hidden)


# Parameters, cells and markers.


def test_min_group_size_is_five_by_default_and_never_below_three():
    assert DEFAULT_MIN_GROUP_SIZE == 5
    assert validate_min_group_size(3) == 3
    assert validate_min_group_size(5) == 5
    for bad in (2, 1, 0, -5, True, 4.0, "5"):
        with pytest.raises(ValueError):
            validate_min_group_size(bad)


def test_primary_suppression_hides_some_but_fewer_than_k_and_shows_zero():
    assert [is_small(n, 5) for n in (0, 1, 4, 5, 6)] == [False, True, True, False, False]
    assert cell(0, 0, 5).display() == "0"
    assert cell(4, 4, 5).suppressed
    assert not cell(12.5, 5, 5).suppressed


def test_a_suppressed_cell_shows_the_marker_and_never_its_value():
    hidden = cell(1234.5, 2, 5)
    assert hidden.display() == "<5" == marker(5)
    assert hidden.to_api() == {"value": None, "suppressed": True}
    assert hidden.value is None
    assert Cell(value=99, n=1, suppressed=True).to_api()["value"] is None


def test_a_shown_cell_formats_its_value_for_pages_and_the_api():
    shown = cell(np.float64(12.345), 8, 5)
    assert shown.display(".1f") == "12.3"
    assert shown.to_api() == {"value": 12.345, "suppressed": False}
    assert type(shown.to_api()["value"]) is float
    assert Cell(value=float("nan"), n=0).display() == ""


def test_the_footnote_explains_the_marker():
    assert footnote(7).startswith("<7:")
    assert "7 people" in footnote(7)


def test_no_breakdown_below_k_responses():
    assert not breakdown_allowed(4, 5)
    assert breakdown_allowed(5, 5)
    assert breakdown_allowed(3, 3)
    with pytest.raises(ValueError):
        breakdown_allowed(10, 2)


# Tables meant to leak.


def test_category_with_two_women_and_forty_men_with_a_shown_total():
    table = pd.DataFrame({"female": [2], "male": [40]}, index=["grade A"])
    result = suppress_counts(table, 5)
    assert result.counts.at["grade A", TOTAL] == 42
    assert result.mask.at["grade A", "female"]
    assert result.mask.at["grade A", "male"], "40 men beside a total of 42 reveal the 2 women"
    assert_primary(result.counts, result.mask)
    values, hidden = figures("t", result.counts, result.mask)
    assert_nothing_recoverable(table_equations("t", result.counts), values, hidden)
    assert result.display().at["grade A", "female"] == "<5"
    assert result.shown().at["grade A", "female"] is None


def test_small_category_among_others_hides_a_partner_in_its_row_and_its_column():
    table = pd.DataFrame({"female": [2, 10, 12], "male": [40, 30, 25]}, index=["A", "B", "C"])
    result = suppress_counts(table, 5)
    assert_primary(result.counts, result.mask)
    hidden_cells = result.mask.loc[["A", "B", "C"], ["female", "male"]]
    for line in [*hidden_cells.sum(axis=1), *hidden_cells.sum(axis=0)]:
        assert line in (0, 2)
    assert hidden_cells.loc["C"].sum() == 0, "a 2 x 2 block suffices; grade C stays visible"
    assert not result.mask[TOTAL].any() and not result.mask.loc[TOTAL].any()
    values, hidden = figures("t", result.counts, result.mask)
    assert_nothing_recoverable(table_equations("t", result.counts), values, hidden)


def test_gender_counts_by_category_with_only_the_gender_totals_shown():
    table = pd.DataFrame({"female": [2, 10, 12], "male": [40, 30, 25]}, index=["A", "B", "C"])
    result = suppress_counts(table, 5, row_totals=False)
    assert TOTAL not in result.counts.columns
    assert list(result.mask["female"]) == [True, True, False, False]
    assert not result.mask["male"].any(), "no row total is shown, so the men's column is safe"
    values, hidden = figures("t", result.counts, result.mask)
    equations = table_equations("t", result.counts, row_totals=False)
    assert_nothing_recoverable(equations, values, hidden)


def test_three_by_three_table_with_one_small_cell():
    table = pd.DataFrame(
        [[20, 15, 30], [12, 2, 18], [25, 22, 40]], index=["x", "y", "z"], columns=["a", "b", "c"]
    )
    result = suppress_counts(table, 5)
    assert result.mask.at["y", "b"]
    assert_primary(result.counts, result.mask)
    assert int(result.mask.to_numpy().sum()) == 4, "the smallest safe pattern is a 2 x 2 rectangle"
    values, hidden = figures("t", result.counts, result.mask)
    assert_nothing_recoverable(table_equations("t", result.counts), values, hidden)


def test_a_line_with_one_non_zero_cell_hides_its_total():
    table = pd.DataFrame({"female": [3, 0, 9], "male": [0, 20, 11]}, index=["a", "b", "c"])
    result = suppress_counts(table, 5)
    assert result.mask.at["a", "female"] and result.mask.at["a", TOTAL]
    assert not result.mask.at["a", "male"], "a zero is shown"
    values, hidden = figures("t", result.counts, result.mask)
    assert_nothing_recoverable(table_equations("t", result.counts), values, hidden)


def test_a_line_hiding_two_cells_can_still_leak_and_is_protected_further():
    table = pd.DataFrame(
        [[2, 2, 50, 50], [2, 2, 3, 50], [50, 50, 2, 2], [50, 50, 2, 2]], columns=[0, 1, 2, 3]
    )
    result = suppress_counts(table, 5)
    assert_primary(result.counts, result.mask)
    values, hidden = figures("t", result.counts, result.mask)
    assert_nothing_recoverable(table_equations("t", result.counts), values, hidden)


def test_one_way_table_with_its_total():
    result = suppress_counts(pd.Series({"a": 2, "b": 30, "c": 40}, name="staff"), 5)
    assert list(result.counts.index) == ["a", "b", "c", TOTAL]
    assert list(result.mask["staff"]) == [True, True, False, False]
    values, hidden = figures("t", result.counts, result.mask)
    equations = table_equations("t", result.counts, row_totals=False)
    assert_nothing_recoverable(equations, values, hidden)


def test_larger_random_tables_never_leak():
    rng = np.random.default_rng(7)
    for _ in range(25):
        table = pd.DataFrame(rng.choice([0, 1, 2, 3, 6, 9, 15, 40], size=(5, 4)))
        result = suppress_counts(table, 5)
        assert_primary(result.counts, result.mask)
        values, hidden = figures("t", result.counts, result.mask)
        assert_nothing_recoverable(table_equations("t", result.counts), values, hidden)


def test_counts_below_three_are_refused():
    with pytest.raises(ValueError):
        suppress_counts(pd.DataFrame({"a": [1, 9]}), 2)


# Statistics by group.


def mean_equation(stats, counts, overall):
    """sum(n_g x mean_g) = N x overall mean: what a reader can write with the counts known."""
    return {**{("mean", g): float(counts[g]) for g in stats.index}, ("mean", "all"): -float(counts.sum())}


def test_mean_by_gender_with_the_overall_mean_shown():
    counts = pd.Series({"female": 40, "male": 30, "other": 2})
    stats = pd.Series({"female": 31.5, "male": 33.0, "other": 29.0})
    overall = float((stats * counts).sum() / counts.sum())
    result = suppress_group_stats(stats, counts, 5, overall=overall)
    assert result.groups["other"].suppressed
    assert result.groups["male"].suppressed, "the smallest other group is hidden too"
    assert result.groups["female"].value == 31.5
    assert result.overall.value == pytest.approx(overall)
    values = {("mean", g): stats[g] for g in stats.index} | {("mean", "all"): overall}
    hidden = {("mean", g) for g, c in result.groups.items() if c.suppressed}
    assert_nothing_recoverable([mean_equation(stats, counts, overall)], values, hidden)
    found = recovered_by_subtraction([mean_equation(stats, counts, overall)], values, {("mean", "other")})
    assert found[("mean", "other")] == pytest.approx(29.0), "hiding only the small group leaks"


def test_the_second_hidden_group_is_the_smallest_other_one():
    counts = pd.Series({"A": 40, "B": 30, "C": 8, "D": 2})
    stats = pd.Series({"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0})
    result = suppress_group_stats(stats, counts, 5, overall=2.0)
    assert [g for g, c in result.groups.items() if c.suppressed] == ["C", "D"]
    assert not result.overall.suppressed


def test_without_a_shown_overall_only_small_groups_are_hidden():
    counts = pd.Series({"A": 40, "B": 30, "D": 2})
    stats = pd.Series({"A": 1.0, "B": 2.0, "D": 4.0})
    result = suppress_group_stats(stats, counts, 5, overall_shown=False)
    assert [g for g, c in result.groups.items() if c.suppressed] == ["D"]


def test_two_small_groups_protect_each_other():
    counts = pd.Series({"A": 40, "B": 3, "C": 2})
    stats = pd.Series({"A": 1.0, "B": 2.0, "C": 3.0})
    result = suppress_group_stats(stats, counts, 5, overall=1.1)
    assert [g for g, c in result.groups.items() if c.suppressed] == ["B", "C"]


def test_a_lone_small_group_hides_the_overall_value():
    # 3 of the 40 people are in the only listed group; the overall value goes instead of a partner.
    stats, counts = pd.Series({"A": 10.0, "B": None}), pd.Series({"A": 3, "B": 0})
    result = suppress_group_stats(stats, counts, 5, overall=12.0, overall_n=40)
    assert result.groups["A"].suppressed
    assert result.overall.to_api() == {"value": None, "suppressed": True}
    assert result.groups["B"].display() == ""
    # when the groups are everyone, the overall value describes 3 people and is hidden anyway
    assert suppress_group_stats(stats, counts, 5, overall=10.0).overall.suppressed


# The same survey broken down two ways.


def survey_tables():
    options = ["agree", "neutral", "disagree"]
    fine = pd.DataFrame(
        {
            ("female", "admin"): [10, 18, 6],
            ("female", "field"): [2, 12, 2],
            ("male", "admin"): [15, 20, 7],
            ("male", "field"): [5, 5, 7],
        },
        index=options,
    )
    coarse = fine.T.groupby(level=0).sum().T
    return coarse, fine


def linked_equations(coarse, fine):
    equations = table_equations("coarse", coarse) + table_equations("fine", fine)
    fine_total = (TOTAL, "")
    for row in coarse.index:
        for gender in [c for c in coarse.columns if c != TOTAL]:
            parts = [c for c in fine.columns if c[0] == gender]
            equations.append({**{("fine", row, c): 1 for c in parts}, ("coarse", row, gender): -1})
        equations.append({("fine", row, fine_total): 1, ("coarse", row, TOTAL): -1})
    return equations


def test_the_same_survey_broken_down_two_ways():
    coarse, fine = survey_tables()
    by_gender, by_gender_category = suppress_linked(coarse, fine, 5)
    assert by_gender_category.mask.at["agree", ("female", "field")]
    assert_primary(by_gender.counts, by_gender.mask)
    assert_primary(by_gender_category.counts, by_gender_category.mask)
    values_c, hidden_c = figures("coarse", by_gender.counts, by_gender.mask)
    values_f, hidden_f = figures("fine", by_gender_category.counts, by_gender_category.mask)
    equations = linked_equations(by_gender.counts, by_gender_category.counts)
    assert_nothing_recoverable(equations, values_c | values_f, hidden_c | hidden_f)


def test_protecting_the_two_breakdowns_separately_leaks():
    coarse, fine = survey_tables()
    alone_coarse, alone_fine = suppress_counts(coarse, 5), suppress_counts(fine, 5)
    values_c, hidden_c = figures("coarse", alone_coarse.counts, alone_coarse.mask)
    values_f, hidden_f = figures("fine", alone_fine.counts, alone_fine.mask)
    equations = linked_equations(alone_coarse.counts, alone_fine.counts)
    found = recovered_by_subtraction(equations, values_c | values_f, hidden_c | hidden_f)
    assert found, "without linking, the gender table gives a hidden cell of the finer one away"
    assert all(values_f.get(key, values_c.get(key)) == value for key, value in found.items())


def test_linked_tables_with_a_small_coarse_cell():
    fine = pd.DataFrame(
        {("female", "admin"): [1, 20, 9], ("female", "field"): [2, 12, 8], ("male", "admin"): [15, 20, 7]},
        index=["agree", "neutral", "disagree"],
    )
    coarse = fine.T.groupby(level=0).sum().T
    by_gender, by_gender_category = suppress_linked(coarse, fine, 5)
    assert by_gender.mask.at["agree", "female"]
    values_c, hidden_c = figures("coarse", by_gender.counts, by_gender.mask)
    values_f, hidden_f = figures("fine", by_gender_category.counts, by_gender_category.mask)
    equations = linked_equations(by_gender.counts, by_gender_category.counts)
    assert_nothing_recoverable(equations, values_c | values_f, hidden_c | hidden_f)


def test_linked_tables_must_add_up():
    coarse, fine = survey_tables()
    coarse.iloc[0, 0] += 1
    with pytest.raises(ValueError):
        suppress_linked(coarse, fine, 5)


def test_hidden_cells_of_a_line_never_add_up_to_a_small_group():
    """1 and 2 hidden beside a shown total: total - shown = 3 people, itself a small group."""
    table = pd.DataFrame({"count": [1, 2, 40, 50]}, index=["a", "b", "c", "d"])
    protected = suppress_counts(table, 5)
    hidden = protected.mask["count"].drop(TOTAL)
    total_shown = not protected.mask.at[TOTAL, "count"]
    hidden_sum = int(protected.counts["count"].drop(TOTAL)[hidden].sum())
    assert hidden["a"] and hidden["b"]
    assert not total_shown or hidden_sum == 0 or hidden_sum >= 5


# Many breakdowns at once (a dashboard's regions x key areas): the same rule as one at a time.


def rule_by_hand(sizes: dict, k: int, overall_shown: bool, overall_n: int | None) -> tuple[set, bool]:
    """The statistics-by-group rule of shared/domain/disclosure.md, group by group: what is hidden."""
    hidden = {group for group, n in sizes.items() if 0 < n < k}
    total = sum(sizes.values()) if overall_n is None else overall_n
    overall_hidden = 0 < total < k
    if overall_shown and not overall_hidden and len(hidden) == 1:
        others = [(n, i, g) for i, (g, n) in enumerate(sizes.items()) if n > 0 and g not in hidden]
        if others:
            hidden.add(min(others)[2])  # the smallest other group, the first one on a tie
        else:
            overall_hidden = True
    return hidden, overall_hidden


@pytest.mark.parametrize("seed", range(12))
def test_many_breakdowns_at_once_hide_exactly_what_one_at_a_time_hides(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 11))
    rows, groups = int(rng.integers(80, 200)), [f"g{j}" for j in range(int(rng.integers(3, 7)))]
    # many small, zero and tied sizes, so every branch of the rule is taken
    sizes = rng.choice([0, 1, 2, 3, 4, 5, 7, 12, 12, 40], size=(rows, len(groups)))
    counts = pd.DataFrame(sizes, columns=groups)
    stats = pd.DataFrame(rng.normal(3, 1, size=sizes.shape), columns=groups).where(counts > 0)
    overall = pd.Series(rng.normal(3, 1, rows))
    overall_shown = bool(seed % 3)
    overall_n = counts.sum(axis=1) + rng.integers(0, 4, rows) if seed % 2 else None
    # the counts' columns in another order, one group left out (it counts as 0)
    given = counts[list(rng.permutation(groups))[:-1]]
    table = suppress_group_stats_table(
        stats, given, k, overall=overall, overall_shown=overall_shown, overall_n=overall_n
    ).rows()
    branches = set()
    for i in range(rows):
        n_i = None if overall_n is None else int(overall_n[i])
        one = suppress_group_stats(
            stats.iloc[i], given.iloc[i], k, overall=overall[i], overall_shown=overall_shown, overall_n=n_i
        )
        assert table[i] == one
        by_hand = {g: int(given.iloc[i].get(g, 0)) for g in groups}
        hidden, overall_hidden = rule_by_hand(by_hand, k, overall_shown, n_i)
        assert {g for g, figure in one.groups.items() if figure.suppressed} == hidden
        assert one.overall.suppressed == overall_hidden
        assert all(figure.value is None for figure in one.groups.values() if figure.suppressed)
        small = {g for g, n in by_hand.items() if 0 < n < k}
        branches.add("partner" if len(hidden) > len(small) else "overall" if overall_hidden else "plain")
    assert "plain" in branches and ("partner" in branches or not overall_shown)


def test_a_table_of_breakdowns_keeps_its_labels():
    stats = pd.DataFrame(
        {"woman": [3.0, 2.0], "man": [4.0, 4.5]}, index=[("North", "KA01"), ("South", "KA01")]
    )
    counts = pd.DataFrame({"woman": [40, 2], "man": [30, 30]}, index=stats.index)
    table = suppress_group_stats_table(stats, counts, 5, overall=pd.Series([3.4, 4.4], index=stats.index))
    south = table.row(("South", "KA01"))
    assert south.groups["woman"].suppressed and south.groups["man"].suppressed
    assert south.overall.value == 4.4 and south.overall.n == 32
    assert table.rows()[("North", "KA01")].groups["man"].value == 4.0
