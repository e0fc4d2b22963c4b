"""A person walks from applicant to certified through the records, as certification staff see it."""

import datetime

import pytest

from facilitators import selectors, services, workflow
from facilitators.models import (
    Certificate,
    CertificationState,
    CertificationTransition,
    PracticeRecord,
)
from tests.facilitators import factories as f
from tests.factories import UserFactory

S = CertificationState


def close_audit(modality, *, title, ana, lena, role="co_facilitator"):
    """An audit whose team is recorded as it moves to follow-up (the audits app's on-enter effect)."""
    from audits.effects import run_on_enter
    from audits.models import TeamRole
    from tests.factories import add_member, make_audit

    audit = make_audit(modality, title=title)
    add_member(audit, TeamRole.LEAD, user=lena)
    add_member(audit, role, user=ana)
    coordinator = add_member(audit, TeamRole.COORDINATOR).user
    run_on_enter(audit, ["record_practice"])
    run_on_enter(audit, ["record_practice"])  # entering twice records once
    assert not PracticeRecord.objects.filter(user=coordinator).exists()
    assert PracticeRecord.objects.get(user=lena, audit_reference=audit.pk).supervisor is None
    return PracticeRecord.objects.get(user=ana, audit_reference=audit.pk)


@pytest.mark.django_db
def test_applicant_to_certified_through_records(programme, cert_staff):
    ana = UserFactory(first_name="Ana", last_name="Silva")
    lena = UserFactory(first_name="Lena", last_name="Lead")
    certification = f.apply(user=ana)
    assert certification.state == S.APPLICANT
    assert certification.programme == programme

    f.submit_portfolio(certification)
    f.accept_portfolio(certification, cert_staff)
    certification = f.move(certification, cert_staff, S.ADMITTED)
    certification = f.move(certification, cert_staff, S.IN_TRAINING)
    f.record_training(certification, cert_staff)
    certification = f.move(certification, cert_staff, S.TRAINED)
    certification = f.move(certification, cert_staff, S.IN_PRACTICE)

    # Each audit records its team's practice through the service the audits app calls when the
    # audit moves to follow-up (test_closing_an_audit_records_practice covers that path).
    first = services.practice_record_from_audit(
        user=ana,
        audit_reference=41,
        audit_title="Ministry of Social Policy",
        modality_code="selective",
        role="co_facilitator",
        started_on=datetime.date(2026, 1, 5),
        ended_on=datetime.date(2026, 3, 1),
        supervisor=lena,
    )
    second = services.practice_record_from_audit(
        user=ana,
        audit_reference=42,
        audit_title="Labour inspectorate",
        modality_code="comprehensive",
        role="trainee_facilitator",
        started_on=datetime.date(2026, 4, 1),
        ended_on=datetime.date(2026, 6, 30),
        supervisor=lena,
    )
    assert PracticeRecord.objects.filter(user=ana).count() == 2
    f.evaluate(first)
    f.evaluate(second, score=4)

    certification = f.move(certification, cert_staff, S.UNDER_REVIEW)
    decision = services.decision_record(
        actor=cert_staff,
        certification_id=certification.pk,
        decision="certify",
        reasons="All five competences shown on both audits.",
        committee_members="M. Diallo, R. Novak",
    )
    certification.refresh_from_db()
    assert certification.state == S.CERTIFIED
    assert certification.certified_on == datetime.date.today()
    assert certification.expires_on.year == datetime.date.today().year + 5
    assert [item["audit"] for item in decision.evidence["practice"]] == [
        "Labour inspectorate",
        "Ministry of Social Policy",
    ]
    certificate = Certificate.objects.get(certification=certification)
    assert certificate.expires_on == certification.expires_on
    assert selectors.certification_valid_on(ana, datetime.date.today())
    assert list(
        CertificationTransition.objects.filter(certification=certification).values_list("to_state", flat=True)
    ) == [
        S.APPLICANT,
        S.ADMITTED,
        S.IN_TRAINING,
        S.TRAINED,
        S.IN_PRACTICE,
        S.UNDER_REVIEW,
        S.CERTIFIED,
    ]


@pytest.mark.django_db
def test_closing_an_audit_records_practice_that_counts(programme, methodology, cert_staff):
    ana = UserFactory(first_name="Ana", last_name="Silva")
    lena = UserFactory(first_name="Lena", last_name="Lead")
    certification = f.walk_to(S.IN_PRACTICE, cert_staff, user=ana)
    record = close_audit("selective", title="Ministry of Social Policy", ana=ana, lena=lena)
    assert (record.supervisor, record.role, record.modality_code) == (
        lena,
        "co_facilitator",
        "selective",
    )
    step = workflow.next_step(selectors.certifications_with_records().get(pk=certification.pk))
    assert [check.message for check in step.blocking] == [
        "1 of 2 supervised audits as co-facilitator or trainee facilitator.",
        "0 of 2 satisfactory evaluations; evaluation of “Ministry of Social Policy” pending from "
        "the lead facilitator, Lena Lead.",
    ]
    close_audit("comprehensive", title="Labour inspectorate", ana=ana, lena=lena, role="trainee_facilitator")
    for due in selectors.evaluations_due(lena):
        f.evaluate(due)
    assert f.move(certification, cert_staff, S.UNDER_REVIEW).state == S.UNDER_REVIEW


@pytest.mark.django_db
def test_the_fsm_conditions_refuse_a_move_the_guards_block(programme, cert_staff):
    from django_fsm import TransitionNotAllowed

    certification = selectors.certifications_with_records().get(pk=f.apply().pk)
    with pytest.raises(TransitionNotAllowed):
        certification.admit(today=datetime.date.today())
    with pytest.raises(services.DomainError) as error:
        f.move(certification, cert_staff, S.ADMITTED)
    assert error.value.message == "Admit is not possible yet."
    assert error.value.details[0].startswith("0 of 4 portfolio documents submitted")


@pytest.mark.django_db
def test_practice_record_from_audit_is_idempotent_per_person_and_audit(programme):
    ana, lena = UserFactory(), UserFactory()
    arguments = {
        "user": ana,
        "audit_reference": 7,
        "audit_title": "Ministry",
        "modality_code": "selective",
        "role": "trainee_facilitator",
        "started_on": datetime.date(2026, 1, 1),
        "ended_on": None,
        "supervisor": lena,
    }
    first = services.practice_record_from_audit(**arguments)
    second = services.practice_record_from_audit(
        **{**arguments, "audit_title": "Ministry of Labour", "ended_on": datetime.date(2026, 3, 1)}
    )
    assert first.pk == second.pk
    assert PracticeRecord.objects.filter(user=ana).count() == 1
    second.refresh_from_db()
    assert (second.audit_title, second.ended_on) == ("Ministry of Labour", datetime.date(2026, 3, 1))
    # The lead facilitator is nobody's supervisee on their own audit.
    lead_record = services.practice_record_from_audit(
        **{**arguments, "user": lena, "role": "lead_facilitator"}
    )
    assert lead_record.supervisor is None
    with pytest.raises(services.DomainError, match="Unknown practice role coordinator"):
        services.practice_record_from_audit(**{**arguments, "role": "coordinator"})


@pytest.mark.django_db
def test_the_committee_can_ask_for_more_practice_then_certify_on_a_new_review(programme, cert_staff):
    certification = f.walk_to(S.UNDER_REVIEW, cert_staff)
    services.decision_record(
        actor=cert_staff,
        certification_id=certification.pk,
        decision="more_practice",
        reasons="Show the accountability competence on a comprehensive audit.",
    )
    certification.refresh_from_db()
    assert certification.state == S.IN_PRACTICE
    certification = f.move(certification, cert_staff, S.UNDER_REVIEW)
    assert certification.review_round == 2
    # The earlier decision does not certify the new review.
    with pytest.raises(services.DomainError) as error:
        f.move(certification, cert_staff, S.CERTIFIED)
    assert error.value.details == ["The certification committee has not decided on this review yet."]
    services.decision_record(
        actor=cert_staff, certification_id=certification.pk, decision="certify", reasons="Shown."
    )
    certification.refresh_from_db()
    assert certification.state == S.CERTIFIED
    assert list(certification.decisions.values_list("review_round", "decision")) == [
        (1, "more_practice"),
        (2, "certify"),
    ]


@pytest.mark.django_db
def test_a_rejection_withdraws_the_application_with_the_committee_reasons(programme, cert_staff):
    certification = f.walk_to(S.UNDER_REVIEW, cert_staff)
    with pytest.raises(services.DomainError, match="Give the committee's reasons"):
        services.decision_record(
            actor=cert_staff, certification_id=certification.pk, decision="reject", reasons=" "
        )
    services.decision_record(
        actor=cert_staff,
        certification_id=certification.pk,
        decision="reject",
        reasons="Discrimination analysis not shown.",
    )
    certification.refresh_from_db()
    assert certification.state == S.WITHDRAWN
    assert certification.withdrawal_reason == (
        "The certification committee rejected the application: Discrimination analysis not shown."
    )
    assert not certification.certificates.exists()


@pytest.mark.django_db
def test_only_certification_staff_move_a_certification(programme, cert_staff):
    certification = f.walk_to(S.APPLICANT, cert_staff)
    with pytest.raises(services.Forbidden):
        services.certification_transition(
            actor=certification.facilitator.user,
            certification_id=certification.pk,
            target=S.WITHDRAWN,
            reason="I changed my mind",
        )


@pytest.mark.django_db
def test_one_open_application_per_person(programme):
    ana = UserFactory()
    f.apply(user=ana)
    with pytest.raises(services.Conflict, match="already has a certification in progress"):
        f.apply(user=ana)
