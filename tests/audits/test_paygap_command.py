"""`manage.py paygap`: a table or one JSON object, and a rejected file that exits non-zero."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

HEADER = "employee_id,gender,category,annual_hours,base_pay,variable_pay"
# Category A: 5 women at 30/hour, 5 men at 40/hour -> gap (40 - 30) / 40 x 100 = 25 %.
# Category B: 3 women, 6 men -> shown with --min-group 3, suppressed with the default 5.
ROWS = (
    [f"{i},F,A,1000,30000,0" for i in range(1, 6)]
    + [f"{i},M,A,1000,40000,0" for i in range(6, 11)]
    + [f"{i},F,B,1000,50000,1000" for i in range(11, 14)]
    + [f"{i},M,B,1000,50000,1000" for i in range(14, 20)]
)


def write_csv(tmp_path: Path, rows: list[str], name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("paygap", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_output_is_exactly_one_object_with_the_spec_keys(tmp_path):
    out, _ = run(str(write_csv(tmp_path, ROWS)), "--json")
    result = json.loads(out)
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
    assert result["workers"] == {"female": 8, "male": 11, "other": 0}
    grade_a, grade_b = result["categories"]
    assert grade_a["total_gap_pct"] == 25.0 and grade_a["joint_assessment_trigger"] is True
    assert grade_b["suppressed"] is True and grade_b["total_gap_pct"] is None


def test_min_group_changes_what_is_suppressed(tmp_path):
    out, _ = run(str(write_csv(tmp_path, ROWS)), "--json", "--min-group", "3")
    grade_b = json.loads(out)["categories"][1]
    # B: everyone earns 51/hour -> gap 0, no joint assessment
    assert grade_b["suppressed"] is False
    assert grade_b["total_gap_pct"] == 0.0 and grade_b["joint_assessment_trigger"] is False


def test_table_output_is_readable(tmp_path):
    out, _ = run(str(write_csv(tmp_path, ROWS)))
    assert "Workers: 8 women, 11 men, 0 other" in out
    assert "25.00 %" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line[:2] in ("A ", "B ")}
    assert lines["A"].rstrip().endswith("yes")
    assert "hidden (fewer than 5 women or men)" in lines["B"]
    assert "<5: hidden" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_xlsx_file(tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER.split(","))
    for row in ROWS:
        workbook.active.append([float(v) if v.isdigit() else v for v in row.split(",")])
    path = tmp_path / "staff.xlsx"
    workbook.save(path)
    out, _ = run(str(path), "--json")
    assert json.loads(out)["categories"][0]["total_gap_pct"] == 25.0


def test_a_rejected_file_lists_every_problem_on_stderr(tmp_path):
    path = write_csv(tmp_path, ["1,F,A,1000,abc,0", "1,M,A,0,20000,0", "3,M,,1000,-1,0"])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="5 problem"):
        call_command("paygap", str(path), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "row 2, column base_pay: not a number",
        "row 3, column employee_id: duplicate of row 2",
        "row 3, column annual_hours: hours must be greater than 0",
        "row 4, column category: missing value",
        "row 4, column base_pay: negative pay",
    ]
    assert out.getvalue() == ""


def test_min_group_below_three_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"--min-group: .*at least 3 \(got 2\)"):
        run(str(write_csv(tmp_path, ROWS)), "--min-group", "2")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nowhere.csv"))


def test_the_shell_sees_a_non_zero_exit_and_the_problems(tmp_path):
    path = write_csv(tmp_path, ["1,F,A,1000,abc,0"])
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("SECRET_KEY", "test-only-secret-key")
    done = subprocess.run(
        [sys.executable, "manage.py", "paygap", str(path), "--json"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "row 2, column base_pay: not a number" in done.stderr
    assert done.stdout == ""
