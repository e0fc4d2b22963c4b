"""Load a certification programme (versioned YAML) into the database, idempotently.

A version is stored once: loading the same file again changes nothing, loading different content
under an existing version number is refused (publish a new version instead), and a new version is
added beside the old ones so that certifications in progress keep the programme they started with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from facilitators.models import (
    CertificationProgramme,
    Competence,
    PortfolioRequirement,
    PracticeRole,
    TrainingComponent,
    TrainingKind,
)

MANIFEST = "programme.yaml"


class ProgrammeLibraryError(Exception):
    """The programme file is invalid; `problems` lists every one, by item."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ProgrammeLoadResult:
    programme: CertificationProgramme
    created: bool


def read_programme(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise ProgrammeLibraryError([f"{path}: missing (every programme version has one)"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ProgrammeLibraryError([f"{path}: not valid YAML ({error})"]) from None
    if not isinstance(data, dict):
        raise ProgrammeLibraryError([f"{path}: expected a mapping at the top level"])
    return data


def checksum(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _is_count(value, *, minimum: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def validate(data: dict) -> list[str]:
    """Every problem in the programme, so that one run tells the editor everything to fix."""
    problems: list[str] = []
    required = (
        "code",
        "version",
        "title",
        "validity_years",
        "applicant_types",
        "portfolio_documents",
        "training_components",
        "practice",
        "competences",
        "rubric",
        "renewal",
    )
    for key in required:
        if key not in data:
            problems.append(f"programme: '{key}' is missing")
    if problems:
        return problems

    def texts(where: str, value) -> None:
        if not isinstance(value, dict) or not value.get("en"):
            problems.append(f"{where}: needs at least an English ('en') text")

    def coded(section: str, items) -> list[dict]:
        if not isinstance(items, list) or not items:
            problems.append(f"{section}: list at least one item")
            return []
        seen: set[str] = set()
        for index, item in enumerate(items, start=1):
            where = f"{section}[{index}] {item.get('code', '?')}"
            if not item.get("code"):
                problems.append(f"{where}: 'code' is missing")
            elif item["code"] in seen:
                problems.append(f"{where}: code used twice")
            seen.add(item.get("code"))
            texts(f"{where} title", item.get("title"))
        return items

    def roles(where: str, values) -> None:
        if not isinstance(values, list) or not values:
            problems.append(f"{where}: name at least one role")
            return
        for role in values:
            if role not in PracticeRole.values:
                problems.append(f"{where}: unknown role '{role}' (one of {', '.join(PracticeRole.values)})")

    texts("title", data["title"])
    if not _is_count(data["validity_years"], minimum=1):
        problems.append("validity_years: a whole number of years, at least 1")
    warning = data.get("expiry_warning_days", 90)
    if not _is_count(warning, minimum=1):
        problems.append("expiry_warning_days: a whole number of days, at least 1")
    for days in data.get("reminder_days", []):
        if not _is_count(days, minimum=1):
            problems.append(f"reminder_days: {days!r} is not a whole number of days")

    applicant_types = {item.get("code") for item in coded("applicant_types", data["applicant_types"])}
    for index, document in enumerate(coded("portfolio_documents", data["portfolio_documents"]), 1):
        for applicant_type in document.get("applicant_types", []):
            if applicant_type not in applicant_types:
                problems.append(
                    f"portfolio_documents[{index}] {document.get('code')}: unknown applicant "
                    f"type '{applicant_type}'"
                )
    for index, component in enumerate(coded("training_components", data["training_components"]), 1):
        where = f"training_components[{index}] {component.get('code')}"
        if component.get("kind") not in TrainingKind.values:
            problems.append(f"{where}: kind must be one of {', '.join(TrainingKind.values)}")
        hours, mark = component.get("hours"), component.get("pass_mark")
        if hours is not None and not _is_count(hours, minimum=1):
            problems.append(f"{where}: hours must be a whole number, at least 1")
        if mark is not None and not (_is_count(mark) and mark <= 100):
            problems.append(f"{where}: pass_mark must be between 0 and 100")
        if hours is None and mark is None:
            problems.append(f"{where}: give the hours to attend, a pass_mark, or both")

    practice = data["practice"] or {}
    if not _is_count(practice.get("audits_required"), minimum=1):
        problems.append("practice.audits_required: a whole number, at least 1")
    roles("practice.roles", practice.get("roles"))
    coded("competences", data["competences"])

    rubric = data["rubric"] or {}
    low, high, satisfactory = rubric.get("min"), rubric.get("max"), rubric.get("satisfactory")
    if not all(_is_count(value) for value in (low, high, satisfactory)):
        problems.append("rubric: min, max and satisfactory must be whole numbers")
    elif not low < high or not low <= satisfactory <= high:
        problems.append("rubric: needs min < max and min <= satisfactory <= max")
    else:
        scores = [level.get("score") for level in rubric.get("levels", [])]
        if sorted(scores) != list(range(low, high + 1)):
            problems.append(f"rubric.levels: describe each score from {low} to {high} once")
        for level in rubric.get("levels", []):
            texts(f"rubric.levels score {level.get('score')}", level.get("title"))

    renewal = data["renewal"] or {}
    for key in ("practice_audits_required", "contributions_required"):
        if not _is_count(renewal.get(key)):
            problems.append(f"renewal.{key}: a whole number, 0 or more")
    roles("renewal.roles", renewal.get("roles"))
    if renewal.get("contributions_required"):
        coded("renewal.contribution_kinds", renewal.get("contribution_kinds"))
    return problems


def load_programme(folder: Path) -> ProgrammeLoadResult:
    """Store the programme in `folder` unless this exact version is already loaded."""
    data = read_programme(folder)
    problems = validate(data)
    if problems:
        raise ProgrammeLibraryError(problems)
    digest = checksum(data)
    with transaction.atomic():
        existing = CertificationProgramme.objects.filter(
            code=data["code"], version=str(data["version"])
        ).first()
        if existing is not None:
            if existing.checksum != digest:
                raise ProgrammeLibraryError(
                    [
                        f"{data['code']} {data['version']} is already loaded with different "
                        "content; publish the change as a new version (certifications keep the "
                        "version they started with)."
                    ]
                )
            return ProgrammeLoadResult(existing, created=False)
        programme = _store(data, digest)
    return ProgrammeLoadResult(programme, created=True)


def _store(data: dict, digest: str) -> CertificationProgramme:
    practice, rubric, renewal = data["practice"], data["rubric"], data["renewal"]
    programme = CertificationProgramme.objects.create(
        code=data["code"],
        version=str(data["version"]),
        title=data["title"],
        description=data.get("description", {}),
        validity_years=data["validity_years"],
        expiry_warning_days=data.get("expiry_warning_days", 90),
        reminder_days=sorted(set(data.get("reminder_days", [])), reverse=True),
        applicant_types=data["applicant_types"],
        practice_audits_required=practice["audits_required"],
        practice_roles=practice["roles"],
        evaluation_required=practice.get("evaluation_required", True),
        rubric_min=rubric["min"],
        rubric_max=rubric["max"],
        rubric_satisfactory=rubric["satisfactory"],
        rubric_levels=rubric.get("levels", []),
        renewal_practice_audits_required=renewal["practice_audits_required"],
        renewal_practice_roles=renewal["roles"],
        renewal_contributions_required=renewal["contributions_required"],
        contribution_kinds=renewal.get("contribution_kinds", []),
        checksum=digest,
    )
    PortfolioRequirement.objects.bulk_create(
        PortfolioRequirement(
            programme=programme,
            code=item["code"],
            order=order,
            title=item["title"],
            description=item.get("description", {}),
            applicant_types=item.get("applicant_types", []),
        )
        for order, item in enumerate(data["portfolio_documents"], start=1)
    )
    TrainingComponent.objects.bulk_create(
        TrainingComponent(
            programme=programme,
            code=item["code"],
            order=order,
            title=item["title"],
            description=item.get("description", {}),
            kind=item["kind"],
            hours=item.get("hours"),
            pass_mark=item.get("pass_mark"),
        )
        for order, item in enumerate(data["training_components"], start=1)
    )
    Competence.objects.bulk_create(
        Competence(
            programme=programme,
            code=item["code"],
            order=order,
            title=item["title"],
            description=item.get("description", {}),
        )
        for order, item in enumerate(data["competences"], start=1)
    )
    return programme
