"""Follow-up: the coordinator records status and indicator values; completion over time."""

import datetime

import pytest
from django.utils import timezone

from audits.models import TeamRole
from audits.roadmap import selectors, services
from audits.roadmap.models import ActionStatus
from config.errors import DomainError, Forbidden
from tests.factories import UserFactory, add_member, make_audit
from tests.roadmap.builders import action, client_for, recommendation, set_phase, team_audit


@pytest.fixture
def team(methodology):
    team = team_audit(phase="reporting")
    made = recommendation(team, "KA08")
    team.actions = [action(team, made, title=f"Action {n}") for n in range(1, 5)]
    team.audit = set_phase(team.audit, "follow_up")
    return team


def at(day: int):
    return timezone.make_aware(datetime.datetime(2027, 6, day, 12))


def test_the_coordinator_records_status_and_indicator_values(team):
    coordinator = team.people["coordinator"]
    first = team.actions[0]
    update = services.action_progress(
        actor=coordinator,
        action=first,
        status=ActionStatus.IN_PROGRESS,
        value="35",
        note="Two sessions held.",
    )
    first.refresh_from_db()
    assert (first.status, first.current, update.actor, update.note) == (
        "in_progress",
        35,
        coordinator,
        "Two sessions held.",
    )
    assert selectors.indicator_progress(first) == pytest.approx(100 * 25 / 70)
    with pytest.raises(DomainError):
        services.action_progress(actor=coordinator, action=first, status=ActionStatus.DROPPED)
    services.action_progress(
        actor=coordinator, action=first, status=ActionStatus.DROPPED, drop_reason="Merged."
    )


def test_progress_is_recorded_in_follow_up_only(methodology):
    team = team_audit(phase="reporting")
    row = action(team, recommendation(team, "KA08"))
    with pytest.raises(DomainError, match="follow-up phase"):
        services.action_progress(actor=team.people["coordinator"], action=row, status=ActionStatus.DONE)


def test_a_coordinator_of_another_audit_of_the_organization_cannot_record(team):
    other_coordinator = UserFactory()
    sibling = make_audit("selective", organization=team.audit.organization)
    add_member(sibling, TeamRole.COORDINATOR, user=other_coordinator)
    with pytest.raises(Forbidden):
        services.action_progress(actor=other_coordinator, action=team.actions[0], status=ActionStatus.DONE)
    assert client_for(other_coordinator).get(f"/audits/{team.audit.pk}/follow-up/").status_code == 404


def test_completion_over_time(team):
    coordinator = team.people["coordinator"]
    first, second, _third, fourth = team.actions
    services.action_progress(actor=coordinator, action=first, status="done", recorded_at=at(2))
    services.action_progress(actor=coordinator, action=second, status="in_progress", recorded_at=at(9))
    services.action_progress(actor=coordinator, action=second, status="done", recorded_at=at(20))
    services.action_progress(
        actor=coordinator, action=fourth, status="dropped", drop_reason="No budget.", recorded_at=at(20)
    )
    history = selectors.completion_history(team.audit)
    points = [(point.day, point.done, point.active, point.percent) for point in history]
    assert points[-3:] == [
        (datetime.date(2027, 6, 2), 1, 4, 25.0),
        (datetime.date(2027, 6, 9), 1, 4, 25.0),
        (datetime.date(2027, 6, 20), 2, 3, pytest.approx(66.7)),
    ]
    assert selectors.status_counts(team.audit) == {"planned": 1, "in_progress": 0, "done": 2, "dropped": 1}


def test_the_follow_up_page_records_progress(team):
    coordinator = team.people["coordinator"]
    client = client_for(coordinator)
    page = client.get(f"/audits/{team.audit.pk}/follow-up/")
    assert page.status_code == 200 and "Record progress" in page.content.decode()
    row = team.actions[1]
    response = client.post(
        f"/audits/{team.audit.pk}/follow-up/actions/{row.pk}/",
        {"status": "dropped", "value": "", "note": "Budget cut.", "drop_reason": ""},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.drop_reason) == ("dropped", "Budget cut.")
