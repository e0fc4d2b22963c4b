"""Staff file validation and the pay-gap indicators, checked against hand computations."""

import io
import json

import pytest
from openpyxl import Workbook

from audits.analysis.paygap import (
    StaffFileError,
    headcount_by,
    pay_gap_indicators,
    read_staff_file,
)
from audits.disclosure import TOTAL

HEADER = "employee_id,gender,category,annual_hours,base_pay,variable_pay"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def staff(*rows: str, header: str = HEADER):
    return read_staff_file(csv_bytes(*rows, header=header), "staff.csv")


def problems(data: bytes, filename: str = "staff.csv") -> list[str]:
    with pytest.raises(StaffFileError) as caught:
        read_staff_file(data, filename)
    return caught.value.problems


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Hourly totals (base + variable) / hours:
#   women  1: 20.5   2: 31   3: (50000 + 2000) / 2000 = 26   4: 40
#   men    5: 27     6: 38   7: 46                           8: 52
# Worker 9 ("x") is "other": counted, never compared.
SMALL_FILE = [
    "1,F,A,1000,20000,500",
    "2,woman,A,1000,30000,1000",
    "3,female,A,2000,50000,2000",
    "4,f,B,1000,40000,0",
    "5,M,A,1000,25000,2000",
    "6,male,A,1000,35000,3000",
    "7,man,A,1000,45000,1000",
    "8,m,B,1000,50000,2000",
    "9,x,B,1000,99000,0",
]


def test_headline_gaps_match_a_hand_computation():
    result = pay_gap_indicators(staff(*SMALL_FILE), min_group=3)
    # mean:   women (20.5 + 31 + 26 + 40) / 4 = 29.375; men (27 + 38 + 46 + 52) / 4 = 40.75
    #         (40.75 - 29.375) / 40.75 x 100 = 27.914...
    assert result["mean_gap_pct"] == 27.91
    # median: women (26 + 31) / 2 = 28.5; men (38 + 46) / 2 = 42; (42 - 28.5) / 42 x 100 = 32.142...
    assert result["median_gap_pct"] == 32.14


def test_variable_pay_indicators_match_a_hand_computation():
    result = pay_gap_indicators(staff(*SMALL_FILE), min_group=3)
    # Receiving variable pay: women 500, 1000, 2000 (worker 4 gets none); men 2000, 3000, 1000, 2000.
    # mean:   women 3500 / 3 = 1166.67; men 8000 / 4 = 2000; (2000 - 1166.67) / 2000 x 100 = 41.666...
    assert result["variable_mean_gap_pct"] == 41.67
    # median: women 1000; men 2000; (2000 - 1000) / 2000 x 100 = 50
    assert result["variable_median_gap_pct"] == 50.0
    # share: 3 of 4 women, 4 of 4 men; 75 % of 4 women would show the 1 woman paid none (< k): hidden
    assert result["variable_pay_share_pct"] == {"female": None, "male": 100.0}


def test_category_gaps_match_a_hand_computation():
    result = pay_gap_indicators(staff(*SMALL_FILE), min_group=3)
    grade_a, grade_b = result["categories"]
    assert grade_a["category"] == "A" and not grade_a["suppressed"]
    # base per hour:     women (20 + 30 + 25) / 3 = 25;         men (25 + 35 + 45) / 3 = 35
    #                    (35 - 25) / 35 x 100 = 28.571...
    assert grade_a["base_gap_pct"] == 28.57
    # variable per hour: women (0.5 + 1 + 1) / 3 = 0.8333;      men (2 + 3 + 1) / 3 = 2
    #                    (2 - 0.8333) / 2 x 100 = 58.333...
    assert grade_a["variable_gap_pct"] == 58.33
    # total per hour:    women (20.5 + 31 + 26) / 3 = 25.8333;  men (27 + 38 + 46) / 3 = 37
    #                    (37 - 25.8333) / 37 x 100 = 30.180...
    assert grade_a["total_gap_pct"] == 30.18
    assert grade_a["joint_assessment_trigger"] is True
    # grade B: one woman and one man (and the "other" worker) -> suppressed
    assert grade_b == {
        "category": "B",
        "female": None,
        "male": None,
        "base_gap_pct": None,
        "variable_gap_pct": None,
        "total_gap_pct": None,
        "suppressed": True,
        "joint_assessment_trigger": False,
    }


def test_result_has_exactly_the_keys_of_the_spec_and_is_json():
    result = pay_gap_indicators(staff(*SMALL_FILE), min_group=3)
    assert list(result) == [
        "workers",
        "mean_gap_pct",
        "median_gap_pct",
        "variable_mean_gap_pct",
        "variable_median_gap_pct",
        "variable_pay_share_pct",
        "quartiles",
        "categories",
    ]
    assert set(result["workers"]) == {"female", "male", "other"}
    assert [q["band"] for q in result["quartiles"]] == [1, 2, 3, 4]
    assert all(set(q) == {"band", "female_pct", "male_pct"} for q in result["quartiles"])
    assert json.loads(json.dumps(result)) == result
    assert isinstance(result["mean_gap_pct"], float)


def test_workers_are_counted_with_the_disclosure_rule():
    result = pay_gap_indicators(staff(*SMALL_FILE), min_group=3)
    # 4 women and 4 men are shown; the single "other" worker is hidden.
    assert result["workers"] == {"female": 4, "male": 4, "other": None}


def test_other_workers_are_counted_but_never_enter_the_indicators():
    others = [f"{100 + i},non-binary,A,500,{90000 + i},9000" for i in range(3)] + ["200,,B,10,1,0"]
    with_others = pay_gap_indicators(staff(*SMALL_FILE, *others), min_group=3)
    without = pay_gap_indicators(staff(*SMALL_FILE), min_group=3)
    assert with_others["workers"]["other"] == 5
    for key in ("mean_gap_pct", "median_gap_pct", "variable_mean_gap_pct", "variable_median_gap_pct"):
        assert with_others[key] == without[key]
    assert with_others["variable_pay_share_pct"] == without["variable_pay_share_pct"]
    assert with_others["quartiles"] == without["quartiles"]
    gaps = [(c["base_gap_pct"], c["total_gap_pct"]) for c in with_others["categories"]]
    assert gaps == [(c["base_gap_pct"], c["total_gap_pct"]) for c in without["categories"]]


def quartile_pcts(result):
    return [(q["female_pct"], q["male_pct"]) for q in result["quartiles"]]


def test_quartile_bands_follow_floor_4r_over_n():
    # 14 workers, pay rising with the id; band = floor(4r / 14) + 1 gives sizes 4, 3, 4, 3:
    #   r 0-3 -> 1, r 4-6 -> 2, r 7-10 -> 3, r 11-13 -> 4
    genders = "FFFM" + "FMM" + "FFMM" + "MMM"
    rows = [f"{i + 1},{g},A,1000,{10000 + 1000 * i},0" for i, g in enumerate(genders)]
    result = pay_gap_indicators(staff(*rows), min_group=3)
    # band 1: 3 of 4 women = 75 %; band 2: 1 of 3 = 33.33 %; band 3: 2 of 4 = 50 %; band 4: 0 of 3
    assert quartile_pcts(result) == [(75.0, 25.0), (33.33, 66.67), (50.0, 50.0), (0.0, 100.0)]


def test_quartile_ties_are_broken_by_employee_id_in_numeric_order():
    # Everyone earns the same, so the ids alone decide the ranking: 1-3 | 4-6 | 7-9 | 10-12.
    # Women are 1, 2, 3, 10, 11, 12 (in text order "10" < "2", which would give 100, 100, 0, 0).
    women = {1, 2, 3, 10, 11, 12}
    rows = [f"{i},{'F' if i in women else 'M'},A,1000,30000,0" for i in range(12, 0, -1)]
    result = pay_gap_indicators(staff(*rows), min_group=3)
    assert quartile_pcts(result) == [(100.0, 0.0), (0.0, 100.0), (0.0, 100.0), (100.0, 0.0)]


def test_quartile_tie_on_a_band_boundary_goes_to_the_lower_id_first():
    # Hourly pay: 10, 11, then a tie at 12 between man "E04" and woman "E07", then 13 ... 21.
    # Ranks 0-2 are band 1 (floor(4 x 2 / 12) = 0) and rank 3 is band 2: E04 (rank 2) stays in band 1.
    rows = [
        "E01,M,A,1000,10000,0",
        "E02,M,A,1000,11000,0",
        "E07,F,A,1000,12000,0",
        "E04,M,A,1000,12000,0",
        *(f"E{i:02d},{'F' if i % 2 else 'M'},A,1000,{13000 + 1000 * (i - 8)},0" for i in range(8, 16)),
    ]
    result = pay_gap_indicators(staff(*rows), min_group=3)
    # band 1: E01 M, E02 M, E04 M -> 0 %; band 2: E07 F, E08 M, E09 F -> 66.67 %
    assert quartile_pcts(result)[:2] == [(0.0, 100.0), (66.67, 33.33)]


def test_small_quartile_bands_are_suppressed_with_a_partner():
    # 8 workers, k = 3: bands of 2 people each describe fewer than k people.
    result = pay_gap_indicators(staff(*SMALL_FILE), min_group=3)
    assert quartile_pcts(result) == [(None, None)] * 4


def test_no_men_gives_null_gaps():
    rows = [f"{i},F,A,1000,{20000 + 100 * i},{100 * i}" for i in range(1, 7)]
    result = pay_gap_indicators(staff(*rows), min_group=3)
    assert result["workers"] == {"female": 6, "male": 0, "other": 0}
    for key in ("mean_gap_pct", "median_gap_pct", "variable_mean_gap_pct", "variable_median_gap_pct"):
        assert result[key] is None
    assert result["variable_pay_share_pct"] == {"female": 100.0, "male": None}
    assert quartile_pcts(result) == [(None, None)] * 4
    (grade,) = result["categories"]
    assert grade["suppressed"] and grade["total_gap_pct"] is None
    assert grade["joint_assessment_trigger"] is False


def test_men_without_variable_pay_give_null_variable_gaps():
    rows = [f"{i},F,A,1000,30000,{500 * (i % 2)}" for i in range(1, 6)]
    rows += [f"{i},M,A,1000,32000,0" for i in range(6, 11)]
    result = pay_gap_indicators(staff(*rows), min_group=3)
    # nobody among the men receives variable pay: the variable gaps have no men's value
    assert result["variable_mean_gap_pct"] is None
    assert result["variable_median_gap_pct"] is None
    # 3 of 5 women are paid variable pay: 60 % would show the 2 who are not (< k), so it is hidden
    assert result["variable_pay_share_pct"] == {"female": None, "male": 0.0}
    (grade,) = result["categories"]
    # men's mean hourly variable pay is 0: no gap can be a percentage of it
    assert grade["variable_gap_pct"] is None
    # base: (32 - 30) / 32 x 100 = 6.25
    assert grade["base_gap_pct"] == 6.25


def test_variable_gaps_are_hidden_when_few_women_receive_variable_pay():
    result = pay_gap_indicators(staff(*SMALL_FILE), min_group=4)
    # only 3 women receive variable pay (< 4)
    assert result["variable_mean_gap_pct"] is None
    assert result["variable_median_gap_pct"] is None


def test_small_categories_are_suppressed_with_default_k():
    rows = [f"{i},F,big,1000,30000,0" for i in range(1, 6)]
    rows += [f"{i},M,big,1000,40000,0" for i in range(6, 12)]
    rows += ["12,F,small,1000,90000,0", "13,F,small,1000,90000,0"]
    rows += [f"{i},M,small,1000,20000,0" for i in range(14, 54)]
    rows += [f"{i},F,mid,1000,30000,0" for i in range(54, 61)]
    rows += [f"{i},M,mid,1000,30000,0" for i in range(61, 71)]
    result = pay_gap_indicators(staff(*rows))
    by_name = {c["category"]: c for c in result["categories"]}
    small = by_name["small"]
    assert small["suppressed"] and small["total_gap_pct"] is None and small["base_gap_pct"] is None
    assert small["joint_assessment_trigger"] is False
    assert small["female"] is None, "2 women is a count of fewer than 5 people"
    assert small["male"] == 40
    # the women's column adds up to the shown total (14): a second women's count is hidden with it
    assert [by_name[c]["female"] for c in ("big", "mid")].count(None) == 1
    assert result["workers"]["female"] == 14
    big = by_name["big"]
    # (40 - 30) / 40 x 100 = 25
    assert not big["suppressed"] and big["total_gap_pct"] == 25.0 and big["joint_assessment_trigger"]


def trigger_file(women_hourly: float) -> list[str]:
    rows = [f"{i},F,A,1000,{women_hourly * 1000},0" for i in range(1, 6)]
    return rows + [f"{i},M,A,1000,100000,0" for i in range(6, 11)]


@pytest.mark.parametrize(
    ("women_hourly", "gap", "trigger"),
    [
        (95.0, 5.0, True),  # (100 - 95) / 100 x 100 = 5.00: exactly the threshold
        (95.01, 4.99, False),  # 4.99
        (105.0, -5.0, True),  # women earn 5 % more: abs(-5) >= 5
        (94.0, 6.0, True),
    ],
)
def test_joint_assessment_trigger_at_five_percent(women_hourly, gap, trigger):
    (grade,) = pay_gap_indicators(staff(*trigger_file(women_hourly)))["categories"]
    assert grade["total_gap_pct"] == gap
    assert grade["joint_assessment_trigger"] is trigger


def test_headline_figures_are_null_below_k_women_in_the_whole_file():
    rows = [f"{i},F,A,1000,{20000 + i},0" for i in range(1, 5)]
    rows += [f"{i},M,A,1000,{30000 + i},0" for i in range(5, 25)]
    result = pay_gap_indicators(staff(*rows))
    assert result["workers"] == {"female": None, "male": 20, "other": 0}
    assert result["mean_gap_pct"] is None and result["median_gap_pct"] is None
    assert quartile_pcts(result) == [(None, None)] * 4
    assert result["variable_pay_share_pct"] == {"female": None, "male": 0.0}
    # the same file with k = 3 shows them: 4 women are enough
    assert pay_gap_indicators(staff(*rows), min_group=3)["mean_gap_pct"] is not None


def test_min_group_below_three_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        pay_gap_indicators(staff(*SMALL_FILE), min_group=2)


def test_headcount_by_a_column_with_disclosure():
    rows = [f"{i},F,A,1000,30000,0,north" for i in range(1, 9)]
    rows += [f"{i},M,A,1000,30000,0,north" for i in range(9, 15)]
    rows += ["15,F,A,1000,30000,0,south", "16,F,A,1000,30000,0,south"]
    rows += [f"{i},M,A,1000,30000,0,south" for i in range(17, 27)]
    rows += [f"{i},F,A,1000,30000,0,east" for i in range(27, 33)]
    rows += [f"{i},M,A,1000,30000,0,east" for i in range(33, 39)]
    table = headcount_by(staff(*rows, header=HEADER + ",unit"), "unit", 5)
    assert list(table.index) == ["east", "north", "south", TOTAL]
    assert list(table.columns) == ["female", "male", "other", "female_pct"]
    shown = {
        (row, column): table.at[row, column].to_api()["value"] for row in table.index for column in table
    }
    assert shown["south", "female"] is None and table.at["south", "female"].display() == "<5"
    # the women's column adds up to 16: the next smallest count of women (east, 6) is hidden too
    assert shown["east", "female"] is None and shown["north", "female"] == 8
    assert shown["south", "male"] == 10
    # the share of women is hidden wherever the count of women is; north: 8 / (8 + 6) = 57.14 %
    assert shown["south", "female_pct"] is None and shown["east", "female_pct"] is None
    assert shown["north", "female_pct"] == 57.14
    # staff as a whole: 16 women, 22 men, 16 / 38 = 42.11 %
    assert [shown[TOTAL, column] for column in table] == [16, 22, 0, 42.11]


# Reading and validating the file.


def test_reads_a_valid_file_normalising_gender_and_keeping_extra_columns():
    header = "Employee_ID,GENDER,Category,Annual_Hours,base_PAY,Variable_Pay,Unit"
    df = staff(
        "1,Woman,A,1000,20000,,north",
        "2,M,A,1000,20000,10,south",
        "3,FEMALE,A,1000,20000,0,north",
        "4,non-binary,A,1000,20000,0,north",
        "5,,A,1000,20000,0,north",
        "6,man,A,1000,20000,0,north",
        header=header,
    )
    assert list(df["gender"]) == ["female", "male", "female", "other", "other", "male"]
    assert list(df["unit"]) == ["north", "south", "north", "north", "north", "north"]
    assert list(df["variable_pay"]) == [0.0, 10.0, 0.0, 0.0, 0.0, 0.0]
    assert df["base_pay"].dtype == float
    assert list(df.index) == [2, 3, 4, 5, 6, 7]


def test_variable_pay_column_is_optional():
    df = staff("1,F,A,1000,20000", header="employee_id,gender,category,annual_hours,base_pay")
    assert list(df["variable_pay"]) == [0.0]


def test_every_problem_kind_is_listed_by_row_and_column():
    data = csv_bytes(
        "1,F,A,1000,20000,0",  # row 2: fine
        "2,F,,1000,20000,0",  # row 3: category missing
        "3,M,A,1000,lots,0",  # row 4: base pay not a number
        "4,M,A,1000,20000,-5",  # row 5: negative variable pay
        "5,F,A,0,20000,0",  # row 6: zero hours
        "6,F,A,-10,-1,0",  # row 7: negative hours and negative base pay
        "1,M,A,,20000,0",  # row 8: duplicate id, hours missing
    )
    assert problems(data) == [
        "row 3, column category: missing value",
        "row 4, column base_pay: not a number",
        "row 5, column variable_pay: negative pay",
        "row 6, column annual_hours: hours must be greater than 0",
        "row 7, column annual_hours: hours must be greater than 0",
        "row 7, column base_pay: negative pay",
        "row 8, column employee_id: duplicate of row 2",
        "row 8, column annual_hours: missing value",
    ]


def test_missing_columns_are_reported_with_the_problems_of_the_other_columns():
    data = csv_bytes("1,F,1000,abc", "1,M,1000,200", header="employee_id,gender,annual_hours,base_pay")
    assert problems(data) == [
        "column category: missing",
        "row 2, column base_pay: not a number",
        "row 3, column employee_id: duplicate of row 2",
    ]


def test_blank_lines_keep_spreadsheet_row_numbers():
    data = csv_bytes("1,F,A,1000,20000,0", "", "2,F,A,1000,x,0")
    assert problems(data) == ["row 4, column base_pay: not a number"]


def test_text_that_is_not_a_finite_number_is_rejected():
    data = csv_bytes("1,F,A,inf,20000,0", "2,F,A,1000,nan,0", "3,F,A,1000,1 000,0")
    assert problems(data) == [
        "row 2, column annual_hours: not a number",
        "row 3, column base_pay: not a number",
        "row 4, column base_pay: not a number",
    ]


def test_semicolon_separated_file_with_byte_order_mark():
    data = "\ufeffemployee_id;gender;category;annual_hours;base_pay\n1;F;A;1000;20000\n".encode()
    df = read_staff_file(data, "export.csv")
    assert list(df.columns[:5]) == ["employee_id", "gender", "category", "annual_hours", "base_pay"]
    assert df.at[2, "base_pay"] == 20000.0


def test_empty_and_header_only_files_are_rejected():
    assert problems(b"") == ["the file is empty"]
    assert problems(csv_bytes()) == ["the file has no data rows"]


def test_xlsx_is_read_like_csv(tmp_path):
    rows = [
        ["Employee_ID", "Gender", "Category", "Annual_Hours", "Base_Pay", "Variable_Pay", "Unit"],
        [1, "F", "A", 1000, 20000.5, None, "north"],
        [2, "male", "A", 1000, 30000, 100, "south"],
    ]
    path = tmp_path / "staff.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    from_path = read_staff_file(path, path.name)
    from_csv = staff("1,F,A,1000,20000.5,,north", "2,male,A,1000,30000,100,south", header=HEADER + ",unit")
    assert from_path.equals(from_csv)
    # by content, whatever the name
    assert read_staff_file(io.BytesIO(path.read_bytes()), "upload").equals(from_csv)


def test_xlsx_problems_are_listed_by_row_and_column():
    rows = [
        ["employee_id", "gender", "category", "annual_hours", "base_pay"],
        [1, "F", "A", 1000, 20000],
        [2, "F", "A", 0, "twenty"],
        [None, None, None, None, None],
        [2, "M", None, 1000, -3],
    ]
    assert problems(xlsx_bytes(rows), "staff.xlsx") == [
        "row 3, column annual_hours: hours must be greater than 0",
        "row 3, column base_pay: not a number",
        "row 5, column employee_id: duplicate of row 3",
        "row 5, column category: missing value",
        "row 5, column base_pay: negative pay",
    ]


def test_a_broken_xlsx_is_rejected_with_a_clear_message():
    (problem,) = problems(b"PK\x03\x04 not really a workbook", "staff.xlsx")
    assert problem.startswith("the file could not be read as XLSX")


def test_old_excel_files_are_rejected_with_a_way_out():
    assert problems(b"\xd0\xcf\x11\xe0rest", "staff.xls") == [
        "the file is an old Excel (.xls) workbook: save it as XLSX or CSV"
    ]


def test_a_row_with_more_values_than_the_header_is_a_listed_problem():
    text = (
        "employee_id,gender,category,annual_hours,base_pay\n"
        "1,f,A,1000,20000,EXTRA\n"
        "2,m,A,1000,21000\n"
        "3,m,A,1000,21000,1,2\n"
    )
    with pytest.raises(StaffFileError) as error:
        read_staff_file(text.encode(), "staff.csv")
    assert error.value.problems == [
        "row 2: 6 values but the header has 5 columns",
        "row 4: 7 values but the header has 5 columns",
    ]
