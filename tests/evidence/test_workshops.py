"""Workshops: participants through the disclosure rule; outputs become evidence when promoted."""

import datetime

import pytest
from rest_framework.test import APIClient

from audits.evidence import services, sources
from audits.evidence.models import WorkshopStatement
from config.errors import DomainError
from tests.evidence.conftest import client_for

pytestmark = pytest.mark.django_db


def workshop(world, **counts):
    return services.workshop_create(
        actor=world.people["lead"],
        audit=world.audit,
        title="Gender audit workshop, day 1",
        date=datetime.date(2027, 3, 15),
        delivery="on_site",
        exercises="Organizational timeline\nGender web",
        **counts,
    )


def test_a_small_group_of_participants_is_hidden_and_cannot_be_recovered(world):
    created = workshop(world, women=2, men=10, other=1)
    api = APIClient()
    api.force_authenticate(world.people["lead"])
    participants = api.get(f"/api/audits/{world.audit.pk}/workshops/{created.pk}/").json()["participants"]
    assert participants["women"] == {"value": None, "suppressed": True}
    assert participants["other"] == {"value": None, "suppressed": True}
    shown = {name: cell["value"] for name, cell in participants.items() if not cell["suppressed"]}
    # With the total shown, one hidden cell would follow from the others; here two are hidden.
    hidden = [name for name, cell in participants.items() if cell["suppressed"]]
    assert len(hidden) >= 2 or "total" in hidden
    assert shown.get("total", 0) - shown.get("men", 0) != 2

    page = client_for(world.people["lead"]).get(f"/audits/{world.audit.pk}/workshops/").content.decode()
    assert "Women &lt;5" in page
    assert "Others &lt;5" in page
    # Total minus men would give the 3 people who are not men, itself a group under 5.
    assert not ("Men 10" in page and "Total 13" in page)


def test_large_enough_groups_are_shown(world):
    created = workshop(world, women=12, men=9)
    page = client_for(world.people["lead"]).get(f"/audits/{world.audit.pk}/workshops/{created.pk}/")
    assert "Women 12 · Men 9 · Total 21" in page.content.decode()


def test_outputs_are_captured_per_key_area_and_promoted_to_evidence(world):
    created = workshop(world, women=8, men=7)
    client = client_for(world.people["expert"])
    url = f"/audits/{world.audit.pk}/workshops/{created.pk}/"
    response = client.post(
        url,
        {
            "key_area": "KA09",
            "kind": "does_not_work",
            "exercise": "Gender web",
            "text": "Meetings run late; carers cannot stay.",
        },
    )
    assert response.status_code == 302
    statement = WorkshopStatement.objects.get()
    ka09 = world.audit.key_areas.get(code="KA09")
    assert sources.workshop_statements(world.audit, ka09, world.people["expert"]) == []

    client.post(f"{url}statements/{statement.pk}/promote/", {"promoted": "1"})
    (item,) = sources.workshop_statements(world.audit, ka09, world.people["expert"])
    assert (item.key, item.text) == (
        f"workshop_statement:{statement.pk}",
        "Meetings run late; carers cannot stay.",
    )


def test_a_statement_names_an_exercise_of_its_workshop(world):
    created = workshop(world)
    with pytest.raises(DomainError, match="Fishbowl is not an exercise of this workshop"):
        services.statement_add(
            actor=world.people["lead"],
            workshop=created,
            key_area="KA09",
            kind="idea",
            text="x",
            exercise="Fishbowl",
        )


def test_a_cited_statement_stays_evidence(world):
    created = workshop(world)
    statement = services.statement_add(
        actor=world.people["lead"],
        workshop=created,
        key_area="KA09",
        kind="works",
        text="Mentoring",
        promoted=True,
    )
    services.finding_create(
        actor=world.people["lead"],
        audit=world.audit,
        key_area="KA09",
        kind="good_practice",
        statement="Mentoring works.",
        evidence=[f"workshop_statement:{statement.pk}"],
    )
    with pytest.raises(DomainError, match="A finding cites this statement"):
        services.statement_promote(actor=world.people["lead"], statement=statement, promoted=False)
    with pytest.raises(DomainError, match=r"This statement supports findings; remove it from them first\."):
        services.statement_delete(actor=world.people["lead"], statement=statement)
    assert WorkshopStatement.objects.filter(pk=statement.pk, promoted=True).exists()
