"""Survey instruments in the methodology library (`survey_instruments:` in a version's YAML files).

In the YAML, Likert and yes/no questions take their choices from the instrument's `scales`; stored
instruments carry their choices on each question, so a copy can change one without the others.
"""

from __future__ import annotations

from audits.models import MethodologyVersion
from audits.surveys.instruments import create_instrument, document_problems
from audits.surveys.models import QuestionType

LIBRARY_KEY = "survey_instruments"
SCALED_TYPES = (QuestionType.LIKERT, QuestionType.YES_NO)


def library_documents(data: dict) -> tuple[list[dict], list[str]]:
    """The library's instruments as documents (choices filled from the scales), and what is wrong."""
    documents, problems = [], []
    for index, spec in enumerate(data.get(LIBRARY_KEY) or [], start=1):
        where = f"{LIBRARY_KEY}[{index}] {spec.get('code', '?')}"
        scales = spec.get("scales") or {}
        missing = [kind for kind in SCALED_TYPES if kind not in scales]
        if missing:
            problems.append(f"{where}: 'scales' needs {', '.join(missing)}")
            continue
        sections = []
        for section in spec.get("sections") or []:
            questions = []
            for question in section.get("questions") or []:
                kind = question.get("type")
                choices = scales[kind] if kind in SCALED_TYPES else question.get("choices") or []
                questions.append({**question, "choices": [dict(choice) for choice in choices]})
            sections.append({**section, "questions": questions})
        documents.append(
            {
                "code": spec.get("code", ""),
                "version": str(data.get("version", "")),
                "title": spec.get("title"),
                "description": spec.get("description") or {},
                "profile": spec.get("profile") or {},
                "sections": sections,
            }
        )
    return documents, problems


def validate_instruments(data: dict) -> list[str]:
    """Problems in the library's survey instruments (called by audits.library.validate)."""
    documents, problems = library_documents(data)
    key_areas = [area.get("code") for area in data.get("key_areas") or []]
    codes = [document["code"] for document in documents]
    if len(set(codes)) != len(codes):
        problems.append(f"{LIBRARY_KEY}: an instrument code is used twice")
    for document in documents:
        problems += document_problems(document, key_areas)
    return problems


def store_instruments(methodology: MethodologyVersion, data: dict) -> None:
    """Store the library's instruments for a newly loaded methodology version."""
    documents, _problems = library_documents(data)
    for document in documents:
        create_instrument(document, methodology=methodology)
