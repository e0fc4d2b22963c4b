"""No channel lets a small group out: every page, API, export and PDF that carries figures about people.

One audit is built to tempt small cells out (k = 5): a survey of 40 with 2 women in support and one
person of another gender; a staff file with 1 woman among 31 drivers (a pay gap by category), 2 women
on temporary contracts and 1 woman paid variable pay; a workshop with 1 man; and a GEOSA whose survey
has 3 women. Each test reads one channel and checks that the planted figures are hidden, that the
marker stands in their place, and that no hidden figure follows from a shown total.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import subprocess
import uuid
import zipfile
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Gender
from audits import services as audit_services
from audits.evidence import services as evidence
from audits.evidence.models import EvidenceKind
from audits.models import Audit, TeamRole
from audits.roadmap import services as roadmap
from audits.surveys import services as surveys
from audits.surveys.models import Instrument, Response, SurveyExport
from audits.surveys.tasks import build_export
from reports.services import render_synchronously
from selfassessment import services as geosa
from tests.factories import StaffFactory, UserFactory, add_member, certify, make_audit

K = 5
MARKER = f"<{K}"
# The planted figures (see the module docstring), as they would be printed if they leaked.
DRIVERS_GAP = "27.67"  # drivers: the one woman earns 21,000 + 700 and the men 30,000
WOMEN_PAID_VARIABLE = "4.76"  # 1 of 21 women is paid variable pay
SUPPORT_WOMEN_MEAN = "1.00"  # the two women in support answer 1 to everything
ANOTHER_MEAN = "5.00"  # the one person of another gender answers 5


def set_phase(audit: Audit, phase: str) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(phase=phase)
    return Audit.objects.get(pk=audit.pk)


def staff_csv() -> bytes:
    rows = ["employee_id,gender,category,annual_hours,base_pay,variable_pay,contract_type"]
    people = (
        [("F", "Professional", 39000, 0, "permanent")] * 18
        + [("F", "Professional", 39000, 0, "temporary")] * 2
        + [("F", "Drivers", 21000, 700, "permanent")]
        + [("M", "Professional", 42000, 500, "permanent")] * 6
        + [("M", "Professional", 42000, 0, "permanent")] * 9
        + [("M", "Drivers", 30000, 0, "temporary")] * 10
        + [("M", "Drivers", 30000, 0, "permanent")] * 20
    )
    for number, (gender, category, pay, variable, contract) in enumerate(people, start=1):
        rows.append(f"{number},{gender},{category},1720,{pay},{variable},{contract}")
    return ("\n".join(rows) + "\n").encode()


# (gender, staff category, answer to every scale question, how many)
SURVEY = [
    ("woman", "professional", "4", 17),
    ("woman", "support", "1", 2),
    ("man", "professional", "3", 10),
    ("man", "support", "3", 10),
    ("another", "professional", "5", 1),
]


def answer_survey(audit: Audit, actor, groups) -> None:
    instrument = Instrument.objects.get(methodology=audit.methodology, code="pga-staff", audit__isnull=True)
    surveys.survey_prepare(actor=actor, audit=audit, instrument=instrument)
    survey = surveys.survey_open(
        actor=actor, audit=audit, closes_on=datetime.date.today() + datetime.timedelta(days=7), mode="shared"
    )
    codes = list(survey.instrument.questions.filter(type="likert").values_list("code", flat=True))
    Response.objects.bulk_create(
        Response(
            survey=survey,
            submission_key=uuid.uuid4().hex,
            answers=dict.fromkeys(codes, value),
            gender=gender,
            staff_category=category,
        )
        for gender, category, value, count in groups
        for _ in range(count)
    )
    surveys.survey_close(actor=actor, audit=audit)


@dataclass
class Tempting:
    audit: Audit
    lead: object
    workshop: object


@pytest.fixture
def tempting(methodology, settings, tmp_path) -> Tempting:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    audit = make_audit("selective", people_in_scope=40, min_group_size=K)
    audit_services.audit_set_key_areas(actor=StaffFactory(), audit=audit, codes=["KA04", "KA08"])
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN)
    add_member(audit, TeamRole.COORDINATOR)
    audit = set_phase(audit, "fieldwork")
    answer_survey(audit, lead, SURVEY)
    evidence.staff_file_upload(
        actor=lead, audit=audit, upload=SimpleUploadedFile("staff.csv", staff_csv(), "text/csv")
    )
    workshop = evidence.workshop_create(
        actor=lead,
        audit=audit,
        title="Drivers' workshop",
        date=datetime.date(2027, 2, 1),
        delivery="on_site",
        women=9,
        men=1,
    )
    statement = evidence.statement_add(
        actor=lead,
        workshop=workshop,
        key_area="KA08",
        kind="does_not_work",
        text="Rotas ignore carers.",
        promoted=True,
    )
    finding = evidence.finding_create(
        actor=lead,
        audit=audit,
        key_area="KA08",
        kind="gap",
        statement="Women earn less per hour than men.",
        evidence=[
            f"{EvidenceKind.WORKSHOP_STATEMENT}:{statement.pk}",
            f"{EvidenceKind.STAFF_INDICATOR}:female_share",
            f"{EvidenceKind.STAFF_INDICATOR}:pipeline",
        ],
    )
    recommendation = roadmap.recommendation_create(
        actor=lead, audit=audit, key_area="KA08", findings=[finding], text="Review pay by sex every year."
    )
    roadmap.action_create(
        actor=lead,
        audit=audit,
        recommendation=recommendation,
        title="Run a joint pay assessment",
        owner="Human resources",
        start=datetime.date(2027, 6, 1),
        end=datetime.date(2027, 12, 1),
        indicator="Gap",
        unit="%",
        baseline=6,
        target=2,
    )
    return Tempting(audit=set_phase(audit, "reporting"), lead=lead, workshop=workshop)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# What a leak looks like, whatever the channel


def assert_lines_protected(cells: list, total, what: str) -> None:
    """A line adding up to a shown total hides no cell or at least two (cells as shown: None or marker)."""
    hidden = [value for value in cells if value in (None, MARKER)]
    if total in (None, MARKER):
        return
    assert len(hidden) != 1, f"{what}: one hidden cell beside a shown total can be subtracted out: {cells}"


def walk(value, path=""):
    """Every (path, value) of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value


def assert_no_planted_number(text: str, where: str, *numbers: str) -> None:
    for number in numbers:
        assert number not in text, f"{where} shows {number}, a figure about a group smaller than {K}"


# Survey


def test_survey_analysis_api_hides_small_groups_and_their_complements(tempting):
    client = client_for(tempting.lead)
    data = client.get(reverse("survey-analysis", args=[tempting.audit.pk])).json()
    assert data["responses"] == {"value": 40, "suppressed": False}
    answered = [row for row in data["by_gender"] if any(group["mean"] for group in row["groups"])]
    assert answered
    for row in answered:
        groups = {group["group"]: group["mean"] for group in row["groups"]}
        assert groups["not_stated"] == {"value": None, "suppressed": True}, row
        # The overall mean is shown for every item: one hidden group would follow from it.
        assert sum(mean["suppressed"] for mean in groups.values()) >= 2, row
    for row in data["by_gender_and_category"]:
        if not any(group["mean"] for group in row["groups"]):
            continue
        groups = {tuple(group["group"]): group["mean"] for group in row["groups"]}
        assert groups[("woman", "support")] == {"value": None, "suppressed": True}, row
        assert sum(mean["suppressed"] for mean in groups.values() if mean is not None) >= 2, row
    for path, value in walk(data):
        if "mean" in path and isinstance(value, float):
            assert not math.isclose(value, 1.0) and not math.isclose(value, 5.0), (path, value)


def test_survey_participation_counts_cannot_be_subtracted(tempting):
    client = client_for(tempting.lead)
    data = client.get(reverse("survey-participation", args=[tempting.audit.pk])).json()
    text = json.dumps(data)
    gender = data["representativeness"]["gender"]
    counts = [row["respondents"]["value"] for row in gender]
    assert [row["respondents"]["suppressed"] for row in gender].count(True) >= 2, text
    assert 1 not in counts, text
    assert_lines_protected(counts, 40, "respondents by gender")


def test_survey_analysis_page_shows_the_marker_not_the_small_groups(tempting):
    html = (
        client_for(tempting.lead).get(reverse("surveys:analysis", args=[tempting.audit.pk])).content.decode()
    )
    assert "&lt;5" in html
    assert_no_planted_number(html, "the analysis page", SUPPORT_WOMEN_MEAN, ANOTHER_MEAN)


def _k_anonymous(rows: list[dict], where: str) -> None:
    combinations: dict[tuple, int] = {}
    for row in rows:
        key = (row["gender"], row["staff_category"])
        combinations[key] = combinations.get(key, 0) + 1
    for (gender, category), n in combinations.items():
        if MARKER not in (gender, category):
            assert n >= K, f"{where}: {n} responses are ({gender}, {category})"
    assert ("woman", "support") not in combinations and not any(g == "another" for g, _c in combinations)


def test_survey_csv_export_is_k_anonymous(tempting):
    response = client_for(tempting.lead).get(reverse("surveys:export", args=[tempting.audit.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 40
    _k_anonymous(rows, "survey CSV")


def test_survey_xlsx_export_is_k_anonymous_and_shows_no_small_mean(tempting):
    client = client_for(tempting.lead)
    client.post(reverse("surveys:export-request", args=[tempting.audit.pk]))
    export = SurveyExport.objects.get(survey__audit=tempting.audit)
    build_export.call(export.pk, export.attempts)  # what the worker runs
    response = client.get(reverse("surveys:export-download", args=[tempting.audit.pk, export.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheets = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}
    header, *body = sheets["responses"]
    _k_anonymous([dict(zip(header, row, strict=False)) for row in body], "survey XLSX")
    for name, rows in sheets.items():
        if name != "responses":
            text = " ".join(str(value) for row in rows for value in row)
            assert_no_planted_number(text, f"survey XLSX sheet {name}", SUPPORT_WOMEN_MEAN, ANOTHER_MEAN)


# Staff statistics and pay gap


def _headcount_lines(rows: list[dict], cell) -> None:
    """Each gender column adds up to its "All staff" row; no column may hide a single count."""
    body = [row for row in rows if not row["total"]]
    total = next(row for row in rows if row["total"])
    for gender in ("female", "male", "other"):
        assert_lines_protected([cell(row[gender]) for row in body], cell(total[gender]), gender)


def test_staff_analysis_api_hides_the_lone_driver_and_the_temporary_women(tempting):
    data = (
        client_for(tempting.lead).get(reverse("evidence-api:staff-analysis", args=[tempting.audit.pk])).json()
    )
    by_category = {row["label"]: row for row in data["headcount"]["category"]}
    assert by_category["Drivers"]["female"] == {"value": None, "suppressed": True}
    assert by_category["Drivers"]["female_pct"]["suppressed"] is True
    by_contract = {row["label"]: row for row in data["headcount"]["contract_type"]}
    assert by_contract["temporary"]["female"] == {"value": None, "suppressed": True}
    for rows in data["headcount"].values():
        _headcount_lines(rows, lambda figure: None if figure["suppressed"] else figure["value"])
    _assert_pay_gap(data["pay_gap"])


def _assert_pay_gap(gap: dict) -> None:
    drivers = next(row for row in gap["categories"] if row["category"] == "Drivers")
    assert drivers["suppressed"] is True
    assert drivers["total_gap_pct"] is None and drivers["base_gap_pct"] is None
    assert drivers["female"] is None
    assert gap["variable_pay_share_pct"]["female"] is None, "1 of 21 women paid variable pay"
    assert_no_planted_number(json.dumps(gap), "the pay gap", DRIVERS_GAP, WOMEN_PAID_VARIABLE)


def test_pay_gap_api_and_command_hide_the_same_figures(tempting, tmp_path):
    data = (
        client_for(tempting.lead).get(reverse("evidence-api:staff-pay-gap", args=[tempting.audit.pk])).json()
    )
    _assert_pay_gap(data)
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv())
    out = io.StringIO()
    call_command("paygap", str(path), "--json", stdout=out)
    _assert_pay_gap(json.loads(out.getvalue()))


def test_staff_page_and_evidence_board_show_markers_only(tempting):
    client = client_for(tempting.lead)
    for url in (
        reverse("evidence:staff", args=[tempting.audit.pk]),
        reverse("evidence:board", args=[tempting.audit.pk, "KA08"]),
        reverse("evidence-api:board", args=[tempting.audit.pk, "KA08"]),
    ):
        text = client.get(url).content.decode()
        assert_no_planted_number(text, url, DRIVERS_GAP, "27.7 %", WOMEN_PAID_VARIABLE, "4.8 %")
    staff = client.get(reverse("evidence:staff", args=[tempting.audit.pk])).content.decode()
    assert "&lt;5" in staff


# Workshops


def test_workshop_counts_hide_the_lone_man_and_his_complement(tempting):
    client = client_for(tempting.lead)
    data = client.get(reverse("evidence-api:workshop", args=[tempting.audit.pk, tempting.workshop.pk])).json()
    participants = data["participants"]
    assert participants["men"] == {"value": None, "suppressed": True}
    counts = [
        None if participants[name]["suppressed"] else participants[name]["value"]
        for name in ("women", "men", "other")
    ]
    total = None if participants["total"]["suppressed"] else participants["total"]["value"]
    assert_lines_protected(counts, total, "workshop participants")
    html = client.get(
        reverse("evidence:workshop", args=[tempting.audit.pk, tempting.workshop.pk])
    ).content.decode()
    assert "Men &lt;5" in html and "Men 1" not in html


# Report exports and the report PDF


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_data_package_hides_every_planted_figure(tempting):
    response = client_for(tempting.lead).get(
        reverse("reports-api:export", args=[tempting.audit.pk, "data-package.zip"])
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: archive.read(name) for name in archive.namelist()}
    by_category = {row[0]: row for row in _csv_rows(files["staff_headcount_by_category.csv"])}
    assert by_category["Drivers"][1] == MARKER
    for name in ("staff_headcount_by_category.csv", "staff_headcount_by_contract_type.csv"):
        header, *rows = _csv_rows(files[name])
        body, total = rows[:-1], rows[-1]
        for column in (1, 2, 3):
            assert_lines_protected(
                [row[column] for row in body], total[column], f"{name} column {header[column]}"
            )
    gaps = {row[0]: row for row in _csv_rows(files["staff_pay_gap_by_category.csv"])}
    assert gaps["Drivers"][1] == MARKER and gaps["Drivers"][3:6] == [MARKER] * 3
    indicators = dict(_csv_rows(files["staff_pay_gap_indicators.csv"])[1:])
    assert indicators["variable_pay_share_pct.female"] == MARKER
    sources = dict(_csv_rows(files["data_sources.csv"])[1:])
    assert sources["workshop_participants_men"] == MARKER
    header, *responses = _csv_rows(files["survey_responses.csv"])
    _k_anonymous([dict(zip(header, row, strict=True)) for row in responses], "data package")
    for name, data in files.items():
        assert_no_planted_number(data.decode("utf-8-sig"), name, DRIVERS_GAP, WOMEN_PAID_VARIABLE)


@pytest.mark.parametrize("name", ["roadmap.xlsx", "roadmap.csv", "findings.xlsx", "findings.csv"])
def test_other_exports_carry_no_planted_figure(tempting, name):
    response = client_for(tempting.lead).get(reverse("reports-api:export", args=[tempting.audit.pk, name]))
    assert response.status_code == 200
    if name.endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        text = " ".join(
            str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row
        )
    else:
        text = response.content.decode("utf-8-sig")
    assert_no_planted_number(text, name, DRIVERS_GAP, WOMEN_PAID_VARIABLE, "Men 1")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    return " ".join(text.stdout.decode().split())


def test_report_pdf_hides_every_planted_figure(tempting, tmp_path):
    text = pdf_text(render_synchronously(audit=tempting.audit).pdf, tmp_path)
    assert MARKER in text
    assert_no_planted_number(text, "the report PDF", DRIVERS_GAP, "27.7 %", WOMEN_PAID_VARIABLE, "4.8 %")
    assert_no_planted_number(text, "the report PDF", SUPPORT_WOMEN_MEAN, ANOTHER_MEAN)


# GEOSA: the survey comparison with a small group of women


@pytest.fixture
def small_geosa(methodology, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    audit = make_audit("geosa", planned_start=None, planned_end=None, people_in_scope=30, min_group_size=K)
    focal_point = add_member(audit, TeamRole.COORDINATOR).user
    audit.key_areas.set(methodology.key_areas.filter(code__in=["KA04", "KA08"]))
    adviser = UserFactory(gender=Gender.MAN)
    certify(adviser)
    audit = set_phase(audit, "self_assessment")
    for code in ("KA04", "KA08"):
        geosa.rating_save(actor=focal_point, audit=audit, key_area=code, level=4, justification="Why.")
    answer_survey(audit, focal_point, [("woman", "professional", "1", 3), ("man", "professional", "4", 20)])
    return set_phase(audit, "reporting"), focal_point


def test_geosa_comparison_and_pdf_hide_the_three_women(small_geosa, tmp_path):
    audit, focal_point = small_geosa
    data = client_for(focal_point).get(reverse("geosa-state", args=[audit.pk])).json()
    for row in data["comparison"]:
        assert row["women"] == {"value": None, "suppressed": True}, row
        assert row["gap"] is None or row["gap"]["suppressed"], row
        # Staff and men shown with women hidden would give the women's mean by subtraction.
        assert row["staff"]["suppressed"] or row["men"]["suppressed"], row
    text = pdf_text(render_synchronously(audit=audit).pdf, tmp_path)
    assert MARKER in text
    assert_no_planted_number(text, "the GEOSA PDF", SUPPORT_WOMEN_MEAN, "-3.00", "−3.00")
