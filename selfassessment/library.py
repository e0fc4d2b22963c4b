"""The GEOSA part of a methodology version (`geosa` in geosa.yaml): rubric, team minimum, help.

Called from audits.library's validate and _store, so it loads (and is refused) with the rest of the
methodology, in the same transaction.
"""

from __future__ import annotations

from audits.models import MethodologyVersion

LEVEL_COUNT = 5


def _has_english(value) -> bool:
    return isinstance(value, dict) and bool(value.get("en"))


def validate_geosa(data: dict) -> list[str]:
    """Every problem of the GEOSA section: unknown key areas, incomplete rubrics, missing English text."""
    section = data.get("geosa")
    if section is None:
        return []
    if not isinstance(section, dict):
        return ["geosa: must be a mapping with min_trained_team, levels and rubric"]
    problems: list[str] = []
    minimum = section.get("min_trained_team")
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        problems.append("geosa min_trained_team: a whole number, at least 1")
    levels = section.get("levels") or []
    if sorted(item.get("level") for item in levels) != list(range(1, LEVEL_COUNT + 1)):
        problems.append(f"geosa levels: name each level from 1 to {LEVEL_COUNT} once")
    for item in levels:
        if not _has_english(item.get("title")):
            problems.append(
                f"geosa level {item.get('level', '?')} title: needs at least an English ('en') text"
            )
    for code, texts in (section.get("help") or {}).items():
        if not _has_english(texts):
            problems.append(f"geosa help {code}: needs at least an English ('en') text")
    known = {area.get("code") for area in data.get("key_areas", [])}
    seen: set[str] = set()
    for entry in section.get("rubric") or []:
        code = entry.get("key_area")
        where = f"geosa rubric {code or '?'}"
        if code not in known:
            problems.append(f"{where}: unknown key area '{code}'")
        elif code in seen:
            problems.append(f"{where}: key area described twice")
        seen.add(code)
        descriptions = entry.get("levels") or []
        if len(descriptions) != LEVEL_COUNT:
            problems.append(
                f"{where}: describe all {LEVEL_COUNT} levels, in order (found {len(descriptions)})"
            )
        for level, text in enumerate(descriptions, start=1):
            if not _has_english(text):
                problems.append(f"{where} level {level}: needs at least an English ('en') text")
    return problems


def store_geosa(methodology: MethodologyVersion, data: dict) -> None:
    from selfassessment.models import GeosaParameters, MaturityLevel

    section = data.get("geosa")
    if not section:
        return
    titles = {str(item["level"]): item["title"] for item in section["levels"]}
    GeosaParameters.objects.create(
        methodology=methodology,
        min_trained_team=section["min_trained_team"],
        level_titles=titles,
        phase_help=section.get("help") or {},
    )
    key_areas = {area.code: area for area in methodology.key_areas.all()}
    MaturityLevel.objects.bulk_create(
        MaturityLevel(
            key_area=key_areas[entry["key_area"]],
            level=level,
            title=titles[str(level)],
            description=description,
        )
        for entry in section.get("rubric") or []
        for level, description in enumerate(entry["levels"], start=1)
    )
