"""Recommendations tied to findings, actions serving them, typical actions adopted in the audit's language."""

import datetime

import pytest

from audits.roadmap import services
from audits.roadmap.models import ActionStatus, ActionTemplate, ActionUpdate
from config.errors import DomainError, Forbidden
from tests.roadmap.builders import action, finding, recommendation, team_audit


@pytest.fixture
def team(methodology):
    return team_audit(phase="feedback")


def test_a_recommendation_answers_findings_of_its_key_area(team):
    gap = finding(team, "KA08")
    made = recommendation(team, "KA08", findings=[gap])
    assert list(made.findings.all()) == [gap]
    other = finding(team, "KA04")
    with pytest.raises(DomainError, match="own key area"):
        recommendation(team, "KA08", findings=[other])


def test_findings_of_another_audit_cannot_be_answered(team, methodology):
    elsewhere = team_audit()
    foreign = finding(elsewhere, "KA08")
    with pytest.raises(DomainError, match="not part of this audit"):
        recommendation(team, "KA08", findings=[foreign])


def test_a_key_area_outside_the_audit_is_refused(team):
    with pytest.raises(DomainError, match="KA12 is not a key area"):
        recommendation(team, "KA12")


@pytest.mark.parametrize("who", ["coordinator", "unrelated"])
def test_only_the_team_and_steering_people_draft(team, who):
    with pytest.raises(Forbidden):
        services.recommendation_create(actor=team.people[who], audit=team.audit, key_area="KA08", text="x")


def test_the_trainee_and_co_facilitator_draft_too(team):
    for who in ("trainee", "co_facilitator"):
        made = services.recommendation_create(
            actor=team.people[who], audit=team.audit, key_area="KA04", text=who
        )
        assert made.created_by == team.people[who]


def test_an_action_needs_consistent_dates_and_a_reason_to_drop(team):
    made = recommendation(team, "KA08")
    with pytest.raises(DomainError) as error:
        action(team, made, start=datetime.date(2027, 6, 1), end=datetime.date(2027, 5, 1))
    assert "The end cannot be before the start." in error.value.details
    row = action(team, made)
    assert row.key_area.code == "KA08" and row.current == row.baseline == 10
    with pytest.raises(DomainError, match="correct"):
        services.action_update(actor=team.people["lead"], action=row, status=ActionStatus.DROPPED)
    services.action_update(
        actor=team.people["lead"],
        action=row,
        status=ActionStatus.DROPPED,
        drop_reason="Replaced by the pay review.",
    )
    assert ActionUpdate.objects.get(action=row).status == ActionStatus.DROPPED


def test_a_recommendation_served_by_actions_cannot_be_deleted(team):
    made = recommendation(team, "KA08")
    action(team, made)
    with pytest.raises(DomainError, match="delete or move them first"):
        services.recommendation_delete(actor=team.people["lead"], recommendation=made)


def test_a_typical_action_is_adopted_in_the_audits_language(methodology):
    team = team_audit(language="fr")
    made = recommendation(team, "KA08")
    template = ActionTemplate.objects.get(methodology=methodology, code="ka08-pay-review")
    adopted = services.action_from_template(
        actor=team.people["lead"],
        audit=team.audit,
        recommendation=made,
        template=template,
        start=datetime.date(2027, 4, 30),
    )
    assert adopted.title == template.title["fr"]
    assert adopted.owner == template.owner["fr"]
    assert adopted.end == datetime.date(2028, 4, 30)
    assert adopted.template == template
    other = ActionTemplate.objects.get(methodology=methodology, code="ka04-training-plan")
    with pytest.raises(DomainError, match="for KA04"):
        services.action_from_template(
            actor=team.people["lead"], audit=team.audit, recommendation=made, template=other
        )


def test_the_roadmap_cannot_change_once_the_audit_is_closed(methodology):
    team = team_audit(phase="closed")
    with pytest.raises(DomainError, match="only while the audit is open"):
        recommendation(team, "KA08")
