"""Every guard, passing and failing, with the message a person reads."""

import datetime

import pytest

from facilitators import guards, selectors, services, workflow
from facilitators.models import CertificationState
from tests.facilitators import factories as f
from tests.factories import UserFactory

S = CertificationState
pytestmark = pytest.mark.django_db


def check(certification, code, today=None):
    """Evaluate one guard on a freshly loaded certification, as pages and services do."""
    certification = selectors.certifications_with_records().get(pk=certification.pk)
    return guards.evaluate(code, workflow.as_of(certification, today))


def test_portfolio_complete_lists_the_missing_documents(programme):
    certification = f.apply(applicant_type="practitioner")
    result = check(certification, "portfolio_complete")
    assert not result.passed
    assert result.message == (
        "0 of 4 portfolio documents submitted; missing: Curriculum vitae, Letter of motivation, "
        "Evidence of work in gender equality, Letter of reference."
    )
    f.submit_portfolio(certification, skip={"reference"})
    assert check(certification, "portfolio_complete").message == (
        "3 of 4 portfolio documents submitted; missing: Letter of reference."
    )
    f.submit_portfolio(certification)
    assert check(certification, "portfolio_complete").passed


def test_portfolio_requirements_follow_the_applicant_type(programme):
    certification = f.apply(applicant_type="graduate")
    assert "Degree or transcript in gender studies" in check(certification, "portfolio_complete").message
    assert "Evidence of work" not in check(certification, "portfolio_complete").message


def test_portfolio_accepted_names_documents_awaiting_review_and_rejected(programme, cert_staff):
    certification = f.apply()
    assert check(certification, "portfolio_accepted").passed  # nothing submitted, nothing to review
    f.submit_portfolio(certification, skip={"motivation", "work_evidence"})
    documents = {d.requirement.code: d for d in certification.portfolio_documents.all()}
    services.portfolio_document_review(actor=cert_staff, document_id=documents["cv"].pk, accept=True)
    services.portfolio_document_review(
        actor=cert_staff, document_id=documents["reference"].pk, accept=False, comment="Unsigned"
    )
    assert check(certification, "portfolio_accepted").message == (
        "Letter of reference was rejected (Unsigned); submit it again."
    )
    f.submit_portfolio(certification, skip={"cv", "motivation", "work_evidence"})
    assert check(certification, "portfolio_accepted").message == "Letter of reference awaits review."
    f.accept_portfolio(certification, cert_staff)
    assert check(certification, "portfolio_accepted").passed


@pytest.mark.parametrize(
    ("code", "component", "values", "message"),
    [
        (
            "preliminary_work_done",
            "online_preliminary",
            {"hours_attended": 12},
            "Online preliminary work: 12 of 20 hours attended.",
        ),
        (
            "course_attended",
            "training_course",
            {"hours_attended": "32.5"},
            "Training course (residential or online): 32.5 of 40 hours attended.",
        ),
        ("assignments_passed", "assignments", {"score": 55}, "Assignments: score 55, pass mark 60."),
        ("exam_passed", "final_exam", {"score": 69}, "Final exam: score 69, pass mark 70."),
    ],
)
def test_training_guards(programme, cert_staff, code, component, values, message):
    certification = f.walk_to(S.IN_TRAINING, cert_staff)
    missing = check(certification, code)
    assert not missing.passed
    assert missing.message.endswith("no result recorded yet.")
    services.training_result_record(
        actor=cert_staff, certification_id=certification.pk, component_code=component, **values
    )
    assert check(certification, code).message == message
    f.record_training(certification, cert_staff)
    assert check(certification, code).passed


def test_practice_audits_done_counts_supervised_audits_in_counting_roles(programme, cert_staff):
    certification = f.walk_to(S.IN_PRACTICE, cert_staff)
    user, lena = certification.facilitator.user, UserFactory(first_name="Lena", last_name="Lead")
    assert check(certification, "practice_audits_done").message == (
        "0 of 2 supervised audits as co-facilitator or trainee facilitator."
    )
    f.practice_audit(user, lena)
    f.practice_audit(user, lena, role="expert")  # experts do not practise facilitation
    f.practice_audit(user, None, role="co_facilitator")  # unsupervised practice does not count
    assert check(certification, "practice_audits_done").message == (
        "1 of 2 supervised audits as co-facilitator or trainee facilitator."
    )
    f.practice_audit(user, lena, role="trainee_facilitator")
    assert check(certification, "practice_audits_done").passed


def test_practice_evaluated_says_whose_evaluation_is_pending(programme, cert_staff):
    certification = f.walk_to(S.IN_PRACTICE, cert_staff)
    user, lena = certification.facilitator.user, UserFactory(first_name="Lena", last_name="Lead")
    first = f.practice_audit(user, lena, title="Ministry of Social Policy")
    assert check(certification, "practice_evaluated").message == (
        "0 of 2 satisfactory evaluations; evaluation of “Ministry of Social Policy” pending from "
        "the lead facilitator, Lena Lead."
    )
    f.evaluate(
        first,
        score={
            **dict.fromkeys(["gender_analysis", "discrimination", "team_facilitation", "accountability"], 3),
            "advocacy": 2,
        },
    )
    assert check(certification, "practice_evaluated").message == (
        "0 of 2 satisfactory evaluations; Lena Lead rated “Ministry of Social Policy” below "
        "satisfactory on Advocacy and capacity-building strategies."
    )
    second = f.practice_audit(user, lena, title="Labour inspectorate")
    third = f.practice_audit(user, lena, title="Pension fund")
    f.evaluate(second)
    assert "1 of 2 satisfactory evaluations" in check(certification, "practice_evaluated").message
    f.evaluate(third, score=4)
    assert check(certification, "practice_evaluated").passed


def test_committee_certified_waits_for_the_decision_of_the_current_review(programme, cert_staff):
    certification = f.walk_to(S.UNDER_REVIEW, cert_staff)
    assert check(certification, "committee_certified").message == (
        "The certification committee has not decided on this review yet."
    )
    assert check(certification, "committee_asked_for_more_practice").message == (
        "The certification committee has not asked for more practice."
    )


def test_expiry_guards_read_the_dates(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    expires = certification.expires_on
    far = expires - datetime.timedelta(days=200)
    assert check(certification, "expiry_warning_due", far).message == (
        f"The certification expires on {expires.isoformat()}, more than 90 days away."
    )
    assert check(certification, "expiry_warning_due", expires - datetime.timedelta(days=90)).passed
    assert check(certification, "expiry_date_passed", far).message == (
        f"The certification is valid until its expiry on {expires.isoformat()}."
    )
    assert check(certification, "expiry_date_passed", expires).passed
    opens = expires - datetime.timedelta(days=90)
    assert check(certification, "renewal_window_open", far).message == (
        f"Renewal opens on {opens.isoformat()}, 90 days before the expiry on {expires.isoformat()}."
    )
    assert check(certification, "renewal_window_open", opens).passed


def test_renewal_guards_count_practice_and_contributions_since_certification(programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    user, start = certification.facilitator.user, certification.certified_on
    assert check(certification, "renewal_practice_done").message == (
        f"0 of 1 audit as lead facilitator or co-facilitator since {start.isoformat()}."
    )
    assert check(certification, "renewal_contributions_done").message == (
        f"0 of 1 contribution to the community of practice since {start.isoformat()}."
    )
    # Practice before the certification does not count toward its renewal.
    f.practice_audit(user, None, role="lead_facilitator", ended_on=start - datetime.timedelta(days=1))
    services.contribution_record(
        actor=cert_staff,
        user=user,
        kind="case_study",
        title="Old case study",
        contributed_on=start - datetime.timedelta(days=3),
    )
    assert not check(certification, "renewal_practice_done").passed
    assert not check(certification, "renewal_contributions_done").passed
    f.practice_audit(user, None, role="lead_facilitator", ended_on=start + datetime.timedelta(days=400))
    services.contribution_record(
        actor=cert_staff,
        user=user,
        kind="peer_session",
        title="Peer session on remote audits",
        contributed_on=start + datetime.timedelta(days=10),
    )
    assert check(certification, "renewal_practice_done").passed
    assert check(certification, "renewal_contributions_done").passed


def test_transition_options_list_every_guard_with_pass_and_fail(programme, cert_staff):
    certification = f.apply()
    certification = selectors.certifications_with_records().get(pk=certification.pk)
    options = {o.action: o for o in workflow.transition_options(certification, permitted=True)}
    assert set(options) == {"admit", "suspend", "withdraw"}
    admit = options["admit"]
    assert [c.code for c in admit.checks] == ["portfolio_complete", "portfolio_accepted"]
    assert [c.passed for c in admit.checks] == [False, True]
    assert not admit.allowed
    assert options["withdraw"].needs_reason and options["withdraw"].allowed
