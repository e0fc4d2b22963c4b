"""Fixtures for staff surveys: an audit in fieldwork with its team, and a prepared questionnaire."""

import datetime
import uuid

import pytest
from django.core.cache import cache

from accounts.models import Gender
from audits.models import Audit, TeamRole
from audits.surveys import services
from audits.surveys.models import Instrument, Response
from tests.factories import add_member, make_audit

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_and_fresh(settings):
    """Cheap password hashing, and a fresh throttle count for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = IMMEDIATE_TASKS
    cache.clear()


class Team:
    def __init__(self, audit):
        self.audit = audit
        self.lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
        self.co = add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN).user
        self.coordinator = add_member(audit, TeamRole.COORDINATOR).user


def in_phase(audit, phase: str) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(phase=phase)
    return Audit.objects.get(pk=audit.pk)


@pytest.fixture
def team(methodology):
    """A selective audit in fieldwork on KA08 and KA09, with a lead, a co-facilitator and a coordinator."""
    audit = make_audit("selective", people_in_scope=40)
    audit.key_areas.set(audit.methodology.key_areas.filter(code__in=["KA08", "KA09"]))
    return Team(in_phase(audit, "fieldwork"))


@pytest.fixture
def library_instrument(methodology):
    return Instrument.objects.get(methodology=methodology, code="pga-staff", audit__isnull=True)


@pytest.fixture
def prepared(team, library_instrument):
    """The team's audit with the library questionnaire copied (restricted to its key areas)."""
    services.survey_prepare(actor=team.lead, audit=team.audit, instrument=library_instrument)
    return team


@pytest.fixture
def opened(prepared):
    """The prepared survey, open for a week with single-use links."""
    services.survey_open(
        actor=prepared.lead,
        audit=prepared.audit,
        closes_on=datetime.date.today() + datetime.timedelta(days=7),
        mode="single_use",
    )
    return prepared


def add_responses(survey, rows):
    """Responses straight into the table: rows of (answers, gender, staff_category)."""
    Response.objects.bulk_create(
        Response(
            survey=survey,
            submission_key=uuid.uuid4().hex,
            answers=answers,
            gender=gender,
            staff_category=category,
        )
        for answers, gender, category in rows
    )
