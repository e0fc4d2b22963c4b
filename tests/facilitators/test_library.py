"""The programme is data: loaded once per version, refused when changed in place, listed when wrong."""

import shutil

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from facilitators.library import ProgrammeLibraryError, load_programme
from facilitators.models import CertificationProgramme, Competence, PortfolioRequirement
from tests.facilitators.conftest import PROGRAMME_FOLDER

pytestmark = pytest.mark.django_db


def copy_programme(tmp_path, name="copy", **changes):
    folder = tmp_path / name
    shutil.copytree(PROGRAMME_FOLDER, folder)
    data = yaml.safe_load((folder / "programme.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    (folder / "programme.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return folder


def test_the_shipped_programme_loads_with_the_itcilo_defaults():
    result = load_programme(PROGRAMME_FOLDER)
    programme = result.programme
    assert result.created
    assert (programme.code, programme.version) == ("pga-facilitator", "2026.1")
    assert programme.validity_years == 5
    assert programme.expiry_warning_days == 90
    assert programme.practice_audits_required == 2
    assert programme.practice_roles == ["co_facilitator", "trainee_facilitator"]
    assert (programme.rubric_min, programme.rubric_satisfactory, programme.rubric_max) == (1, 3, 4)
    assert sum(c.hours or 0 for c in programme.training_components.all()) == 60
    assert programme.competences.count() == 5
    assert {c.code: c.title["fr"] for c in programme.competences.all()}["advocacy"] == (
        "Stratégies de plaidoyer et de renforcement des capacités"
    )


def test_loading_the_same_version_twice_changes_nothing():
    first = load_programme(PROGRAMME_FOLDER)
    counts = (PortfolioRequirement.objects.count(), Competence.objects.count())
    second = load_programme(PROGRAMME_FOLDER)
    assert not second.created
    assert second.programme.pk == first.programme.pk
    assert CertificationProgramme.objects.count() == 1
    assert (PortfolioRequirement.objects.count(), Competence.objects.count()) == counts


def test_different_content_under_the_same_version_is_refused(tmp_path):
    load_programme(PROGRAMME_FOLDER)
    changed = copy_programme(tmp_path, validity_years=3)
    with pytest.raises(ProgrammeLibraryError) as error:
        load_programme(changed)
    assert error.value.problems == [
        "pga-facilitator 2026.1 is already loaded with different content; publish the change as "
        "a new version (certifications keep the version they started with)."
    ]
    assert CertificationProgramme.objects.get().validity_years == 5


def test_a_new_version_is_added_beside_the_old_one(tmp_path):
    old = load_programme(PROGRAMME_FOLDER).programme
    new = load_programme(copy_programme(tmp_path, version="2027.1", validity_years=3)).programme
    assert new.pk != old.pk
    assert CertificationProgramme.objects.count() == 2
    assert (old.validity_years, new.validity_years) == (5, 3)


def test_every_problem_is_listed_and_nothing_is_stored(tmp_path):
    folder = copy_programme(
        tmp_path,
        validity_years=0,
        practice={"audits_required": 2, "roles": ["co_facilitator", "coordinator"]},
        rubric={"min": 1, "max": 4, "satisfactory": 5, "levels": []},
    )
    with pytest.raises(ProgrammeLibraryError) as error:
        load_programme(folder)
    problems = error.value.problems
    assert "validity_years: a whole number of years, at least 1" in problems
    assert any("unknown role 'coordinator'" in problem for problem in problems)
    assert "rubric: needs min < max and min <= satisfactory <= max" in problems
    assert not CertificationProgramme.objects.exists()


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(ProgrammeLibraryError) as error:
        load_programme(tmp_path)
    assert "programme.yaml: missing" in error.value.problems[0]


def test_the_command_loads_every_version_and_is_idempotent(settings, tmp_path, capsys):
    library = tmp_path / "library"
    (library / "certification").mkdir(parents=True)
    shutil.copytree(PROGRAMME_FOLDER, library / "certification" / "2026.1")
    settings.METHODOLOGY_LIBRARY = library
    call_command("loadcertification")
    call_command("loadcertification")
    output = capsys.readouterr().out
    assert "Loaded PGA facilitator certification 2026.1" in output
    assert "Already loaded, unchanged: PGA facilitator certification 2026.1" in output
    assert CertificationProgramme.objects.count() == 1


def test_the_command_refuses_an_invalid_programme(tmp_path):
    folder = copy_programme(tmp_path, title={"fr": "Sans anglais"})
    with pytest.raises(CommandError, match="needs at least an English"):
        call_command("loadcertification", str(folder))
