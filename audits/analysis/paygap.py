"""Staff files and the pay-gap indicators of the EU Pay Transparency Directive (shared/domain/pay-gap.md).

Every figure leaves through audits.disclosure; the indicators are computed column-wise with pandas.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from audits.disclosure import (
    TOTAL,
    Cell,
    is_small,
    suppress_counts,
    suppress_group_stats,
    validate_min_group_size,
)

REQUIRED_COLUMNS = ("employee_id", "gender", "category", "annual_hours", "base_pay")
NUMBER_COLUMNS = ("annual_hours", "base_pay", "variable_pay")
GENDERS = ("female", "male", "other")
GENDER_WORDS = {
    "female": "female",
    "woman": "female",
    "f": "female",
    "male": "male",
    "man": "male",
    "m": "male",
}
JOINT_ASSESSMENT_THRESHOLD = 5.0
FIRST_DATA_ROW = 2
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"


class StaffFileError(Exception):
    """A staff file rejected whole; problems name the spreadsheet row and column of each fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    return source.read()


def _is_xlsx(data: bytes, filename: str) -> bool:
    """XLSX by content (a ZIP holding a workbook) or, failing that, by extension."""
    if data.startswith(b"PK\x03\x04"):
        return True
    return filename.lower().endswith((".xlsx", ".xlsm"))


def _csv_frame(data: bytes) -> pd.DataFrame:
    """All cells as text; comma, semicolon or tab separated; UTF-8 (with or without BOM) or Windows-1252."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        delimiter = csv.Sniffer().sniff(text.partition("\n")[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return pd.DataFrame()
    header, body = rows[0], rows[1:]
    too_long = [
        f"row {number}: {len(row)} values but the header has {len(header)} columns"
        for number, row in enumerate(body, start=2)
        if len(row) > len(header)
    ]
    if too_long:
        raise StaffFileError(too_long)
    width = len(header)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in body], columns=header, dtype=str)


def _xlsx_frame(data: bytes) -> pd.DataFrame:
    """The first sheet, header in row 1, every cell as text (numbers keep their full precision)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise StaffFileError([f"the file could not be read as XLSX: {exc}"]) from exc
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    if not rows:
        return pd.DataFrame()
    header = ["" if name is None else str(name) for name in rows[0]]
    frame = pd.DataFrame(rows[1:], columns=header, dtype=object)
    return frame.where(frame.notna(), "")


def _problem(row: int, column: str, text: str) -> str:
    return f"row {row}, column {column}: {text}"


def _numbers(column: pd.Series) -> pd.Series:
    """Floats, NaN where blank or not a number (the fast conversion first, the lenient one on failure)."""
    try:
        return column.replace("", "nan").astype(float)
    except ValueError:
        return pd.to_numeric(column, errors="coerce").astype(float)


def _validated(raw: pd.DataFrame) -> pd.DataFrame:
    """Check the whole file at once and collect every problem before deciding."""
    raw = raw.rename(columns=lambda name: str(name).strip().lower())
    raw.index = raw.index + FIRST_DATA_ROW
    raw.index.name = "row"
    text = raw.astype(str).apply(lambda column: column.str.strip())
    text = text[text.ne("").any(axis=1)]
    duplicated = text.columns.duplicated()
    problems = [f"column {name}: missing" for name in REQUIRED_COLUMNS if name not in text.columns]
    problems += [f"column {name}: appears more than once" for name in text.columns[duplicated].unique()]
    text = text.loc[:, ~duplicated]
    if text.empty and not problems:
        raise StaffFileError(["the file has no data rows"])
    numbers = {name: _numbers(text[name]) for name in NUMBER_COLUMNS if name in text.columns}
    problems += _cell_problems(text, numbers)
    if problems:
        raise StaffFileError(problems)
    staff = text.assign(**numbers)
    staff["gender"] = text["gender"].str.lower().map(GENDER_WORDS).fillna("other").astype(str)
    staff["variable_pay"] = numbers["variable_pay"].fillna(0.0) if "variable_pay" in numbers else 0.0
    return staff


def _cell_problems(text: pd.DataFrame, numbers: dict[str, pd.Series]) -> list[str]:
    """Every faulty cell, ordered by row and then by the file's column order."""
    found: list[tuple[int, int, str]] = []
    order = {name: i for i, name in enumerate(text.columns)}

    def flag(mask: pd.Series, column: str, message: str | pd.Series) -> None:
        messages = message if isinstance(message, pd.Series) else pd.Series(message, index=mask.index)
        for row, detail in messages[mask].items():
            found.append((int(row), order[column], _problem(int(row), column, detail)))

    for name in ("employee_id", "category", "annual_hours", "base_pay"):
        if name in text.columns:
            flag(text[name].eq(""), name, "missing value")
    for name, number in numbers.items():
        flag(text[name].ne("") & ~np.isfinite(number), name, "not a number")
        if name == "annual_hours":
            flag(number.le(0), name, "hours must be greater than 0")
        else:
            flag(number.lt(0), name, "negative pay")
    if "employee_id" in text.columns:
        ids = text["employee_id"]
        repeated = ids.ne("") & ids.duplicated(keep="first")
        if repeated.any():
            first_row = pd.Series(ids.index, index=ids.index).groupby(ids).transform("min")
            flag(repeated, "employee_id", "duplicate of row " + first_row.astype(str))
    return [message for *_, message in sorted(found)]


def read_staff_file(source: str | Path | bytes | BinaryIO, filename: str = "") -> pd.DataFrame:
    """Read and validate a staff file (CSV or XLSX); raise StaffFileError listing every problem.

    The result has one row per worker, indexed by spreadsheet row number, gender normalised to
    female/male/other, pay and hours as floats (blank variable_pay as 0), extra columns as text.
    """
    data = _bytes(source)
    if not data.strip():
        raise StaffFileError(["the file is empty"])
    if data.startswith(OLE_SIGNATURE) or filename.lower().endswith(".xls"):
        raise StaffFileError(["the file is an old Excel (.xls) workbook: save it as XLSX or CSV"])
    raw = _xlsx_frame(data) if _is_xlsx(data, filename) else _csv_frame(data)
    return _validated(raw)


def _gap(female: float, male: float) -> float | None:
    """(M - F) / M x 100; None where a group is empty (NaN) or men's value is zero."""
    if math.isnan(female) or math.isnan(male) or male == 0:
        return None
    return (male - female) / male * 100


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def headcount_by(df: pd.DataFrame, column: str, k: int) -> pd.DataFrame:
    """Women, men, other and the share of women (among women and men) by a column, as Cells.

    Rows are the column's values plus TOTAL (the staff as a whole). Group totals (women + men +
    other) are not part of the table, so each gender column adds up to its TOTAL only; the share of
    women is hidden wherever the count of women or of men is.
    """
    counts = pd.crosstab(df[column], df["gender"]).reindex(columns=list(GENDERS), fill_value=0)
    protected = suppress_counts(counts, k, row_totals=False)
    cells = pd.DataFrame(
        {gender: [protected.cell(row, gender) for row in protected.counts.index] for gender in GENDERS},
        index=protected.counts.index,
    )
    women, men = protected.counts["female"], protected.counts["male"]
    share = (women / (women + men) * 100).round(2)
    hidden = protected.mask["female"] | protected.mask["male"]
    cells["female_pct"] = [
        Cell(value=share[row], n=int(women[row] + men[row]), suppressed=bool(hidden[row]), k=k)
        for row in cells.index
    ]
    return cells


def _hourly(df: pd.DataFrame) -> pd.DataFrame:
    """Women and men only (others are counted, never compared), with their hourly pay."""
    fm = df.loc[df["gender"].isin(["female", "male"]), ["employee_id", "gender", "category"]].copy()
    rows = fm.index
    hours = df.loc[rows, "annual_hours"]
    fm["variable_pay"] = df.loc[rows, "variable_pay"]
    fm["hourly_base"] = df.loc[rows, "base_pay"] / hours
    fm["hourly_variable"] = fm["variable_pay"] / hours
    fm["hourly_total"] = fm["hourly_base"] + fm["hourly_variable"]
    return fm


def _by_gender(values: pd.Series, gender: pd.Series, how: str) -> tuple[float, float]:
    grouped = values.groupby(gender).agg(how)
    return float(grouped.get("female", np.nan)), float(grouped.get("male", np.nan))


def _id_order(ids: pd.Series) -> pd.Series:
    """Employee ids as a sort key: numerically when every id is a whole number, else as text."""
    try:
        return ids.astype("int64")
    except (ValueError, OverflowError):
        return ids


def _quartiles(fm: pd.DataFrame, k: int, shown: bool) -> list[dict[str, Any]]:
    """Rank by hourly_total (ties by employee_id); rank r of n is in band floor(4r/n) + 1."""
    ranked = fm.assign(_id=_id_order(fm["employee_id"])).sort_values(
        ["hourly_total", "_id"], kind="mergesort"
    )
    n = len(ranked)
    band = (4 * np.arange(n)) // max(n, 1) + 1
    is_female = ranked["gender"].to_numpy() == "female"
    sizes = pd.Series(np.bincount(band, minlength=5)[1:], index=range(1, 5))
    women = pd.Series(np.bincount(band[is_female], minlength=5)[1:], index=sizes.index)
    female_pct = (women / sizes.replace(0, np.nan) * 100).round(2)
    male_pct = ((sizes - women) / sizes.replace(0, np.nan) * 100).round(2)
    protected = suppress_group_stats(female_pct, sizes, k, overall_shown=True).groups
    result = []
    for number in sizes.index:
        visible = shown and sizes[number] > 0 and not protected[number].suppressed
        result.append(
            {
                "band": number,
                "female_pct": float(female_pct[number]) if visible else None,
                "male_pct": float(male_pct[number]) if visible else None,
            }
        )
    return result


def _categories(fm: pd.DataFrame, headcount: pd.DataFrame, k: int) -> list[dict[str, Any]]:
    """Per category, gaps of the means of hourly base, variable (zeros included) and total pay."""
    measures = ["hourly_base", "hourly_variable", "hourly_total"]
    categories = headcount.index.drop(TOTAL)
    means = fm.groupby(["category", "gender"])[measures].mean().unstack("gender")
    means = means.reindex(
        index=categories, columns=pd.MultiIndex.from_product([measures, ["female", "male"]])
    )
    men_means = means.xs("male", axis=1, level=1)
    gaps = (men_means - means.xs("female", axis=1, level=1)) / men_means * 100
    gaps = gaps.where(men_means != 0)
    result = []
    for category in categories:
        women, men = headcount.at[category, "female"], headcount.at[category, "male"]
        suppressed = women.n < k or men.n < k
        base, variable, total = (
            None if suppressed or pd.isna(gap) else float(gap) for gap in gaps.loc[category]
        )
        result.append(
            {
                "category": category,
                "female": women.value,
                "male": men.value,
                "base_gap_pct": _rounded(base),
                "variable_gap_pct": _rounded(variable),
                "total_gap_pct": _rounded(total),
                "suppressed": suppressed,
                "joint_assessment_trigger": total is not None
                and abs(round(total, 9)) >= JOINT_ASSESSMENT_THRESHOLD,
            }
        )
    return result


def pay_gap_indicators(df: pd.DataFrame, min_group: int = 5) -> dict[str, Any]:
    """The Article 9 indicators of a validated staff file, with the disclosure rule applied.

    Beyond the spec's null rules: headline gaps and quartile percentages are null when the file has
    fewer than min_group women or men (a gap would describe fewer than k people); the variable-pay
    gaps likewise when fewer than min_group women or men receive variable pay; counts and shares
    follow primary and secondary suppression. The joint assessment trigger compares the unrounded gap.
    """
    k = validate_min_group_size(min_group)
    # The same table (and mask) as a page's headcount by category, so the two never disagree.
    headcount = headcount_by(df, "category", k)
    workers = {gender: headcount.at[TOTAL, gender] for gender in GENDERS}
    fm = _hourly(df)
    headline = workers["female"].n >= k and workers["male"].n >= k
    gender = fm["gender"]
    mean_f, mean_m = _by_gender(fm["hourly_total"], gender, "mean")
    median_f, median_m = _by_gender(fm["hourly_total"], gender, "median")
    paid = fm[fm["variable_pay"] > 0]
    paid_counts = paid["gender"].value_counts()
    variable_shown = paid_counts.get("female", 0) >= k and paid_counts.get("male", 0) >= k
    var_mean_f, var_mean_m = _by_gender(paid["variable_pay"], paid["gender"], "mean")
    var_median_f, var_median_m = _by_gender(paid["variable_pay"], paid["gender"], "median")
    # The share paid variable pay gives away how many are paid (and not) beside the shown headcount:
    # it is shown only where neither count is hidden.
    paid_table = pd.DataFrame(
        {
            "paid": [int(paid_counts.get(name, 0)) for name in ("female", "male")],
            "unpaid": [workers[name].n - int(paid_counts.get(name, 0)) for name in ("female", "male")],
        },
        index=["female", "male"],
    )
    paid_protected = suppress_counts(paid_table, k, column_totals=False)
    share = {}
    for name in ("female", "male"):
        n = workers[name].n
        pct = round(paid_counts.get(name, 0) / n * 100, 2) if n else None
        hidden = workers[name].suppressed or bool(paid_protected.mask.loc[name, ["paid", "unpaid"]].any())
        share[name] = Cell(value=pct, n=n, suppressed=hidden or is_small(n, k), k=k).value
    return {
        "workers": {gender: workers[gender].value for gender in GENDERS},
        "mean_gap_pct": _rounded(_gap(mean_f, mean_m)) if headline else None,
        "median_gap_pct": _rounded(_gap(median_f, median_m)) if headline else None,
        "variable_mean_gap_pct": _rounded(_gap(var_mean_f, var_mean_m)) if variable_shown else None,
        "variable_median_gap_pct": _rounded(_gap(var_median_f, var_median_m)) if variable_shown else None,
        "variable_pay_share_pct": share,
        "quartiles": _quartiles(fm, k, headline),
        "categories": _categories(fm, headcount, k),
    }
