"""Fixtures for the report tests: synchronous tasks, PDF text extraction, a complete small audit."""

import datetime
import subprocess
from pathlib import Path

import pytest
from django.test import TestCase

from accounts.models import Gender
from audits import demo as audits_demo
from audits import services as audit_services
from audits.evidence import services as evidence
from audits.models import Audit
from audits.roadmap import services as roadmap
from facilitators import demo as certification_demo
from reports import demo as reports_demo
from tests.factories import StaffFactory, UserFactory
from tests.roadmap.builders import Team, action, finding, recommendation, staff_rows, staff_upload, team_audit

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run as soon as they are enqueued (on commit), in the test's thread."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def run_on_commit():
    """Run the on-commit callbacks (the enqueueing) of what happens inside the block."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)


def pdf_pages(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page (pdftotext, poppler-utils)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, check=True, capture_output=True).stdout.decode()
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def complete(methodology) -> Team:
    """An audit in reporting with findings, recommendations, actions, a staff file and a workshop.

    The staff category "Drivers" has 2 women and 7 men: its women count and every gap are hidden.
    """
    team = team_audit(phase="reporting", codes=("KA04", "KA08"))
    lead = team.people["lead"]
    audit = team.audit
    evidence.staff_file_upload(
        actor=lead,
        audit=audit,
        upload=staff_upload(staff_rows([("Professional", 14, 11), ("Support", 9, 6), ("Drivers", 2, 7)])),
    )
    good = finding(team, "KA04", "good_practice", "Focal points share tools on the intranet.", women=8, men=2)
    gap = finding(team, "KA08", "gap", "Women earn less per hour than men.")
    first = recommendation(team, "KA04", "Build gender into the training plan.", [good])
    second = recommendation(team, "KA08", "Review pay by sex every year.", [gap])
    action(team, first, "Train every manager in gender mainstreaming", priority="high")
    action(
        team,
        second,
        "Run a joint pay assessment",
        start=datetime.date(2027, 6, 1),
        end=datetime.date(2028, 3, 31),
        baseline=6.1,
        target=2,
    )
    action(
        team, second, "Publish the promotion criteria", priority="low", unit="", baseline=None, target=None
    )
    roadmap.feedback_share(actor=lead, audit=audit)
    return team


@pytest.fixture
def demo_audit(methodology) -> Audit:
    """The demo's completed audit, on top of the demo organization and a certified demo lead."""
    users = {
        key: UserFactory(username=key, gender=gender)
        for key, gender in (
            ("lead", Gender.WOMAN),
            ("cofacilitator", Gender.MAN),
            ("expert", Gender.WOMAN),
            ("coordinator", Gender.WOMAN),
        )
    }
    users["lead"].groups.add(audits_demo.facilitators_group())
    audit_services.organization_create(
        actor=users["lead"], name=audits_demo.ORGANIZATION, units=["Human Resources"]
    )
    certification_demo.load_demo(
        {"lead": users["lead"], "candidate": UserFactory(), "certification_staff": StaffFactory()}
    )
    reports_demo.load_demo(users)
    reports_demo.load_demo(users)  # loading twice changes nothing
    assert Audit.objects.filter(title=reports_demo.TITLE).count() == 1
    return Audit.objects.get(title=reports_demo.TITLE)
