"""The methodology library: versioned YAML loaded idempotently, validated as a whole, shipped complete."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from audits import library, selectors
from audits.library import LibraryError, load_library
from audits.models import KeyArea, MethodologyVersion, Modality, Phase
from tests.conftest import LIBRARY_FOLDER
from tests.factories import make_audit

pytestmark = pytest.mark.django_db

FACILITATED_PHASES = [
    "request",
    "preparation",
    "desk_review",
    "fieldwork",
    "feedback",
    "reporting",
    "follow_up",
    "closed",
]
GEOSA_PHASES = [
    "setup",
    "team_training",
    "self_assessment",
    "technical_review",
    "action_planning",
    "follow_up",
    "closed",
]


def _counts() -> dict[str, int]:
    return {
        "methodologies": MethodologyVersion.objects.count(),
        "key_areas": KeyArea.objects.count(),
        "modalities": Modality.objects.count(),
        "phases": Phase.objects.count(),
    }


@pytest.fixture
def library_copy(tmp_path) -> Path:
    """A writable copy of the shipped library version, to edit in a test."""
    folder = tmp_path / "pga" / "2026.1"
    shutil.copytree(LIBRARY_FOLDER, folder)
    return folder


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# Idempotent load


def test_first_load_creates_the_version_and_its_content():
    result = load_library(LIBRARY_FOLDER)

    assert result.created is True
    assert (result.methodology.code, result.methodology.version) == ("pga", "2026.1")
    assert len(result.methodology.checksum) == 64
    # 12 key areas, 3 modalities, 8 + 8 facilitated phases and 7 GEOSA phases.
    assert _counts() == {"methodologies": 1, "key_areas": 12, "modalities": 3, "phases": 23}


def test_loading_the_same_version_twice_changes_nothing():
    first = load_library(LIBRARY_FOLDER)
    before = _counts()

    second = load_library(LIBRARY_FOLDER)

    assert second.created is False
    assert second.methodology.pk == first.methodology.pk
    assert second.methodology.checksum == first.methodology.checksum
    assert _counts() == before


def test_reformatting_the_yaml_without_changing_content_is_still_the_same_version(library_copy):
    original = load_library(LIBRARY_FOLDER).methodology
    manifest = library_copy / "methodology.yaml"
    manifest.write_text("# A comment added by an editor.\n" + manifest.read_text(encoding="utf-8"))
    _edit_yaml(library_copy / "key_areas.yaml", lambda data: None)  # re-serialised, same data

    result = load_library(library_copy)

    assert result.created is False
    assert result.methodology.pk == original.pk
    assert MethodologyVersion.objects.count() == 1


def test_changed_content_under_the_same_version_is_refused(library_copy):
    original = load_library(LIBRARY_FOLDER).methodology
    before = _counts()

    def retitle(data):
        data["key_areas"][0]["title"]["en"] = "A different wording"

    _edit_yaml(library_copy / "key_areas.yaml", retitle)

    with pytest.raises(LibraryError) as error:
        load_library(library_copy)

    assert error.value.problems == [
        "pga 2026.1 is already loaded with different content; publish the change as a new version "
        "(audits keep the version they started with)."
    ]
    assert _counts() == before
    original.refresh_from_db()
    assert KeyArea.objects.get(methodology=original, code="KA01").title["en"] == (
        "Current gender issues and debates in the national context"
    )


def test_a_new_version_is_added_beside_and_existing_audits_keep_theirs(library_copy):
    old = load_library(LIBRARY_FOLDER).methodology
    audit = make_audit("selective")
    assert audit.methodology == old

    def bump(data):
        data["version"] = "2026.2"

    def raise_team_max(data):
        next(m for m in data["modalities"] if m["code"] == "selective")["team"]["max"] = 5

    _edit_yaml(library_copy / "methodology.yaml", bump)
    _edit_yaml(library_copy / "modalities.yaml", raise_team_max)

    result = load_library(library_copy)

    assert result.created is True
    new = result.methodology
    assert new.pk != old.pk
    assert new.checksum != old.checksum
    assert sorted(MethodologyVersion.objects.values_list("version", flat=True)) == ["2026.1", "2026.2"]
    assert KeyArea.objects.filter(methodology=new).count() == 12
    assert KeyArea.objects.filter(methodology=old).count() == 12

    audit.refresh_from_db()
    assert audit.methodology.pk == old.pk
    assert audit.modality.team_max == 4
    # New audits follow the most recently loaded version.
    assert selectors.current_methodology().pk == new.pk
    newer_audit = make_audit("selective")
    assert newer_audit.methodology.pk == new.pk
    assert newer_audit.modality.team_max == 5


# Validation lists every problem


def test_validation_lists_every_problem_and_stores_nothing(library_copy):
    def break_modalities(data):
        preparation = data["phase_sets"]["facilitated"][1]
        preparation["exit_guards"].append({"code": "moon_is_full"})
        data["phase_sets"]["geosa"][-1]["final"] = False
        data["modalities"][1]["title"] = {"fr": "PGA sélectif"}

    def untitle_key_area(data):
        del data["key_areas"][2]["title"]["en"]

    _edit_yaml(library_copy / "modalities.yaml", break_modalities)
    _edit_yaml(library_copy / "key_areas.yaml", untitle_key_area)

    with pytest.raises(LibraryError) as error:
        load_library(library_copy)

    assert sorted(error.value.problems) == sorted(
        [
            "key_areas[3] KA03 title: needs at least an English ('en') text",
            "phase_sets.facilitated.preparation: unknown guard 'moon_is_full'",
            "phase_sets.geosa: the last phase must be marked final",
            "modalities[2] selective title: needs at least an English ('en') text",
        ]
    )
    assert _counts() == {"methodologies": 0, "key_areas": 0, "modalities": 0, "phases": 0}


def test_validation_of_the_shipped_library_finds_nothing():
    assert library.validate(library.read_library(LIBRARY_FOLDER)) == []


def test_a_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(LibraryError) as error:
        load_library(tmp_path)
    assert error.value.problems == [
        f"{tmp_path / 'methodology.yaml'}: missing (every library version has a manifest)"
    ]


def test_a_manifest_listing_a_missing_file_is_refused(library_copy):
    (library_copy / "key_areas.yaml").unlink()
    with pytest.raises(LibraryError) as error:
        load_library(library_copy)
    assert error.value.problems == [
        f"{library_copy / 'methodology.yaml'}: lists key_areas.yaml, which does not exist"
    ]


def test_an_unknown_severity_and_steering_role_are_reported(library_copy):
    def break_it(data):
        data["phase_sets"]["facilitated"][0]["exit_guards"][0]["severity"] = "sometimes"
        data["modalities"][2]["steering_roles"] = ["mayor"]

    _edit_yaml(library_copy / "modalities.yaml", break_it)
    with pytest.raises(LibraryError) as error:
        load_library(library_copy)
    assert sorted(error.value.problems) == [
        "modalities[3] geosa: unknown steering role 'mayor'",
        "phase_sets.facilitated.request: severity must be 'block' or 'warning'",
    ]


# The shipped library


def test_shipped_key_areas_are_ka01_to_ka12_translated(methodology):
    areas = list(methodology.key_areas.order_by("order"))

    assert [area.code for area in areas] == [f"KA{n:02d}" for n in range(1, 13)]
    assert [area.order for area in areas] == list(range(1, 13))
    for area in areas:
        for language in ("en", "fr", "es"):
            assert area.title.get(language), f"{area.code} has no {language} title"
            assert area.description.get(language), f"{area.code} has no {language} description"
            questions = area.guiding_questions.get(language)
            assert isinstance(questions, list), f"{area.code} has no {language} guiding questions"
            assert questions, f"{area.code} has no {language} guiding questions"
            assert all(isinstance(q, str) and q.strip() for q in questions)
    titles = {area.code: area.title["en"] for area in areas}
    assert titles["KA08"] == (
        "Staffing and human resources: balance between women and men, gender-friendly policies"
    )
    assert titles["KA09"] == "Organizational culture and its effects on gender equality"


def test_shipped_modalities_carry_the_methodology_parameters(methodology):
    modalities = {modality.code: modality for modality in methodology.modalities.all()}
    assert list(modalities) == ["comprehensive", "selective", "geosa"]

    comprehensive = modalities["comprehensive"]
    assert comprehensive.facilitated is True
    assert comprehensive.steering_roles == ["lead_facilitator"]
    assert (comprehensive.team_min, comprehensive.team_max) == (8, 10)
    assert comprehensive.people_in_scope_max == 100
    assert comprehensive.key_areas_all is True
    assert (comprehensive.duration_months_min, comprehensive.duration_months_max) == (2, 6)
    assert comprehensive.on_site_weeks == 2

    selective = modalities["selective"]
    assert selective.facilitated is True
    assert selective.steering_roles == ["lead_facilitator"]
    assert (selective.team_min, selective.team_max) == (2, 4)
    assert selective.people_in_scope_max is None
    assert selective.key_areas_all is False
    assert (selective.key_areas_min, selective.key_areas_max) == (1, 11)
    assert selective.on_site_weeks == 1

    geosa = modalities["geosa"]
    assert geosa.facilitated is False
    assert geosa.steering_roles == ["coordinator"]
    assert (geosa.team_min, geosa.team_max) == (None, None)
    assert geosa.key_areas_all is False
    assert (geosa.key_areas_min, geosa.key_areas_max) == (1, None)

    for code in ("comprehensive", "selective", "geosa"):
        for language in ("en", "fr", "es"):
            assert modalities[code].title.get(language)


@pytest.mark.parametrize(
    ("modality", "phases"),
    [("comprehensive", FACILITATED_PHASES), ("selective", FACILITATED_PHASES), ("geosa", GEOSA_PHASES)],
)
def test_shipped_phases_in_order_with_a_final_last_phase(methodology, modality, phases):
    stored = list(Phase.objects.filter(modality__methodology=methodology, modality__code=modality))

    assert [phase.code for phase in stored] == phases
    assert [phase.final for phase in stored] == [False] * (len(phases) - 1) + [True]
    scope_editable = [phase.code for phase in stored if phase.scope_editable]
    assert scope_editable == (["request", "preparation"] if modality != "geosa" else ["setup"])


def test_shipped_preparation_guards(methodology):
    preparation = Phase.objects.get(
        modality__methodology=methodology, modality__code="selective", code="preparation"
    )
    assert preparation.exit_guards == [
        {"code": "team_has_lead"},
        {"code": "lead_certified"},
        {"code": "team_size_fits"},
        {"code": "team_gender_balance", "severity": "warning"},
        {"code": "key_areas_fit"},
        {"code": "people_in_scope_fit"},
        {"code": "planned_dates_set"},
        {"code": "duration_fits", "severity": "warning"},
    ]
    request = Phase.objects.get(modality__methodology=methodology, modality__code="selective", code="request")
    assert request.exit_guards == [{"code": "has_coordinator"}]


# The management command


def test_loadmethodology_command_loads_then_reports_unchanged():
    out = StringIO()
    call_command("loadmethodology", str(LIBRARY_FOLDER), stdout=out)
    assert out.getvalue() == "Loaded Participatory Gender Audit 2026.1\n"
    before = _counts()

    out = StringIO()
    call_command("loadmethodology", str(LIBRARY_FOLDER), stdout=out)
    assert out.getvalue() == "Already loaded, unchanged: Participatory Gender Audit 2026.1\n"
    assert _counts() == before


def test_loadmethodology_command_without_arguments_loads_the_library_folder(settings, library_copy):
    settings.METHODOLOGY_LIBRARY = library_copy.parent.parent
    out = StringIO()
    call_command("loadmethodology", stdout=out)
    assert out.getvalue() == "Loaded Participatory Gender Audit 2026.1\n"
    assert MethodologyVersion.objects.filter(code="pga", version="2026.1").exists()


def test_loadmethodology_command_lists_the_problems_of_an_invalid_library(library_copy):
    def break_it(data):
        data["phase_sets"]["facilitated"][0]["exit_guards"] = [{"code": "nope"}]

    _edit_yaml(library_copy / "modalities.yaml", break_it)

    with pytest.raises(CommandError) as error:
        call_command("loadmethodology", str(library_copy), stdout=StringIO())

    assert str(error.value) == (
        f"{library_copy} was not loaded:\n- phase_sets.facilitated.request: unknown guard 'nope'"
    )
    assert MethodologyVersion.objects.count() == 0


def test_loadmethodology_command_with_an_empty_library_folder_fails(settings, tmp_path):
    settings.METHODOLOGY_LIBRARY = tmp_path
    with pytest.raises(CommandError, match="No methodology library found under"):
        call_command("loadmethodology", stdout=StringIO())
