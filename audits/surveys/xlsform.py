"""XLSForm (KoboToolbox, ODK, SurveyCTO) import and export of survey instruments.

The file is read by pyxform, which also checks it as an XLSForm; this module then refuses what a
PGA survey cannot hold (skip logic, calculations, repeats, location, form metadata...), naming the
spreadsheet row of each problem. Key areas travel in a `pga_key_areas` column ("KA08 KA09").
"""

from __future__ import annotations

import copy
import io
import re

from openpyxl import Workbook
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from audits.surveys.models import DONT_KNOW, LIKERT_VALUES, PROFILE_FIELDS, QuestionType

KEY_AREAS_COLUMN = "pga_key_areas"
PROFILE_GROUP = "profile"
DEFAULT_SECTION = "general"
LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish"}
KNOWN_LANGUAGES = {
    "english": "en",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
}
TRANSLATED_COLUMNS = ("label", "hint")
ALLOWED_COLUMNS = {"type", "name", "label", "hint", "required", "appearance", KEY_AREAS_COLUMN}
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
    "audit", "start-geopoint", "background-geopoint", "imei", "uri:deviceid",
}  # fmt: skip
REFUSED_COLUMNS = {
    "relevant": "skip logic",
    "constraint": "answer constraints",
    "calculation": "calculations",
    "choice_filter": "choice filters",
    "repeat_count": "repeats",
    "default": "default answers",
    "read_only": "read-only questions",
    "trigger": "triggers",
    "parameters": "question parameters",
}
TRUE_WORDS = {"yes", "true", "true()", "1"}


class XLSFormError(Exception):
    """The file cannot be used; `problems` lists each one with its sheet and row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# Export ------------------------------------------------------------------------------------------


def _languages(document: dict) -> list[str]:
    found: set[str] = set()

    def collect(texts) -> None:
        if isinstance(texts, dict):
            found.update(texts)

    collect(document["title"])
    for section in document["sections"]:
        collect(section["title"])
        for question in section["questions"]:
            collect(question["text"])
            collect(question.get("help"))
            for choice in question["choices"]:
                collect(choice["label"])
    for field in document["profile"].get("fields", []):
        collect(field["label"])
        for choice in field["choices"]:
            collect(choice["label"])
    preferred = [code for code in LANGUAGE_NAMES if code in found]
    return preferred + sorted(found - set(preferred))


def language_column(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def export_xlsform(document: dict) -> bytes:
    """The instrument as an XLSForm workbook (survey, choices and settings sheets)."""
    languages = _languages(document)
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    label_columns = [f"label::{language_column(code)}" for code in languages]
    hint_columns = [f"hint::{language_column(code)}" for code in languages]
    survey.append(["type", "name", *label_columns, *hint_columns, "required", KEY_AREAS_COLUMN])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *label_columns])
    lists: dict[str, list] = {}

    def texts(values: dict | None) -> list[str | None]:
        return [(values or {}).get(code) for code in languages]

    def list_for(name: str, options: list[dict]) -> str:
        if name not in lists:
            lists[name] = options
            for option in options:
                choices.append([name, option["code"], *texts(option["label"])])
        return name

    def row(kind, name, label, hint=None, required=None, key_areas=None) -> None:
        survey.append([kind, name, *texts(label), *texts(hint), required, key_areas])

    for section in document["sections"]:
        row("begin_group", section["code"], section["title"])
        for question in section["questions"]:
            kind = question["type"]
            options = question["choices"]
            if kind == QuestionType.TEXT:
                type_cell = "text"
            elif kind in (QuestionType.LIKERT, QuestionType.YES_NO):
                shared = lists.get(kind)
                name = kind if shared in (None, options) else f"{question['code']}_{kind}"
                type_cell = f"select_one {list_for(name, options)}"
            else:
                verb = "select_multiple" if kind == QuestionType.MULTIPLE else "select_one"
                type_cell = f"{verb} {list_for(f'{question["code"]}_choices', options)}"
            row(
                type_cell,
                question["code"],
                question["text"],
                question.get("help"),
                "yes" if question.get("required") else None,
                " ".join(question["key_areas"]),
            )
        row("end_group", None, None)
    profile = document.get("profile") or {}
    if profile.get("fields"):
        row("begin_group", PROFILE_GROUP, profile.get("title") or {"en": "About you"})
        for field in profile["fields"]:
            row(f"select_one {list_for(field['code'], field['choices'])}", field["code"], field["label"])
        row("end_group", None, None)
    settings = workbook.create_sheet("settings")
    title_columns = [f"pga_title::{language_column(code)}" for code in languages]
    description_columns = [f"pga_description::{language_column(code)}" for code in languages]
    default = languages[0] if languages else "en"
    settings.append(
        ["form_title", "form_id", "version", "default_language", *title_columns, *description_columns]
    )
    settings.append(
        [
            document["title"].get(default) or next(iter(document["title"].values()), ""),
            document["code"],
            document.get("version") or None,
            language_column(default),
            *texts(document["title"]),
            *texts(document.get("description")),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Import ------------------------------------------------------------------------------------------


def _language_code(name: str, default: str) -> str | None:
    match = re.search(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$", name)
    if match:
        return match.group(1).lower()
    if name == "default":
        return default
    return KNOWN_LANGUAGES.get(name.strip().lower())


def _normal_type(value: str) -> tuple[str, str]:
    """("select_one", "list") from "select one list", "select_one list"...; ("begin_group", "") etc."""
    parts = value.strip().split()
    if len(parts) >= 2 and f"{parts[0]}_{parts[1]}".lower() in {
        "select_one", "select_multiple", "begin_group", "end_group", "begin_repeat", "end_repeat",
    }:  # fmt: skip
        parts = [f"{parts[0]}_{parts[1]}".lower(), *parts[2:]]
    return parts[0].lower() if parts else "", " ".join(parts[1:])


def _check_rows(definition, problems: list[str]) -> dict[str, int]:
    """Refuse what a PGA survey cannot hold, by row; returns the row of each named question or group."""
    rows: dict[str, int] = {}
    depth = 0
    for number, values in enumerate(definition.survey or [], start=2):
        if not values:
            continue
        where = f"survey sheet, row {number}"
        kind, argument = _normal_type(str(values.get("type", "")))
        name = str(values.get("name", "")).strip()
        if name:
            rows.setdefault(name, number)
        for column, value in values.items():
            base = column.split("::")[0].strip().lower()
            if column.startswith("$") or base in ALLOWED_COLUMNS or value in (None, ""):
                continue
            feature = REFUSED_COLUMNS.get(base)
            if feature:
                problems.append(f"{where}: '{column}' ({feature}) is not supported; clear the cell")
            elif base.startswith(("media", "image", "audio", "video", "big-image")):
                problems.append(f"{where}: '{column}' (media) is not supported; clear the cell")
            else:
                problems.append(f"{where}: column '{column}' is not supported; clear the cell")
        if kind in METADATA_TYPES:
            problems.append(
                f"{where}: type '{kind}' records when, where or on which device someone answered; "
                "an anonymous PGA survey does not collect it, delete the row"
            )
        elif kind in ("begin_repeat", "end_repeat"):
            problems.append(f"{where}: repeats are not supported; ask each question once")
        elif kind == "begin_group":
            depth += 1
            if depth > 1:
                problems.append(f"{where}: groups inside groups are not supported; one group is one page")
        elif kind == "end_group":
            depth = max(0, depth - 1)
        elif kind in ("select_one", "select_multiple"):
            if argument.endswith(" or_other") or argument.startswith(("${", "from_file")) or "." in argument:
                problems.append(f"{where}: '{values.get('type')}' is not supported; use a plain choice list")
        elif kind != "text":
            problems.append(
                f"{where}: type '{values.get('type')}' is not supported "
                "(use select_one, select_multiple, text, begin_group or end_group)"
            )
    return rows


def _texts(value, default: str, where: str, problems: list[str]) -> dict:
    if value is None:
        return {}
    if isinstance(value, str):
        return {default: value}
    result = {}
    for language, text in value.items():
        code = _language_code(language, default)
        if code is None:
            problems.append(f"{where}: name the language '{language}' with its code, e.g. 'English (en)'")
            continue
        result[code] = text
    return result


def _question_type(element: dict) -> str | None:
    kind = element.get("type")
    if kind == "text":
        return QuestionType.TEXT
    if kind == "select all that apply":
        return QuestionType.MULTIPLE
    if kind != "select one":
        return None
    codes = {str(choice.get("name")) for choice in element.get("choices") or []}
    if set(LIKERT_VALUES) <= codes <= {*LIKERT_VALUES, DONT_KNOW}:
        return QuestionType.LIKERT
    if {"yes", "no"} <= codes <= {"yes", "no", DONT_KNOW}:
        return QuestionType.YES_NO
    return QuestionType.SINGLE


def read_xlsform(data: bytes, *, key_area_codes: list[str]) -> dict:
    """An instrument document from an XLSForm file; XLSFormError lists every problem by row."""
    try:
        definition = get_xlsform(data)
    except Exception as error:  # each backend (zipfile, openpyxl, xlrd, csv) raises its own on a damaged file
        raise XLSFormError([f"The file is not a readable XLSForm workbook ({error})."]) from None
    problems: list[str] = []
    rows = _check_rows(definition, problems)
    try:
        form = workbook_to_json(copy.deepcopy(definition), form_name="imported", warnings=[])
    except PyXFormError as error:
        problems.append(f"XLSForm: {str(error).strip()}")
        raise XLSFormError(problems) from None
    if problems:
        raise XLSFormError(problems)
    default = _language_code(str(form.get("default_language", "default")), "en") or "en"
    known_areas = set(key_area_codes)

    def where(name: str) -> str:
        return f"survey sheet, row {rows.get(name, '?')}"

    def question(element: dict) -> dict | None:
        name = element["name"]
        kind = _question_type(element)
        if kind is None:
            problems.append(f"{where(name)}: type '{element.get('type')}' is not supported")
            return None
        areas = str(element.get(KEY_AREAS_COLUMN) or "").replace(",", " ").split()
        if not areas:
            problems.append(
                f"{where(name)}: link the question to key areas in a '{KEY_AREAS_COLUMN}' column (e.g. KA08)"
            )
        unknown = sorted(set(areas) - known_areas)
        if unknown:
            problems.append(f"{where(name)}: unknown key areas {', '.join(unknown)}")
        return {
            "code": name,
            "type": kind,
            "text": _texts(element.get("label"), default, where(name), problems),
            "help": _texts(element.get("hint"), default, where(name), problems),
            "key_areas": areas,
            "choices": [
                {
                    "code": str(choice["name"]),
                    "label": _texts(choice.get("label"), default, where(name), problems),
                }
                for choice in element.get("choices") or []
            ],
            "required": str((element.get("bind") or {}).get("required", "")).strip().lower() in TRUE_WORDS,
        }

    sections: list[dict] = []
    loose: list[dict] = []
    profile: dict = {}
    for element in form.get("children", []):
        if element.get("name") == "meta" and (element.get("control") or {}).get("bodyless"):
            continue
        if element.get("type") == "group" and element["name"] == PROFILE_GROUP:
            profile = _profile(element, default, rows, problems)
        elif element.get("type") == "group":
            questions = [q for q in (question(child) for child in element.get("children", [])) if q]
            sections.append(
                {
                    "code": element["name"],
                    "title": _texts(element.get("label"), default, where(element["name"]), problems),
                    "questions": questions,
                }
            )
        else:
            parsed = question(element)
            if parsed:
                loose.append(parsed)
    if loose:
        sections.insert(0, {"code": DEFAULT_SECTION, "title": {"en": "General"}, "questions": loose})
    if problems:
        raise XLSFormError(problems)
    title = _texts(form.get("pga_title"), default, "settings sheet", problems) or {
        default: str(form.get("title") or "Imported questionnaire")
    }
    return {
        "code": re.sub(r"[^A-Za-z0-9_-]", "_", str(form.get("id_string") or "imported"))[:60],
        "version": str(form.get("version") or ""),
        "title": title,
        "description": _texts(form.get("pga_description"), default, "settings sheet", problems),
        "profile": profile,
        "sections": sections,
    }


def _profile(group: dict, default: str, rows: dict[str, int], problems: list[str]) -> dict:
    fields = []
    for element in group.get("children", []):
        name = element.get("name")
        where = f"survey sheet, row {rows.get(name, '?')}"
        if name not in PROFILE_FIELDS or element.get("type") != "select one":
            problems.append(
                f"{where}: the profile group holds select_one questions named {', '.join(PROFILE_FIELDS)}"
            )
            continue
        fields.append(
            {
                "code": name,
                "label": _texts(element.get("label"), default, where, problems),
                "choices": [
                    {
                        "code": str(choice["name"]),
                        "label": _texts(choice.get("label"), default, where, problems),
                    }
                    for choice in element.get("choices") or []
                ],
            }
        )
    return {"title": _texts(group.get("label"), default, "profile group", problems), "fields": fields}
