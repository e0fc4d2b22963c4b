"""Staff files: validated whole before anything is stored; every figure through the disclosure rule."""

import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from openpyxl import Workbook
from rest_framework.test import APIClient

from audits.evidence import selectors, services
from audits.evidence.models import StaffDataset, StaffRecord
from config.errors import DomainError
from tests.evidence.conftest import balanced_staff, client_for, named, staff_csv

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def upload(world, data: bytes, name: str = "staff.csv", who: str = "lead"):
    return services.staff_file_upload(actor=world.people[who], audit=world.audit, upload=named(data, name))


BAD_FILE = staff_csv(
    "1,F,A,1000,30000,0",
    "2,M,A,0,30000,0",
    "3,F,,1000,-5,0",
    "1,M,B,1000,abc,",
)


def test_a_file_with_bad_rows_lists_every_problem_and_stores_nothing(world):
    response = client_for(world.people["lead"]).post(
        f"/audits/{world.audit.pk}/staff/", {"file": named(BAD_FILE, "staff.csv")}
    )
    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems == [
        "row 3, column annual_hours: hours must be greater than 0",
        "row 4, column category: missing value",
        "row 4, column base_pay: negative pay",
        "row 5, column employee_id: duplicate of row 2",
        "row 5, column base_pay: not a number",
    ]
    page = response.content.decode()
    assert "The staff file was not stored: 5 problem(s) to correct." in page
    assert all(problem in page for problem in problems)
    assert not StaffDataset.objects.exists() and not StaffRecord.objects.exists()


def test_a_rejected_file_leaves_the_stored_one_untouched(world):
    upload(world, balanced_staff())
    api = api_for(world.people["co_facilitator"])
    response = api.post(
        f"/api/audits/{world.audit.pk}/staff/", {"file": named(BAD_FILE, "new.csv")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["problems"][0] == "row 3, column annual_hours: hours must be greater than 0"
    dataset = StaffDataset.objects.get()
    assert dataset.source_name == "staff.csv" and dataset.records.count() == 82


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a staff file", "staff.csv", "not an accepted kind of file"),
        (
            staff_csv("1,F,A,1000,1", header="id,gender,category,annual_hours,base_pay"),
            "s.csv",
            "employee_id: missing",
        ),
    ],
)
def test_wrong_files_are_refused_with_their_reason(world, data, name, message):
    with pytest.raises(DomainError) as refused:
        upload(world, data, name)
    assert message in " ".join([refused.value.message, *refused.value.details])
    assert not StaffRecord.objects.exists()


def test_xlsx_files_are_read_and_breakdown_columns_kept(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Employee_ID", "Gender", "Category", "Annual_Hours", "Base_Pay", "Unit", "Contract_Type", "Age_Band"]
    )
    for n in range(12):
        sheet.append([n, "F" if n % 2 else "M", "G1", 1600, 40000 + n, "HR", "permanent", "30-44"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    dataset = upload(world, buffer.getvalue(), "staff.xlsx")
    assert dataset.columns == ["unit", "contract_type"]
    record = StaffRecord.objects.get(employee_id="3")
    assert (record.gender, record.unit, record.contract_type, record.variable_pay) == (
        "female",
        "HR",
        "permanent",
        0,
    )
    assert not hasattr(record, "age_band")


def _women(rows, label):
    return next(row for row in rows if row["label"] == label)


def test_two_women_among_forty_men_show_no_figure_for_women_and_cannot_be_recovered(world):
    upload(world, balanced_staff(women_a=2, men_a=40, women_b=20, men_b=20))
    api = api_for(world.people["lead"])
    analysis = api.get(f"/api/audits/{world.audit.pk}/staff/analysis/").json()
    rows = {row["label"]: row for row in analysis["headcount"]["category"]}
    assert rows["A"]["female"] == {"value": None, "suppressed": True}
    assert rows["A"]["female_pct"] == {"value": None, "suppressed": True}
    # The women column adds up to the shown total: a second cell (or the total) is hidden too.
    women_column = [rows[label]["female"] for label in ("A", "B", "All staff")]
    assert sum(cell["suppressed"] for cell in women_column) >= 2
    shown_total = rows["All staff"]["female"]["value"]
    shown_b = rows["B"]["female"]["value"]
    assert shown_total is None or shown_b is None

    gap = api.get(f"/api/audits/{world.audit.pk}/staff/pay-gap/").json()
    category_a = next(row for row in gap["categories"] if row["category"] == "A")
    assert category_a["suppressed"] is True and category_a["female"] is None
    assert category_a["total_gap_pct"] is None and category_a["joint_assessment_trigger"] is False

    share_a = [row["female_pct"] for row in analysis["pipeline"]["levels"] if row["label"] == "A"]
    assert share_a == [{"value": None, "suppressed": True}]

    page = client_for(world.people["lead"]).get(f"/audits/{world.audit.pk}/staff/").content.decode()
    table = page[page.index('data-testid="categories"') :]
    row_a = table[table.index(">A</th>") : table.index("</tr>", table.index(">A</th>"))]
    assert "&lt;5" in row_a and ">2<" not in row_a
    assert "hidden because it describes fewer than 5 people" in page


def test_the_pay_gap_api_matches_the_command_line(world, tmp_path):
    data = balanced_staff(women_a=9, men_a=11, women_b=20, men_b=20)
    upload(world, data)
    path = tmp_path / "staff.csv"
    path.write_bytes(data)
    output = io.StringIO()
    call_command("paygap", str(path), "--json", "--min-group", "5", stdout=output)
    expected = json.loads(output.getvalue())
    api = api_for(world.people["expert"])
    assert api.get(f"/api/audits/{world.audit.pk}/staff/pay-gap/").json() == expected
    b = next(row for row in expected["categories"] if row["category"] == "B")
    assert b["total_gap_pct"] == 10.0 and b["joint_assessment_trigger"] is True


def test_the_leaky_pipeline_orders_grades_by_pay_and_shows_the_share_of_women(world):
    rows = []
    n = 0
    for grade, pay, women, men in (("D1", 90000, 2, 8), ("G3", 30000, 15, 5), ("P4", 60000, 10, 10)):
        for gender, count in (("F", women), ("M", men)):
            for _ in range(count):
                n += 1
                rows.append(f"{n},{gender},staff,1000,{pay},0,{grade}")
    upload(
        world, staff_csv(*rows, header="employee_id,gender,category,annual_hours,base_pay,variable_pay,grade")
    )
    dataset = selectors.staff_dataset(world.audit)
    analysis = selectors.staff_analysis(world.audit, dataset)
    levels = analysis["pipeline"]["levels"]
    assert analysis["pipeline"]["column"] == "grade"
    assert [row["label"] for row in levels] == ["G3", "P4", "D1", "All staff"]
    assert levels[0]["female_pct"].value == 75.0
    assert levels[2]["female"].suppressed and levels[2]["female_pct"].suppressed  # 2 women in D1
    # ...and the next smallest count of women, so D1's cannot be worked out from the total.
    assert levels[1]["female"].suppressed and not levels[3]["female"].suppressed
    page = client_for(world.people["lead"]).get(f"/audits/{world.audit.pk}/staff/").content.decode()
    assert "<svg" in page and "Share of women by grade level" in page
    assert "<script" not in page.split("</main>")[0]


def test_a_100000_worker_file_is_analysed_whole(world):
    """Every worker counted at national size; the time it takes is bench/paygap_bench.py's to measure."""
    rng = np.random.default_rng(7)
    workers = 100_000
    category = rng.integers(1, 13, workers)
    gender = rng.choice(["F", "M", "x"], workers, p=[0.49, 0.49, 0.02])
    hours = rng.choice([800.0, 1600.0], workers)
    base = np.round(hours * (12 + 2.5 * category) * rng.lognormal(0, 0.2, workers), 2)
    variable = np.where(rng.random(workers) < 0.4, np.round(rng.gamma(2, 800, workers), 2), 0)
    lines = [
        f"E{i:06d},{gender[i]},grade {category[i]:02d},{hours[i]},{base[i]},{variable[i]},u{category[i] % 4}"
        for i in range(workers)
    ]
    upload(
        world, staff_csv(*lines, header="employee_id,gender,category,annual_hours,base_pay,variable_pay,unit")
    )
    audit = type(world.audit).objects.get(pk=world.audit.pk)
    analysis = selectors.staff_analysis(audit, selectors.staff_dataset(audit))
    assert analysis["workers"] == workers
    assert analysis["pay_gap"]["workers"]["female"] == int((gender == "F").sum())
    assert analysis["pay_gap"]["workers"]["male"] == int((gender == "M").sum())
