"""Feedback: drafts shared with the coordinator, comments per item, each resolved by the team."""

import pytest

from audits import services as audit_services
from audits.roadmap import services
from config.errors import DomainError, Forbidden
from tests.roadmap.builders import client_for, finding, recommendation, team_audit


@pytest.fixture
def team(methodology):
    team = team_audit(phase="feedback")
    finding(team, "KA04")
    finding(team, "KA08")
    recommendation(team, "KA08", findings=team.findings["KA08"])
    return team


def test_the_coordinator_comments_only_once_the_drafts_are_shared(team):
    coordinator, item = team.people["coordinator"], team.findings["KA08"][0]
    with pytest.raises(Forbidden):
        services.comment_add(actor=coordinator, audit=team.audit, finding=item, text="Not quite.")
    assert client_for(coordinator).get(f"/audits/{team.audit.pk}/feedback/").status_code == 404
    services.feedback_share(actor=team.people["lead"], audit=team.audit)
    comment = services.comment_add(
        actor=coordinator,
        audit=team.audit,
        finding=item,
        kind="correction",
        text="The policy was adopted in 2024, not 2023.",
    )
    assert comment.author == coordinator and not comment.resolved
    page = client_for(coordinator).get(f"/audits/{team.audit.pk}/feedback/")
    assert page.status_code == 200
    assert "The policy was adopted in 2024" in page.content.decode()


def test_the_team_cannot_comment_and_the_coordinator_cannot_resolve(team):
    services.feedback_share(actor=team.people["lead"], audit=team.audit)
    with pytest.raises(Forbidden):
        services.comment_add(
            actor=team.people["lead"], audit=team.audit, finding=team.findings["KA04"][0], text="x"
        )
    comment = services.comment_add(
        actor=team.people["coordinator"],
        audit=team.audit,
        recommendation=team.audit.recommendations.first(),
        text="Agreed.",
    )
    with pytest.raises(Forbidden):
        services.comment_resolve(actor=team.people["coordinator"], comment=comment, resolution="Fine.")
    with pytest.raises(DomainError, match="Say how"):
        services.comment_resolve(actor=team.people["co_facilitator"], comment=comment, resolution="  ")
    resolved = services.comment_resolve(
        actor=team.people["co_facilitator"], comment=comment, resolution="Noted."
    )
    assert resolved.resolved and resolved.resolved_by == team.people["co_facilitator"]
    with pytest.raises(DomainError, match="already resolved"):
        services.comment_resolve(actor=team.people["lead"], comment=comment, resolution="Again.")


def test_drafts_are_shared_during_feedback_only(methodology):
    early = team_audit(phase="fieldwork")
    with pytest.raises(DomainError, match="feedback phase"):
        services.feedback_share(actor=early.people["lead"], audit=early.audit)


def test_the_audit_leaves_feedback_only_when_every_comment_is_resolved(team):
    lead, audit = team.people["lead"], team.audit
    services.feedback_share(actor=lead, audit=audit)
    comment = services.comment_add(
        actor=team.people["coordinator"],
        audit=audit,
        finding=team.findings["KA04"][0],
        text="Please check this.",
    )
    with pytest.raises(DomainError) as error:
        audit_services.audit_transition(actor=lead, audit_id=audit.pk, target="reporting")
    assert any("1 comment of the organization is not resolved" in detail for detail in error.value.details)
    services.comment_resolve(actor=lead, comment=comment, resolution="Checked and corrected.")
    record = audit_services.audit_transition(actor=lead, audit_id=audit.pk, target="reporting")
    assert record.to_phase == "reporting"


def test_comment_and_resolve_through_the_pages(team):
    lead, coordinator, audit = team.people["lead"], team.people["coordinator"], team.audit
    client_for(lead).post(f"/audits/{audit.pk}/feedback/share/")
    item = team.findings["KA08"][0]
    response = client_for(coordinator).post(
        f"/audits/{audit.pk}/feedback/comments/",
        {"finding": item.pk, "kind": "comment", "text": "Too harsh."},
    )
    assert response.status_code == 302
    comment = audit.feedback_comments.get()
    client_for(lead).post(
        f"/audits/{audit.pk}/feedback/comments/{comment.pk}/resolve/", {"resolution": "Reworded."}
    )
    comment.refresh_from_db()
    assert comment.resolution == "Reworded." and comment.resolved_by == lead
