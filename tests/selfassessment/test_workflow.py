"""The GEOSA phases and their guards, the adviser's accept/decline and the review of ratings."""

import datetime

import pytest

from audits import services as audit_services
from audits import workflow
from audits.models import Audit, TeamMember, TeamRole
from config.errors import DomainError, Forbidden
from selfassessment import services
from selfassessment.models import CommentKind, GeosaParameters, MaturityLevel, RequestStatus
from tests.factories import UserFactory, add_member, certify

pytestmark = pytest.mark.django_db


def _check(audit, code):
    audit = Audit.objects.get(pk=audit.pk)
    return next(check for check in workflow.evaluate_exit_guards(audit) if check.code == code)


# The library


def test_the_library_loads_the_rubric_and_team_minimum(methodology):
    parameters = GeosaParameters.objects.get(methodology=methodology)
    assert parameters.min_trained_team == 3
    assert parameters.level_title(4) == "Established"
    levels = MaturityLevel.objects.filter(key_area__methodology=methodology)
    assert levels.count() == 12 * 5
    ka08 = list(levels.filter(key_area__code="KA08").order_by("level"))
    assert [level.level for level in ka08] == [1, 2, 3, 4, 5]
    assert ka08[4].name == "Transformative"
    assert set(ka08[0].description) == {"en", "fr", "es"}


def test_the_geosa_phases_carry_their_guards(methodology):
    phases = {phase.code: phase for phase in methodology.modalities.get(code="geosa").phases.all()}
    guards = {code: [spec["code"] for spec in phase.exit_guards] for code, phase in phases.items()}
    assert "adviser_accepted" in guards["setup"]
    assert guards["team_training"] == ["trained_team_minimum"]
    assert guards["self_assessment"] == ["every_key_area_rated"]
    assert guards["technical_review"] == ["adviser_comments_resolved"]
    assert guards["action_planning"] == ["roadmap_has_action"]


# Set-up: the technical adviser


def test_setup_needs_an_accepted_adviser(geosa):
    check = _check(geosa.audit, "adviser_accepted")
    assert not check.passed
    assert check.message == "Ask a certified facilitator to be your technical adviser."

    request = services.adviser_request(
        actor=geosa.focal_point, audit=geosa.audit, adviser=geosa.adviser.username
    )
    name = geosa.adviser.get_full_name()
    assert _check(geosa.audit, "adviser_accepted").message == (
        f"{name} has not answered your request yet; wait for the answer or ask someone else."
    )

    services.adviser_respond(actor=geosa.adviser, request=request, accept=True)

    assert _check(geosa.audit, "adviser_accepted").passed
    member = TeamMember.objects.get(audit=geosa.audit, user=geosa.adviser)
    assert member.role == TeamRole.EXPERT
    record = audit_services.audit_transition(
        actor=geosa.focal_point, audit_id=geosa.audit.pk, target="team_training"
    )
    assert record.to_phase == "team_training"


def test_a_declined_adviser_can_be_replaced(geosa):
    request = services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=geosa.adviser)
    services.adviser_respond(actor=geosa.adviser, request=request, accept=False, note="Fully booked")

    assert request.__class__.objects.get(pk=request.pk).status == RequestStatus.DECLINED
    assert not TeamMember.objects.filter(audit=geosa.audit, user=geosa.adviser).exists()
    assert _check(geosa.audit, "adviser_accepted").message == (
        f"{geosa.adviser.get_full_name()} declined to be your adviser; ask another certified facilitator."
    )
    with pytest.raises(DomainError, match="cannot move to Team training yet"):
        audit_services.audit_transition(
            actor=geosa.focal_point, audit_id=geosa.audit.pk, target="team_training"
        )

    other = UserFactory()
    certify(other)
    second = services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=other.email)
    services.adviser_respond(actor=other, request=second, accept=True)
    assert _check(geosa.audit, "adviser_accepted").passed


def test_only_one_open_request_at_a_time(geosa):
    services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=geosa.adviser)
    other = UserFactory()
    certify(other)
    with pytest.raises(DomainError, match="has not answered your request yet"):
        services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=other)


def test_a_person_without_certification_cannot_be_requested(geosa):
    uncertified = UserFactory(first_name="Ivan", last_name="Petrenko")
    with pytest.raises(DomainError) as error:
        services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=uncertified)
    assert error.value.message == "Only a certified facilitator can be your technical adviser."
    assert error.value.details == ["Ivan Petrenko holds no facilitator certification."]

    expired = UserFactory()
    certify(expired, certified_on=datetime.date(2019, 1, 1), expires_on=datetime.date(2024, 1, 1))
    with pytest.raises(DomainError, match="certified facilitator"):
        services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=expired)
    assert not geosa.audit.adviser_requests.exists()


def test_the_internal_team_cannot_be_the_adviser(geosa):
    colleague = UserFactory()
    certify(colleague)
    services.team_member_add(actor=geosa.focal_point, audit=geosa.audit, name="Colleague", user=colleague)
    with pytest.raises(DomainError, match="part of the organization's own team"):
        services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=colleague)
    certify(geosa.focal_point)
    with pytest.raises(DomainError, match="part of the organization's own team"):
        services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=geosa.focal_point)


def test_only_the_person_asked_answers_and_only_the_focal_point_asks(geosa):
    request = services.adviser_request(actor=geosa.focal_point, audit=geosa.audit, adviser=geosa.adviser)
    with pytest.raises(Forbidden):
        services.adviser_respond(actor=geosa.focal_point, request=request, accept=True)
    stranger = add_member(geosa.audit, TeamRole.CO_FACILITATOR).user
    with pytest.raises(Forbidden, match="focal point"):
        services.adviser_request(actor=stranger, audit=geosa.audit, adviser=geosa.adviser)
    services.adviser_respond(actor=geosa.adviser, request=request, accept=False)
    with pytest.raises(DomainError, match="already answered"):
        services.adviser_respond(actor=geosa.adviser, request=request, accept=True)


# Team training


def test_team_training_needs_the_minimum_trained_team(geosa):
    geosa.with_adviser().to("team_training")
    assert _check(geosa.audit, "trained_team_minimum").message == (
        "0 members of the internal team have completed the training; at least 3 must."
    )
    geosa.with_trained_team(2)
    services.team_member_add(actor=geosa.focal_point, audit=geosa.audit, name="Late trainee")
    assert _check(geosa.audit, "trained_team_minimum").message == (
        "2 members of the internal team have completed the training; at least 3 must."
    )
    late = geosa.audit.internal_team.get(name="Late trainee")
    services.team_member_trained(actor=geosa.focal_point, member=late, trained_on=datetime.date(2026, 2, 1))
    assert _check(geosa.audit, "trained_team_minimum").passed


# Self-assessment


def test_every_chosen_key_area_needs_a_rating_with_justification(geosa):
    geosa.to("self_assessment")
    assert _check(geosa.audit, "every_key_area_rated").message == (
        "Rate these key areas, saying why: KA04, KA08, KA09."
    )
    services.rating_save(
        actor=geosa.focal_point, audit=geosa.audit, key_area="KA08", level=4, justification="HR data"
    )
    assert (
        _check(geosa.audit, "every_key_area_rated").message == "Rate these key areas, saying why: KA04, KA09."
    )
    with pytest.raises(DomainError, match="Say why"):
        services.rating_save(
            actor=geosa.focal_point, audit=geosa.audit, key_area="KA04", level=2, justification=" "
        )
    with pytest.raises(DomainError, match="KA01 is not one of the key areas you chose"):
        services.rating_save(
            actor=geosa.focal_point, audit=geosa.audit, key_area="KA01", level=2, justification="x"
        )
    with pytest.raises(DomainError, match="from 1 to 5"):
        services.rating_save(
            actor=geosa.focal_point, audit=geosa.audit, key_area="KA04", level=6, justification="x"
        )
    geosa.rate_all()
    assert _check(geosa.audit, "every_key_area_rated").passed


def test_rating_is_for_the_focal_point_during_the_self_assessment(geosa):
    geosa.with_adviser()
    with pytest.raises(DomainError, match="Rating is possible during Self-assessment or Technical review"):
        geosa.rate_all()
    geosa.to("self_assessment")
    with pytest.raises(Forbidden):
        services.rating_save(
            actor=geosa.adviser, audit=geosa.audit, key_area="KA08", level=3, justification="x"
        )


# Technical review


def test_every_comment_must_be_resolved(geosa):
    geosa.with_adviser().to("self_assessment")
    ka04, ka08, ka09 = geosa.rate_all()
    geosa.to("technical_review")
    assert _check(geosa.audit, "adviser_comments_resolved").message == (
        "The adviser has not commented yet on: KA04, KA08, KA09."
    )

    services.comment_add(actor=geosa.adviser, rating=ka04, kind=CommentKind.ACCEPT)
    question = services.comment_add(
        actor=geosa.adviser, rating=ka08, kind=CommentKind.QUESTION, text="Which HR data?"
    )
    suggestion = services.comment_add(
        actor=geosa.adviser,
        rating=ka09,
        kind=CommentKind.SUGGEST,
        text="Staff see it lower.",
        suggested_level=2,
    )
    assert _check(geosa.audit, "adviser_comments_resolved").message == (
        "2 comments of the adviser await the team's answer."
    )

    services.comment_answer(actor=geosa.focal_point, comment=question, answer="The 2025 headcount by grade.")
    services.comment_answer(actor=geosa.focal_point, comment=suggestion, answer="Agreed.", new_level=2)

    assert _check(geosa.audit, "adviser_comments_resolved").passed
    ka09.refresh_from_db()
    assert ka09.level == 2
    with pytest.raises(DomainError, match="already resolved"):
        services.comment_answer(actor=geosa.focal_point, comment=question, answer="Again")


def test_only_the_adviser_comments_and_only_the_team_answers(geosa):
    geosa.with_adviser().to("self_assessment")
    rating = geosa.rate_all()[0]
    geosa.to("technical_review")
    member_user = UserFactory()
    services.team_member_add(actor=geosa.focal_point, audit=geosa.audit, name="Insider", user=member_user)
    for outsider in (geosa.focal_point, member_user):
        with pytest.raises(Forbidden, match="Only the technical adviser"):
            services.comment_add(actor=outsider, rating=rating, kind=CommentKind.ACCEPT)
    question = services.comment_add(
        actor=geosa.adviser, rating=rating, kind=CommentKind.QUESTION, text="Why?"
    )
    with pytest.raises(Forbidden):
        services.comment_answer(actor=geosa.adviser, comment=question, answer="Because I say so")
    with pytest.raises(DomainError, match="Write the question"):
        services.comment_add(actor=geosa.adviser, rating=rating, kind=CommentKind.QUESTION, text="")
    with pytest.raises(DomainError, match="Suggest a level other than the current one"):
        services.comment_add(
            actor=geosa.adviser,
            rating=rating,
            kind=CommentKind.SUGGEST,
            text="x",
            suggested_level=rating.level,
        )


# Action planning


def test_action_planning_needs_an_action_and_suggests_for_the_lowest_rated(geosa):
    from selfassessment import selectors

    geosa.with_adviser().to("self_assessment")
    geosa.rate_all({"KA04": 2, "KA08": 4, "KA09": 1})
    audit = geosa.to("action_planning")
    assert _check(audit, "roadmap_has_action").message.startswith("Add at least one action to the roadmap")

    suggested = selectors.suggestions(audit, selectors.ratings_of(audit))
    assert [s.rating.key_area.code for s in suggested] == ["KA09", "KA04", "KA08"]
    template = suggested[0].templates[0]
    action = services.suggestion_adopt(actor=geosa.focal_point, audit=audit, template_id=template.pk)

    assert action.template == template
    assert action.recommendation.key_area.code == "KA09"
    assert action.recommendation.text.startswith("Aim for level 2 (Emerging):")
    assert _check(audit, "roadmap_has_action").passed
    again = selectors.suggestions(audit, selectors.ratings_of(audit))
    assert template not in again[0].templates


def test_walk_from_setup_to_closed(geosa):
    geosa.with_adviser()
    steps = ["team_training", "self_assessment", "technical_review", "action_planning", "follow_up", "closed"]
    for target in steps:
        audit = geosa.refresh()
        if target == "self_assessment":
            geosa.with_trained_team()
        if target == "technical_review":
            geosa.rate_all()
        if target == "action_planning":
            for rating in audit.geosa_ratings.all():
                services.comment_add(actor=geosa.adviser, rating=rating, kind=CommentKind.ACCEPT)
        if target == "follow_up":
            template = audit.methodology.action_templates.filter(key_area__code="KA04").first()
            services.suggestion_adopt(actor=geosa.focal_point, audit=audit, template_id=template.pk)
        audit_services.audit_transition(actor=geosa.focal_point, audit_id=audit.pk, target=target)
    assert geosa.refresh().phase == "closed"
