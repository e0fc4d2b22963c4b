"""Exports: the roadmap and findings as XLSX and CSV, and the anonymised data package (ZIP with README)."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.roadmap.builders import client_for

MARKER = "<5"


def get(team, name, who="lead"):
    response = client_for(team.people[who]).get(f"/audits/{team.audit.pk}/exports/{name}")
    assert response.status_code == 200, response.content[:300]
    return response


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_roadmap_as_xlsx_and_csv(complete):
    workbook = load_workbook(io.BytesIO(get(complete, "roadmap.xlsx").content))
    sheet = workbook["roadmap"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("number", "key_area", "recommendation", "action")
    assert [row[0] for row in values[1:]] == ["A1", "A2", "A3"]
    assert {row[3] for row in values[1:]} == {
        "Train every manager in gender mainstreaming",
        "Run a joint pay assessment",
        "Publish the promotion criteria",
    }
    assert workbook["recommendations"].max_row == 3
    table = rows(get(complete, "roadmap.csv").content)
    pay = next(row for row in table if row["action"] == "Run a joint pay assessment")
    assert (pay["key_area"], pay["priority"], pay["status"], pay["baseline"], pay["target"]) == (
        "KA08",
        "medium",
        "planned",
        "6.10",
        "2.00",
    )
    assert pay["start"] == "2027-06-01"


def test_the_findings_as_xlsx_and_csv(complete):
    table = rows(get(complete, "findings.csv").content)
    assert [(row["number"], row["key_area"], row["kind"]) for row in table] == [
        ("F1", "KA04", "good_practice"),
        ("F2", "KA08", "gap"),
    ]
    assert table[1]["recommendations"] == "R2" and "Participants said" in table[1]["evidence"]
    sheet = load_workbook(io.BytesIO(get(complete, "findings.xlsx").content))["findings"]
    assert sheet.max_row == 3


def test_the_data_package_has_a_readme_and_hides_the_small_group(complete):
    archive = zipfile.ZipFile(io.BytesIO(get(complete, "data-package.zip", who="coordinator").content))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "findings.csv",
        "recommendations.csv",
        "roadmap.csv",
        "roadmap_progress.csv",
        "data_sources.csv",
        "staff_headcount_by_category.csv",
        "staff_pay_gap_by_category.csv",
        "staff_pay_gap_indicators.csv",
    } <= names
    readme = archive.read("README.txt").decode()
    assert "No figure in these files describes fewer than 5 people" in readme
    assert "roadmap.csv" in readme
    headcount = {row["category"]: row for row in rows(archive.read("staff_headcount_by_category.csv"))}
    assert headcount["Drivers"]["women"] == MARKER  # 2 women
    assert MARKER in (
        headcount["Support"]["women"],
        headcount["Support"]["men"],
        headcount["All staff"]["women"],
    )
    gaps = {row["category"]: row for row in rows(archive.read("staff_pay_gap_by_category.csv"))}
    assert gaps["Drivers"]["women"] == gaps["Drivers"]["total_gap_pct"] == MARKER
    assert gaps["Professional"]["total_gap_pct"] not in ("", MARKER)
    for name in names - {"README.txt"}:
        for row in rows(archive.read(name)):
            assert row.get("women") != "2", (name, row)


def test_exports_are_for_those_who_read_the_report(complete):
    url = f"/audits/{complete.audit.pk}/exports/roadmap.csv"
    assert client_for(complete.people["unrelated"]).get(url).status_code == 404
    assert client_for(complete.people["coordinator"]).get(url).status_code == 200


@pytest.mark.parametrize("name", ["roadmap.pdf", "secrets.csv"])
def test_unknown_exports_are_404(complete, name):
    response = client_for(complete.people["lead"]).get(f"/audits/{complete.audit.pk}/exports/{name}")
    assert response.status_code == 404
