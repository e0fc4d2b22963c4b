"""The shipped questionnaire, copies for an audit, and XLSForm import and export."""

import io
from collections import Counter

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from audits.library import LibraryError, load_library, read_library, validate
from audits.surveys import services
from audits.surveys.api import import_document
from audits.surveys.instruments import instrument_document, with_content
from audits.surveys.models import Instrument, Question, Survey
from audits.surveys.selectors import survey_access
from audits.surveys.xlsform import XLSFormError, export_xlsform, read_xlsform
from config.errors import Conflict, DomainError, Forbidden

pytestmark = pytest.mark.django_db
KEY_AREAS = [f"KA{n:02d}" for n in range(1, 13)]


def test_the_default_questionnaire_covers_every_key_area_in_three_languages(library_instrument):
    questions = list(library_instrument.questions.all())
    per_area = Counter(code for q in questions for code in q.key_areas)
    assert set(per_area) == set(KEY_AREAS)
    assert min(per_area.values()) >= 3
    assert {q.type for q in questions} == {"likert", "yes_no", "single", "multiple", "text"}
    for question in questions:
        assert {"en", "fr", "es"} <= set(question.text), question.code
    likert = next(q for q in questions if q.type == "likert")
    assert likert.choices[0]["label"]["en"] == "Not at all"
    assert likert.choices[4]["label"]["en"] == "To the fullest extent"
    assert likert.choices[5]["code"] == "dk"
    fields = [field["code"] for field in library_instrument.profile_fields]
    assert fields == ["gender", "age_band", "staff_category", "managerial", "years_of_service"]
    genders = [c["code"] for c in library_instrument.profile_field("gender")["choices"]]
    assert genders == ["woman", "man", "another", "undisclosed"]


def test_reloading_the_library_stores_the_questionnaire_once(methodology):
    folder = settings.METHODOLOGY_LIBRARY / "pga" / "2026.1"
    assert not load_library(folder).created
    assert Instrument.objects.filter(methodology=methodology, audit__isnull=True).count() == 1


def test_an_invalid_questionnaire_is_refused_with_its_place():
    data = read_library(settings.METHODOLOGY_LIBRARY / "pga" / "2026.1")
    spec = data["survey_instruments"][0]
    spec["sections"][0]["questions"][0]["key_areas"] = ["KA99"]
    spec["sections"][0]["questions"][1]["type"] = "slider"
    problems = validate(data)
    assert any("ka01_laws" in p and "KA99" in p for p in problems)
    assert any("ka01_debates" in p and "type must be" in p for p in problems)


def test_a_copy_keeps_only_the_audits_key_areas_and_is_its_own(prepared, library_instrument):
    survey = prepared.audit.survey
    copy = survey.instrument
    assert copy.audit == prepared.audit and copy.origin == library_instrument
    assert all({"KA08", "KA09"} & set(q.key_areas) for q in copy.questions.all())
    assert copy.questions.count() == 7
    assert library_instrument.questions.count() == 36  # the library is untouched


def test_facilitators_adapt_the_copy_until_the_survey_opens(prepared):
    audit, lead = prepared.audit, prepared.lead
    question = services.question_add(
        actor=lead,
        audit=audit,
        data=services.QuestionInput(
            section="staffing",
            type="likert",
            text={"en": "To what extent is pay fair?", "fr": ""},
            key_areas=["KA08"],
            choices=[],
        ),
    )
    assert question.choices[0]["label"]["en"] == "Not at all"  # the scale comes from the instrument
    services.question_update(
        actor=lead,
        audit=audit,
        code="ka09_jokes",
        text={"en": "Reworded?"},
        key_areas=["KA09"],
        required=True,
    )
    services.question_remove(actor=lead, audit=audit, code="ka07_women_decide")
    codes = list(Question.objects.filter(instrument=audit.survey.instrument).values_list("code", flat=True))
    assert "ka07_women_decide" not in codes and question.code in codes
    assert not audit.survey.instrument.sections.filter(code="programmes").exists()  # left empty, removed
    with pytest.raises(Forbidden):
        services.question_remove(actor=prepared.co, audit=audit, code="ka09_jokes")


def test_the_questionnaire_is_frozen_once_the_survey_opens(opened):
    with pytest.raises(Conflict, match="frozen"):
        services.question_remove(actor=opened.lead, audit=opened.audit, code="ka09_jokes")
    with pytest.raises(DomainError):
        services.survey_prepare(
            actor=opened.lead,
            audit=opened.audit,
            instrument=Instrument.objects.get(code="pga-staff", audit__isnull=True),
        )


def _document(instrument):
    return instrument_document(with_content(Instrument.objects.all()).get(pk=instrument.pk))


def test_xlsform_round_trip_gives_the_same_instrument(library_instrument):
    document = _document(library_instrument)
    data = export_xlsform(document)
    assert read_xlsform(data, key_area_codes=KEY_AREAS) == document


def test_xlsform_round_trip_through_an_audit(prepared):
    audit = prepared.audit
    before = _document(audit.survey.instrument)
    document = read_xlsform(export_xlsform(before), key_area_codes=KEY_AREAS)
    services.survey_import(actor=prepared.lead, audit=audit, document=document)
    after = _document(Survey.objects.get(audit=audit).instrument)
    assert after == before


def workbook(survey_rows, choice_rows, settings_rows=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey_rows:
        sheet.append(row)
    choices = book.create_sheet("choices")
    for row in choice_rows:
        choices.append(row)
    if settings_rows:
        settings_sheet = book.create_sheet("settings")
        for row in settings_rows:
            settings_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_teams_own_form_is_read_with_its_translations_and_scales():
    data = workbook(
        [
            ["type", "name", "label::English (en)", "label::Français (fr)", "pga_key_areas", "appearance"],
            ["begin group", "culture", "Culture", "Culture", None, None],
            ["select_one agree", "respect", "Respect?", "Respect ?", "KA09", "likert"],
            ["select_one yn", "policy", "A policy?", "Une politique ?", "KA08", None],
            ["select_multiple where", "where", "Where?", "Où ?", "KA05", None],
            ["end group", None, None, None, None, None],
        ],
        [
            ["list_name", "name", "label::English (en)", "label::Français (fr)"],
            *[["agree", str(n), f"level {n}", f"niveau {n}"] for n in range(1, 6)],
            ["yn", "yes", "Yes", "Oui"],
            ["yn", "no", "No", "Non"],
            ["where", "web", "Web", "Web"],
            ["where", "desk", "Desk", "Bureau"],
        ],
    )
    document = read_xlsform(data, key_area_codes=KEY_AREAS)
    questions = {q["code"]: q for q in document["sections"][0]["questions"]}
    assert questions["respect"]["type"] == "likert"
    assert questions["respect"]["text"] == {"en": "Respect?", "fr": "Respect ?"}
    assert questions["policy"]["type"] == "yes_no"
    assert questions["where"]["type"] == "multiple"


def test_a_malformed_xlsform_gives_row_level_errors_and_stores_nothing(prepared):
    data = workbook(
        [
            ["type", "name", "label::English (en)", "pga_key_areas", "relevant"],
            ["start", "start", None, None, None],
            ["begin_group", "one", "One", None, None],
            ["select_one agree", "q1", "Q1", "KA08", "${q2} = 'yes'"],
            ["geopoint", "where", "Where are you?", "KA08", None],
            ["text", "q2", "Q2", "KA77", None],
            ["begin_repeat", "kids", "Children", None, None],
            ["end_repeat", None, None, None, None],
            ["end_group", None, None, None, None],
        ],
        [["list_name", "name", "label::English (en)"], ["agree", "a", "A"], ["agree", "b", "B"]],
    )
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data, key_area_codes=KEY_AREAS)
    problems = "\n".join(caught.value.problems)
    assert "row 2" in problems and "'start'" in problems
    assert "row 4: '${q2}" not in problems
    assert "survey sheet, row 4: 'relevant' (skip logic) is not supported" in problems
    assert "survey sheet, row 5: type 'geopoint' is not supported" in problems
    assert "survey sheet, row 7: repeats are not supported" in problems
    instruments = Instrument.objects.count()
    questions = list(prepared.audit.survey.instrument.questions.values_list("code", flat=True))
    upload = SimpleUploadedFile("form.xlsx", data)
    with pytest.raises(DomainError) as refused:
        import_document(prepared.lead, survey_access(prepared.lead, prepared.audit.pk), upload)
    assert "survey sheet, row 5: type 'geopoint' is not supported" in "\n".join(refused.value.details)
    assert Instrument.objects.count() == instruments
    assert list(prepared.audit.survey.instrument.questions.values_list("code", flat=True)) == questions


def test_unknown_key_areas_and_missing_links_are_named_by_row():
    data = workbook(
        [
            ["type", "name", "label::English (en)", "pga_key_areas"],
            ["text", "q1", "Q1", "KA42"],
            ["text", "q2", "Q2", None],
        ],
        [["list_name", "name", "label::English (en)"]],
    )
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data, key_area_codes=KEY_AREAS)
    assert caught.value.problems == [
        "survey sheet, row 2: unknown key areas KA42",
        "survey sheet, row 3: link the question to key areas in a 'pga_key_areas' column (e.g. KA08)",
    ]


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01 not a spreadsheet", b"PK\x03\x04\r\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated"],
    ids=["garbage", "truncated-xlsx", "truncated-xls"],
)
def test_a_file_that_is_not_a_workbook_is_refused(data):
    """A zip or OLE signature with nothing behind it (found by schemathesis) used to answer 500."""
    with pytest.raises(XLSFormError, match="not a readable XLSForm"):
        read_xlsform(data, key_area_codes=KEY_AREAS)


def test_library_error_names_a_guard_that_does_not_exist():
    data = read_library(settings.METHODOLOGY_LIBRARY / "pga" / "2026.1")
    assert not validate(data)
    data["phase_sets"]["facilitated"][3]["exit_guards"] = [{"code": "no_such_guard"}]
    assert any("no_such_guard" in problem for problem in validate(data))
    with pytest.raises(LibraryError):
        raise LibraryError(validate(data))
