"""Interviews: time zones, consent, the name rule, interviewers from the team, coded excerpts."""

import datetime
import zoneinfo

import pytest
from rest_framework.test import APIClient

from audits.evidence import services
from audits.evidence.models import Excerpt, Interview
from config.errors import DomainError
from tests.evidence.conftest import client_for

pytestmark = pytest.mark.django_db

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")


def interview(world, **fields):
    lead = world.people["lead"]
    defaults = {
        "kind": "individual",
        "scheduled_at": datetime.datetime(2027, 3, 12, 10, 0, tzinfo=KYIV),
        "time_zone": "Europe/Kyiv",
        "mode": "in_person",
        "consent": True,
    }
    return services.interview_create(actor=lead, audit=world.audit, **{**defaults, **fields})


def test_the_page_reads_the_time_in_the_interviews_time_zone(world):
    client = client_for(world.people["lead"])
    response = client.post(
        f"/audits/{world.audit.pk}/interviews/new/",
        {
            "kind": "group",
            "participants": "6",
            "scheduled_at": "2027-03-12T10:00",
            "time_zone": "Europe/Kyiv",
            "mode": "video",
            "video_link": "https://meet.example.org/pga-ka08",
            "grade": "G5",
            "gender": "mixed",
            "role": "support",
            "consent": "on",
            "interviewers": [world.people["lead"].pk, world.people["expert"].pk],
            "notes": "Childcare came up first.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    created = Interview.objects.get()
    # 10:00 in Kyiv (UTC+2 in March) is 08:00 UTC.
    assert created.scheduled_at == datetime.datetime(2027, 3, 12, 8, 0, tzinfo=datetime.UTC)
    assert created.participants == 6 and created.consent_recorded_at is not None
    assert set(created.interviewers.all()) == {world.people["lead"], world.people["expert"]}
    page = client.get(response["Location"]).content.decode()
    assert "(Europe/Kyiv)" in page and "10:00" in page.replace("10 a.m.", "10:00")


def test_the_api_reads_a_time_without_offset_in_the_time_zone(world):
    api = APIClient()
    api.force_authenticate(world.people["expert"])
    response = api.post(
        f"/api/audits/{world.audit.pk}/interviews/",
        {
            "kind": "individual",
            "scheduled_at": "2027-07-01T09:30",
            "time_zone": "America/Bogota",
            "mode": "phone",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Interview.objects.get().scheduled_at == datetime.datetime(2027, 7, 1, 14, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": "video"}, "A video call needs its link."),
        ({"interviewee_name": "Ana", "name_consent": False}, ""),
        (
            {"kind": "group", "participants": 1},
            "An individual interview has 1 participant, a group at least 2.",
        ),
        (
            {"consent": False, "notes": "What she said"},
            "Record the interviewee's consent before keeping notes.",
        ),
        ({"time_zone": "Mars/Olympus"}, "Unknown time zone Mars/Olympus."),
    ],
)
def test_interview_rules(world, fields, message):
    if not message:  # a name without consent is dropped, never stored
        assert interview(world, **fields).interviewee_name == ""
        return
    with pytest.raises(DomainError) as refused:
        interview(world, **fields)
    assert message in " ".join([refused.value.message, *refused.value.details])
    assert not Interview.objects.exists()


def test_interviewers_come_from_the_facilitation_team(world):
    with pytest.raises(DomainError) as refused:
        interview(world, interviewers=[world.people["coordinator"]])
    assert refused.value.message.startswith("Interviewers come from the facilitation team; not on it:")
    assert not Interview.objects.exists()


def test_excerpts_need_consent_and_a_key_area(world):
    lead = world.people["lead"]
    without_consent = interview(world, consent=False)
    with pytest.raises(DomainError, match=r"Record the interviewee's consent before coding excerpts\."):
        services.excerpt_add(
            actor=lead, interview=without_consent, kind="summary", text="x", code="gap", key_areas=["KA08"]
        )
    with_consent = interview(world)
    with pytest.raises(DomainError, match=r"Tag the excerpt with at least one key area\."):
        services.excerpt_add(
            actor=lead, interview=with_consent, kind="summary", text="x", code="gap", key_areas=[]
        )
    with pytest.raises(DomainError, match=r"Unknown key areas for this audit: KA99\."):
        services.excerpt_add(
            actor=lead, interview=with_consent, kind="summary", text="x", code="gap", key_areas=["KA99"]
        )
    excerpt = services.excerpt_add(
        actor=lead,
        interview=with_consent,
        kind="quotation",
        text="We lack data.",
        code="gap",
        key_areas=["ka08", "KA09"],
    )
    assert sorted(excerpt.key_areas.values_list("code", flat=True)) == ["KA08", "KA09"]


def test_coding_an_excerpt_on_the_page(world):
    created = interview(world)
    client = client_for(world.people["trainee"])
    url = f"/audits/{world.audit.pk}/interviews/{created.pk}/"
    response = client.post(
        url,
        {"kind": "summary", "text": "Flexible hours are valued.", "code": "strength", "key_areas": ["KA08"]},
    )
    assert response.status_code == 302
    excerpt = Excerpt.objects.get()
    assert (excerpt.code, excerpt.created_by) == ("strength", world.people["trainee"])
    assert "Flexible hours are valued." in client.get(url).content.decode()


def test_consent_cannot_be_withdrawn_while_excerpts_exist(world):
    created = interview(world)
    services.excerpt_add(
        actor=world.people["lead"],
        interview=created,
        kind="summary",
        text="x",
        code="gap",
        key_areas=["KA08"],
    )
    with pytest.raises(DomainError, match="consent cannot be withdrawn"):
        services.interview_update(actor=world.people["lead"], interview=created, consent=False)
