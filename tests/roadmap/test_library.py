"""The action library: typical actions per key area, translated, loaded with the methodology."""

import copy

from audits.library import read_library, validate
from audits.roadmap.library import validate_actions
from audits.roadmap.models import ActionTemplate
from tests.conftest import LIBRARY_FOLDER


def test_every_key_area_has_at_least_two_typical_actions_in_three_languages(methodology):
    templates = ActionTemplate.objects.filter(methodology=methodology).select_related("key_area")
    per_area = {}
    for template in templates:
        per_area.setdefault(template.key_area.code, []).append(template)
        for field in ("title", "indicator", "owner"):
            texts = getattr(template, field)
            assert {"en", "fr", "es"} <= set(texts), (template.code, field)
    assert sorted(per_area) == [f"KA{n:02d}" for n in range(1, 13)]
    assert all(len(items) >= 2 for items in per_area.values())


def test_the_shipped_library_validates():
    assert validate(read_library(LIBRARY_FOLDER)) == []


def test_a_faulty_action_library_is_refused_with_every_problem():
    data = read_library(LIBRARY_FOLDER)
    broken = copy.deepcopy(data)
    broken["action_library"][0]["key_area"] = "KA99"
    broken["action_library"][1]["actions"][1]["code"] = broken["action_library"][1]["actions"][0]["code"]
    broken["action_library"][2]["actions"][0]["title"] = {"fr": "Sans anglais"}
    broken["action_library"][3]["actions"][0]["months"] = 0
    problems = validate_actions(broken)
    assert any("unknown key area 'KA99'" in problem for problem in problems)
    assert any("code used twice" in problem for problem in problems)
    assert any("title: needs at least an English" in problem for problem in problems)
    assert any("months" in problem for problem in problems)
