"""An instrument as a plain document (dict) and back: the one shape the library, XLSForm and the API share.

document = {"code", "version", "title", "description", "profile": {"title", "fields": [...]},
            "sections": [{"code", "title", "questions": [{"code", "type", "text", "help",
                                                           "key_areas", "choices", "required"}]}]}
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Prefetch

from audits.surveys.models import (
    DONT_KNOW,
    GENDER_CODES,
    LIKERT_VALUES,
    PROFILE_FIELDS,
    Instrument,
    Question,
    QuestionType,
    Section,
)

CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,59}$")
CHOICE_CODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}$")
YES_NO_VALUES = ("yes", "no")


def _texts_problem(where: str, value) -> str | None:
    if not isinstance(value, dict) or not any(
        isinstance(text, str) and text.strip() for text in value.values()
    ):
        return f"{where}: needs a text in at least one language"
    return None


def choices_problems(where: str, question_type: str, choices: list) -> list[str]:
    """The choices a question of this type needs; likert and yes/no have fixed codes."""
    problems = []
    codes = [choice.get("code") for choice in choices if isinstance(choice, dict)]
    if len(codes) != len(choices):
        return [f"{where}: every choice needs a code and a label"]
    if len(set(codes)) != len(codes):
        problems.append(f"{where}: a choice code is used twice")
    if question_type == QuestionType.LIKERT and not (
        set(LIKERT_VALUES) <= set(codes) <= {*LIKERT_VALUES, DONT_KNOW}
    ):
        problems.append(f"{where}: a Likert question has the choices 1 to 5 and optionally '{DONT_KNOW}'")
    elif question_type == QuestionType.YES_NO and not (
        set(YES_NO_VALUES) <= set(codes) <= {*YES_NO_VALUES, DONT_KNOW}
    ):
        problems.append(f"{where}: a yes/no question has the choices yes, no and optionally '{DONT_KNOW}'")
    elif question_type in (QuestionType.SINGLE, QuestionType.MULTIPLE) and len(codes) < 2:
        problems.append(f"{where}: a choice question needs at least two choices")
    elif question_type == QuestionType.TEXT and codes:
        problems.append(f"{where}: an open question has no choices")
    for index, choice in enumerate(choices, start=1):
        if not CHOICE_CODE.match(str(choice["code"])):
            problems.append(f"{where} choice {index}: code '{choice['code']}' is not a simple name")
        problem = _texts_problem(f"{where} choice {choice['code']}", choice.get("label"))
        if problem:
            problems.append(problem)
    return problems


def document_problems(document: dict, key_area_codes: Iterable[str]) -> list[str]:
    """Everything wrong with an instrument document, each problem naming where it is."""
    problems: list[str] = []
    known_areas = set(key_area_codes)
    code = document.get("code", "?")
    where = f"instrument {code}"
    if not CODE.match(str(document.get("code", ""))):
        problems.append(f"{where}: 'code' must be a simple name (letters, digits, _ or -)")
    for problem in (_texts_problem(f"{where} title", document.get("title")),):
        if problem:
            problems.append(problem)
    seen_sections: set[str] = set()
    seen_questions: set[str] = set()
    sections = document.get("sections") or []
    if not sections:
        problems.append(f"{where}: has no section")
    for index, section in enumerate(sections, start=1):
        section_where = f"{where} section {index} ({section.get('code', '?')})"
        if not CODE.match(str(section.get("code", ""))):
            problems.append(f"{section_where}: 'code' must be a simple name")
        elif section["code"] in seen_sections:
            problems.append(f"{section_where}: section code used twice")
        seen_sections.add(section.get("code"))
        problem = _texts_problem(f"{section_where} title", section.get("title"))
        if problem:
            problems.append(problem)
        if not section.get("questions"):
            problems.append(f"{section_where}: has no question")
        for question in section.get("questions") or []:
            problems += question_problems(section_where, question, known_areas, seen_questions)
    problems += profile_problems(where, document.get("profile") or {})
    return problems


def question_problems(where: str, question: dict, known_areas: set[str], seen: set[str]) -> list[str]:
    problems = []
    code = str(question.get("code", ""))
    where = f"{where} question {code or '?'}"
    if not CODE.match(code):
        problems.append(f"{where}: 'code' must be a simple name (letters, digits, _ or -)")
    elif code in seen or code in PROFILE_FIELDS:
        problems.append(f"{where}: question code used twice (or taken by the profile block)")
    seen.add(code)
    if question.get("type") not in QuestionType.values:
        problems.append(f"{where}: type must be one of {', '.join(QuestionType.values)}")
        return problems
    problem = _texts_problem(f"{where} text", question.get("text"))
    if problem:
        problems.append(problem)
    areas = question.get("key_areas") or []
    if not areas:
        problems.append(f"{where}: link it to at least one key area")
    unknown = sorted(set(areas) - known_areas)
    if unknown:
        problems.append(f"{where}: unknown key areas {', '.join(unknown)}")
    problems += choices_problems(where, question["type"], question.get("choices") or [])
    return problems


def profile_problems(where: str, profile: dict) -> list[str]:
    problems = []
    seen: set[str] = set()
    for field in profile.get("fields") or []:
        code = field.get("code")
        field_where = f"{where} profile field {code}"
        if code not in PROFILE_FIELDS:
            problems.append(f"{field_where}: profile fields are {', '.join(PROFILE_FIELDS)}")
            continue
        if code in seen:
            problems.append(f"{field_where}: listed twice")
        seen.add(code)
        problem = _texts_problem(f"{field_where} label", field.get("label"))
        if problem:
            problems.append(problem)
        choices = field.get("choices") or []
        if len(choices) < 2:
            problems.append(f"{field_where}: needs at least two choices")
        problems += choices_problems(field_where, QuestionType.SINGLE, choices) if len(choices) >= 2 else []
        if code == "gender" and not {c.get("code") for c in choices} <= set(GENDER_CODES):
            problems.append(f"{field_where}: gender choices are {', '.join(GENDER_CODES)}")
    return problems


def create_instrument(document: dict, *, methodology=None, audit=None, origin=None) -> Instrument:
    """Store a validated document as an instrument with its sections and questions (3 queries)."""
    profile = document.get("profile") or {}
    instrument = Instrument.objects.create(
        methodology=methodology,
        audit=audit,
        origin=origin,
        code=document["code"],
        version=str(document.get("version", "")),
        title=document["title"],
        description=document.get("description") or {},
        profile_title=profile.get("title") or {},
        profile_fields=profile.get("fields") or [],
    )
    sections = Section.objects.bulk_create(
        Section(instrument=instrument, code=section["code"], order=order, title=section["title"])
        for order, section in enumerate(document["sections"], start=1)
    )
    Question.objects.bulk_create(
        Question(
            instrument=instrument,
            section=section,
            code=question["code"],
            order=order,
            type=question["type"],
            text=question["text"],
            help=question.get("help") or {},
            key_areas=list(question["key_areas"]),
            choices=list(question.get("choices") or []),
            required=bool(question.get("required", False)),
        )
        for section, spec in zip(sections, document["sections"], strict=True)
        for order, question in enumerate(spec["questions"], start=1)
    )
    return instrument


def with_content(instruments):
    """Sections and questions in order, fetched in two more queries."""
    return instruments.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order")),
        Prefetch("sections__questions", queryset=Question.objects.order_by("order")),
    )


def instrument_document(instrument: Instrument) -> dict:
    """The instrument as a document; used by exports, copies and the API."""
    return {
        "code": instrument.code,
        "version": instrument.version,
        "title": instrument.title,
        "description": instrument.description,
        "profile": {"title": instrument.profile_title, "fields": instrument.profile_fields},
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "questions": [
                    {
                        "code": question.code,
                        "type": question.type,
                        "text": question.text,
                        "help": question.help,
                        "key_areas": question.key_areas,
                        "choices": question.choices,
                        "required": question.required,
                    }
                    for question in section.questions.all()
                ],
            }
            for section in instrument.sections.all()
        ],
    }


def ordered_questions(instrument: Instrument) -> list[Question]:
    """Every question in page order (uses prefetched sections when present)."""
    return [question for section in instrument.sections.all() for question in section.questions.all()]
