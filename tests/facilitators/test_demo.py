"""The demo data: a certified lead, a candidate blocked on an evaluation, certification staff."""

import datetime

import pytest

from facilitators import selectors, workflow
from facilitators.demo import load_demo
from facilitators.models import (
    Certificate,
    Certification,
    CertificationState,
    Evaluation,
    PracticeRecord,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return {
        "lead": UserFactory(username="lead", first_name="Lena", last_name="Kovalenko"),
        "candidate": UserFactory(username="trainee", first_name="Tomás", last_name="Ruiz"),
        "certification_staff": UserFactory(username="certstaff", first_name="Carla"),
    }


def test_load_demo_creates_the_three_people_once(users):
    load_demo(users)
    counts = (
        Certification.objects.count(),
        PracticeRecord.objects.count(),
        Evaluation.objects.count(),
        Certificate.objects.count(),
    )
    load_demo(users)
    assert (
        counts
        == (
            Certification.objects.count(),
            PracticeRecord.objects.count(),
            Evaluation.objects.count(),
            Certificate.objects.count(),
        )
        == (2, 4, 3, 1)
    )

    lead = users["lead"]
    for year in (2026, 2027, 2028):
        for day in (datetime.date(year, 1, 1), datetime.date(year, 12, 31)):
            assert selectors.certification_valid_on(lead, day), day
    assert selectors.certification_problem(lead, datetime.date(2027, 5, 1)) is None
    assert [entry.name for entry in selectors.roster()] == ["Lena Kovalenko"]

    candidate = Certification.objects.get(facilitator__user=users["candidate"])
    assert candidate.state == CertificationState.IN_PRACTICE
    step = workflow.next_step(selectors.certifications_with_records().get(pk=candidate.pk))
    assert [check.message for check in step.blocking] == [
        "1 of 2 satisfactory evaluations; evaluation of “Social insurance fund (demo)” pending "
        "from the supervisor, Lena Kovalenko."
    ]
    assert [record.audit_title for record in selectors.evaluations_due(lead)] == [
        "Social insurance fund (demo)"
    ]
    assert selectors.is_certification_staff(users["certification_staff"])
