"""Load a methodology library (versioned YAML) into the database, idempotently.

A version is stored once: loading the same files again changes nothing, loading different content
under an existing version number is refused (publish a new version instead), and a new version is
added beside the old ones so that running audits keep the methodology they started with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from audits.effects import REGISTRY as EFFECTS
from audits.guards import REGISTRY as GUARDS
from audits.models import KeyArea, MethodologyVersion, Modality, Phase, TeamRole
from audits.roadmap.library import store_actions, validate_actions
from audits.surveys.library import store_instruments, validate_instruments
from audits.workflow import BLOCK, WARNING
from selfassessment.library import store_geosa, validate_geosa


class LibraryError(Exception):
    """The library files are invalid; `problems` lists every one, by file and item."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadResult:
    methodology: MethodologyVersion
    created: bool


def read_library(folder: Path) -> dict:
    """The manifest plus every file it lists, merged into one document."""
    manifest_path = folder / "methodology.yaml"
    if not manifest_path.exists():
        raise LibraryError([f"{manifest_path}: missing (every library version has a manifest)"])
    data = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) or {}
    for name in data.pop("files", []):
        path = folder / name
        if not path.exists():
            raise LibraryError([f"{manifest_path}: lists {name}, which does not exist"])
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        duplicated = set(part) & set(data)
        if duplicated:
            raise LibraryError([f"{path}: redefines {', '.join(sorted(duplicated))}"])
        data.update(part)
    return data


def checksum(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def validate(data: dict) -> list[str]:
    problems: list[str] = []
    for key in ("code", "version", "title", "key_areas", "modalities", "phase_sets"):
        if key not in data:
            problems.append(f"manifest: '{key}' is missing")
    if problems:
        return problems

    def texts(where: str, value, *, required: bool = True) -> None:
        if not isinstance(value, dict) or (required and not value.get("en")):
            problems.append(f"{where}: needs at least an English ('en') text")

    texts("title", data["title"])
    seen: set[str] = set()
    for index, area in enumerate(data["key_areas"], start=1):
        where = f"key_areas[{index}] {area.get('code', '?')}"
        if not area.get("code"):
            problems.append(f"{where}: 'code' is missing")
        elif area["code"] in seen:
            problems.append(f"{where}: code used twice")
        seen.add(area.get("code"))
        texts(f"{where} title", area.get("title"))
        texts(f"{where} description", area.get("description"))
    for set_name, phases in data["phase_sets"].items():
        codes = [phase.get("code") for phase in phases]
        if len(set(codes)) != len(codes):
            problems.append(f"phase_sets.{set_name}: a phase code is used twice")
        if not phases or not phases[-1].get("final"):
            problems.append(f"phase_sets.{set_name}: the last phase must be marked final")
        for phase in phases:
            where = f"phase_sets.{set_name}.{phase.get('code', '?')}"
            texts(f"{where} title", phase.get("title"))
            for code in phase.get("on_enter", []):
                if code not in EFFECTS:
                    problems.append(f"{where}: unknown effect '{code}'")
            for spec in phase.get("exit_guards", []):
                if spec.get("code") not in GUARDS:
                    problems.append(f"{where}: unknown guard '{spec.get('code')}'")
                if spec.get("severity", BLOCK) not in (BLOCK, WARNING):
                    problems.append(f"{where}: severity must be '{BLOCK}' or '{WARNING}'")
    for index, modality in enumerate(data["modalities"], start=1):
        where = f"modalities[{index}] {modality.get('code', '?')}"
        texts(f"{where} title", modality.get("title"))
        if modality.get("phases") not in data["phase_sets"]:
            problems.append(f"{where}: unknown phase set '{modality.get('phases')}'")
        for role in modality.get("steering_roles", []):
            if role not in TeamRole.values:
                problems.append(f"{where}: unknown steering role '{role}'")
        if not modality.get("steering_roles"):
            problems.append(f"{where}: name at least one steering role")
    problems += validate_instruments(data)
    problems += validate_actions(data)
    problems += validate_geosa(data)
    return problems


def load_library(folder: Path) -> LoadResult:
    data = read_library(folder)
    problems = validate(data)
    if problems:
        raise LibraryError(problems)
    digest = checksum(data)
    with transaction.atomic():
        existing = MethodologyVersion.objects.filter(code=data["code"], version=str(data["version"])).first()
        if existing is not None:
            if existing.checksum != digest:
                raise LibraryError(
                    [
                        f"{data['code']} {data['version']} is already loaded with different "
                        "content; publish the change as a new version (audits keep the version "
                        "they started with)."
                    ]
                )
            return LoadResult(existing, created=False)
        methodology = MethodologyVersion.objects.create(
            code=data["code"], version=str(data["version"]), title=data["title"], checksum=digest
        )
        _store(methodology, data)
    return LoadResult(methodology, created=True)


def _store(methodology: MethodologyVersion, data: dict) -> None:
    KeyArea.objects.bulk_create(
        KeyArea(
            methodology=methodology,
            code=area["code"],
            order=order,
            title=area["title"],
            description=area.get("description", {}),
            guiding_questions=area.get("guiding_questions", {}),
        )
        for order, area in enumerate(data["key_areas"], start=1)
    )
    for order, spec in enumerate(data["modalities"], start=1):
        team = spec.get("team", {})
        key_areas = spec.get("key_areas", {})
        duration = spec.get("duration_months", {})
        modality = Modality.objects.create(
            methodology=methodology,
            code=spec["code"],
            order=order,
            title=spec["title"],
            description=spec.get("description", {}),
            facilitated=spec.get("facilitated", True),
            steering_roles=spec["steering_roles"],
            team_min=team.get("min"),
            team_max=team.get("max"),
            people_in_scope_max=spec.get("people_in_scope_max"),
            key_areas_all=key_areas.get("all", False),
            key_areas_min=key_areas.get("min", 1),
            key_areas_max=key_areas.get("max"),
            duration_months_min=duration.get("min"),
            duration_months_max=duration.get("max"),
            on_site_weeks=spec.get("on_site_weeks"),
        )
        Phase.objects.bulk_create(
            Phase(
                modality=modality,
                code=phase["code"],
                order=index,
                title=phase["title"],
                description=phase.get("description", {}),
                exit_guards=phase.get("exit_guards", []),
                scope_editable=phase.get("scope_editable", False),
                final=phase.get("final", False),
                on_enter=phase.get("on_enter", []),
            )
            for index, phase in enumerate(data["phase_sets"][spec["phases"]], start=1)
        )
    store_instruments(methodology, data)
    store_actions(methodology, data)
    store_geosa(methodology, data)
