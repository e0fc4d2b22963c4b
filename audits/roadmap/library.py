"""The action library of a methodology version (`action_library` in actions.yaml).

Called from audits.library's validate and _store, so the actions load (and are refused) with the
rest of the methodology, in the same transaction.
"""

from __future__ import annotations

from audits.models import MethodologyVersion


def validate_actions(data: dict) -> list[str]:
    """Every problem of the action library: unknown key areas, duplicate codes, missing English text."""
    problems: list[str] = []
    groups = data.get("action_library")
    if groups is None:
        return problems
    if not isinstance(groups, list):
        return ["action_library: must be a list of {key_area, actions}"]
    known = {area.get("code") for area in data.get("key_areas", [])}
    seen: set[str] = set()
    for group in groups:
        code = group.get("key_area")
        where = f"action_library {code or '?'}"
        if code not in known:
            problems.append(f"{where}: unknown key area '{code}'")
        for index, action in enumerate(group.get("actions") or [], start=1):
            item = f"{where} action {index} {action.get('code', '?')}"
            if not action.get("code"):
                problems.append(f"{item}: 'code' is missing")
            elif action["code"] in seen:
                problems.append(f"{item}: code used twice")
            seen.add(action.get("code"))
            for key in ("title", "indicator"):
                texts = action.get(key)
                if not isinstance(texts, dict) or not texts.get("en"):
                    problems.append(f"{item} {key}: needs at least an English ('en') text")
            months = action.get("months")
            if months is not None and (not isinstance(months, int) or months < 1):
                problems.append(f"{item} months: a whole number of months, at least 1")
    return problems


def store_actions(methodology: MethodologyVersion, data: dict) -> None:
    from audits.roadmap.models import ActionTemplate

    key_areas = {area.code: area for area in methodology.key_areas.all()}
    ActionTemplate.objects.bulk_create(
        ActionTemplate(
            methodology=methodology,
            key_area=key_areas[group["key_area"]],
            code=action["code"],
            order=order,
            title=action["title"],
            description=action.get("description", {}),
            indicator=action["indicator"],
            unit=action.get("unit", ""),
            owner=action.get("owner", {}),
            months=action.get("months"),
        )
        for group in data.get("action_library", [])
        for order, action in enumerate(group.get("actions") or [], start=1)
    )
