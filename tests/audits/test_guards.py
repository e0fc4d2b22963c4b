"""The named exit guards: each one's failing message a person can act on, and when it passes."""

import datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import Gender
from audits import guards, workflow
from audits.models import Audit, PhaseTransition, TeamRole
from tests.factories import add_member, certify, make_audit, ready_selective_team

pytestmark = pytest.mark.django_db

SIZE_NOTE = "(trainees and the coordinator do not count)."
GENDER_NO_MAN = (
    "The facilitation team has no man; the methodology asks for both women and men. "
    "Add a member, or proceed with a reason."
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The factories set a password on every user; PBKDF2 would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def check(code: str, audit: Audit, severity: str = workflow.BLOCK) -> workflow.GuardCheck:
    return guards.evaluate(code, Audit.objects.get(pk=audit.pk), severity)


def assert_fails(code: str, audit: Audit, message: str) -> None:
    result = check(code, audit)
    assert (result.passed, result.message) == (False, message)
    assert result.blocks


def assert_passes(code: str, audit: Audit) -> None:
    result = check(code, audit)
    assert (result.passed, result.message) == (True, "")
    assert not result.blocks
    assert not result.warns


def _in_preparation(audit: Audit) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(phase="preparation")
    return Audit.objects.get(pk=audit.pk)


def test_every_guard_the_library_names_is_registered(methodology):
    named = {
        spec["code"]
        for modality in methodology.modalities.all()
        for phase in modality.phases.all()
        for spec in phase.exit_guards
    }
    assert named >= {
        "has_coordinator",
        "team_has_lead",
        "team_size_fits",
        "team_gender_balance",
        "key_areas_fit",
        "people_in_scope_fit",
        "planned_dates_set",
        "duration_fits",
    }
    assert named <= set(guards.REGISTRY)


# has_coordinator, team_has_lead


def test_has_coordinator(methodology):
    audit = make_audit("selective")
    add_member(audit, TeamRole.LEAD)
    assert_fails("has_coordinator", audit, "Add the organization's coordinator (focal point) to the team.")

    add_member(audit, TeamRole.COORDINATOR)
    assert_passes("has_coordinator", audit)


def test_team_has_lead(methodology):
    audit = make_audit("selective")
    add_member(audit, TeamRole.CO_FACILITATOR)
    add_member(audit, TeamRole.COORDINATOR)
    assert_fails("team_has_lead", audit, "The team has no lead facilitator; give one member that role.")

    add_member(audit, TeamRole.LEAD)
    assert_passes("team_has_lead", audit)


# team_size_fits


def test_team_size_message_for_a_selective_team_of_one(methodology):
    audit = make_audit("selective")
    add_member(audit, TeamRole.LEAD)

    assert_fails(
        "team_size_fits",
        audit,
        "The team has 1 facilitator or expert; a Selective PGA needs 2–4 "
        "(trainees and the coordinator do not count).",
    )


def test_trainees_and_the_coordinator_do_not_count_toward_team_size(methodology):
    audit = make_audit("selective")
    add_member(audit, TeamRole.LEAD)
    for _ in range(3):
        add_member(audit, TeamRole.TRAINEE)
    add_member(audit, TeamRole.COORDINATOR)

    assert_fails(
        "team_size_fits",
        audit,
        f"The team has 1 facilitator or expert; a Selective PGA needs 2–4 {SIZE_NOTE}",
    )

    add_member(audit, TeamRole.EXPERT)
    assert_passes("team_size_fits", audit)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([], f"The team has 0 facilitators and experts; a Selective PGA needs 2–4 {SIZE_NOTE}"),
        ([TeamRole.LEAD, TeamRole.CO_FACILITATOR], None),
        ([TeamRole.LEAD, TeamRole.EXPERT, TeamRole.EXPERT, TeamRole.CO_FACILITATOR], None),
        (
            [TeamRole.LEAD, *[TeamRole.CO_FACILITATOR] * 4],
            f"The team has 5 facilitators and experts; a Selective PGA needs 2–4 {SIZE_NOTE}",
        ),
    ],
    ids=["empty", "two", "four", "five"],
)
def test_selective_team_size_bounds(methodology, roles, message):
    audit = make_audit("selective")
    for role in roles:
        add_member(audit, role)
    if message is None:
        assert_passes("team_size_fits", audit)
    else:
        assert_fails("team_size_fits", audit, message)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (7, f"The team has 7 facilitators and experts; a Comprehensive PGA needs 8–10 {SIZE_NOTE}"),
        (8, None),
        (10, None),
        (11, f"The team has 11 facilitators and experts; a Comprehensive PGA needs 8–10 {SIZE_NOTE}"),
    ],
)
def test_comprehensive_team_size_bounds(methodology, size, message):
    audit = make_audit("comprehensive")
    add_member(audit, TeamRole.LEAD)
    for _ in range(size - 1):
        add_member(audit, TeamRole.EXPERT)
    if message is None:
        assert_passes("team_size_fits", audit)
    else:
        assert_fails("team_size_fits", audit, message)


def test_geosa_has_no_team_size_limit(methodology):
    audit = make_audit("geosa")
    assert_passes("team_size_fits", audit)


# team_gender_balance


def test_gender_balance_names_what_is_missing(methodology):
    audit = make_audit("selective")
    message = (
        "The facilitation team has no woman and no man; the methodology asks for both women and men. "
        "Add a member, or proceed with a reason."
    )
    assert_fails("team_gender_balance", audit, message)

    add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN)
    add_member(audit, TeamRole.EXPERT, gender=Gender.UNDISCLOSED)
    assert_fails("team_gender_balance", audit, GENDER_NO_MAN)

    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN)
    assert_passes("team_gender_balance", audit)


def test_a_male_coordinator_does_not_balance_the_facilitation_team(methodology):
    audit = make_audit("selective")
    add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN)
    add_member(audit, TeamRole.COORDINATOR, gender=Gender.MAN)
    assert_fails("team_gender_balance", audit, GENDER_NO_MAN)


def test_a_male_trainee_is_part_of_the_facilitation_team(methodology):
    audit = make_audit("selective")
    add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN)
    add_member(audit, TeamRole.TRAINEE, gender=Gender.MAN)
    assert_passes("team_gender_balance", audit)


def test_gender_balance_is_a_warning_in_preparation(methodology):
    audit = make_audit("selective")
    add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN)
    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.WOMAN)
    add_member(audit, TeamRole.COORDINATOR, gender=Gender.MAN)
    audit.key_areas.set(methodology.key_areas.filter(code="KA03"))
    audit = _in_preparation(audit)

    (advance, *_rest) = workflow.transition_options(audit, permitted=True)

    assert advance.target == "desk_review"
    assert advance.blocking == []
    assert [(c.code, c.severity, c.message) for c in advance.warnings] == [
        ("team_gender_balance", "warning", GENDER_NO_MAN)
    ]
    assert advance.allowed is True
    assert workflow.exit_guards_pass(audit) is True


# key_areas_fit


def test_comprehensive_must_cover_all_twelve_key_areas(methodology):
    audit = make_audit("comprehensive")
    audit.key_areas.set(methodology.key_areas.exclude(code="KA05"))
    assert_fails("key_areas_fit", audit, "11 of 12 key areas selected; a Comprehensive PGA covers all 12.")

    audit.key_areas.set(methodology.key_areas.all())
    assert_passes("key_areas_fit", audit)


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (0, "0 key areas selected; a Selective PGA covers 1–11."),
        (1, None),
        (11, None),
        (12, "12 key areas selected; a Selective PGA covers 1–11."),
    ],
)
def test_selective_key_areas_are_a_selection(methodology, count, message):
    audit = make_audit("selective")
    audit.key_areas.set(methodology.key_areas.order_by("order")[:count])
    if message is None:
        assert_passes("key_areas_fit", audit)
    else:
        assert_fails("key_areas_fit", audit, message)


def test_geosa_needs_at_least_one_key_area(methodology):
    audit = make_audit("geosa")
    assert_fails("key_areas_fit", audit, "0 key areas selected; a GEOSA self-assessment covers at least 1.")
    audit.key_areas.set(methodology.key_areas.all())
    assert_passes("key_areas_fit", audit)


# people_in_scope_fit


def test_comprehensive_people_in_scope_limit(methodology):
    audit = make_audit("comprehensive", people_in_scope=101)
    assert_fails(
        "people_in_scope_fit",
        audit,
        "101 people in scope; a Comprehensive PGA covers at most 100 per organization or unit. "
        "Narrow the scope to a unit or choose another modality.",
    )
    Audit.objects.filter(pk=audit.pk).update(people_in_scope=100)
    assert_passes("people_in_scope_fit", audit)


@pytest.mark.parametrize("modality", ["comprehensive", "selective", "geosa"])
def test_people_in_scope_must_be_set(methodology, modality):
    audit = make_audit(modality, people_in_scope=None)
    assert_fails("people_in_scope_fit", audit, "Set the number of people in scope.")


def test_selective_has_no_people_in_scope_limit(methodology):
    audit = make_audit("selective", people_in_scope=5000)
    assert_passes("people_in_scope_fit", audit)


# planned_dates_set, duration_fits


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), (datetime.date(2027, 1, 10), None), (None, datetime.date(2027, 3, 10))],
)
def test_planned_dates_missing(methodology, start, end):
    audit = make_audit("selective", planned_start=start, planned_end=end)
    assert_fails("planned_dates_set", audit, "Set the planned start and end dates.")
    assert_passes("duration_fits", audit)


def test_planned_dates_set(methodology):
    audit = make_audit("selective")
    assert_passes("planned_dates_set", audit)


@pytest.mark.parametrize(
    ("modality", "end", "message"),
    [
        (
            "comprehensive",
            datetime.date(2027, 3, 10),
            "The plan spans 1.9 months; a Comprehensive PGA usually takes 2–6 months.",
        ),
        ("comprehensive", datetime.date(2027, 4, 10), None),
        ("comprehensive", datetime.date(2027, 7, 10), None),
        (
            "comprehensive",
            datetime.date(2027, 9, 10),
            "The plan spans 8.0 months; a Comprehensive PGA usually takes 2–6 months.",
        ),
        ("selective", datetime.date(2027, 3, 10), None),
        (
            "selective",
            datetime.date(2027, 12, 10),
            "The plan spans 11.0 months; a Selective PGA usually takes 1–3 months.",
        ),
        ("geosa", datetime.date(2029, 1, 10), None),
    ],
)
def test_duration_fits(methodology, modality, end, message):
    audit = make_audit(modality, planned_start=datetime.date(2027, 1, 10), planned_end=end)
    if message is None:
        assert_passes("duration_fits", audit)
    else:
        result = check("duration_fits", audit, workflow.WARNING)
        assert (result.passed, result.message, result.warns, result.blocks) == (False, message, True, False)


# All of preparation's guards, as the transitions API shows them


def _get_transitions(audit, user):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/audits/{audit.pk}/transitions/")
    assert response.status_code == 200
    return response.json()


def test_transitions_api_lists_blocking_guards_and_warnings(methodology):
    audit = make_audit(
        "comprehensive",
        people_in_scope=140,
        planned_start=datetime.date(2027, 1, 10),
        planned_end=datetime.date(2027, 2, 10),
    )
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    add_member(audit, TeamRole.TRAINEE, gender=Gender.WOMAN)
    add_member(audit, TeamRole.COORDINATOR, gender=Gender.MAN)
    audit.key_areas.set(methodology.key_areas.filter(code__in=["KA01", "KA02"]))
    audit = _in_preparation(audit)

    options = _get_transitions(audit, lead)

    assert [(o["action"], o["target"]) for o in options] == [
        ("advance", "desk_review"),
        ("hold", "on_hold"),
        ("cancel", "cancelled"),
    ]
    advance = options[0]
    assert advance["label"] == "Move to Desk review"
    assert (advance["allowed"], advance["permitted"], advance["needs_reason"]) == (False, True, False)
    assert [check["code"] for check in advance["checks"]] == [
        "team_has_lead",
        "lead_certified",
        "team_size_fits",
        "team_gender_balance",
        "key_areas_fit",
        "people_in_scope_fit",
        "planned_dates_set",
        "duration_fits",
    ]
    assert [(c["code"], c["message"]) for c in advance["blocking"]] == [
        (
            "team_size_fits",
            f"The team has 1 facilitator or expert; a Comprehensive PGA needs 8–10 {SIZE_NOTE}",
        ),
        ("key_areas_fit", "2 of 12 key areas selected; a Comprehensive PGA covers all 12."),
        (
            "people_in_scope_fit",
            "140 people in scope; a Comprehensive PGA covers at most 100 per organization or unit. "
            "Narrow the scope to a unit or choose another modality.",
        ),
    ]
    assert all(c["severity"] == "block" and c["passed"] is False for c in advance["blocking"])
    assert [(c["code"], c["severity"], c["message"]) for c in advance["warnings"]] == [
        ("team_gender_balance", "warning", GENDER_NO_MAN),
        (
            "duration_fits",
            "warning",
            "The plan spans 1.0 months; a Comprehensive PGA usually takes 2–6 months.",
        ),
    ]
    passing = {c["code"]: c for c in advance["checks"] if c["passed"]}
    assert set(passing) == {"team_has_lead", "lead_certified", "planned_dates_set"}
    assert passing["team_has_lead"]["label"] == "The team has a lead facilitator"
    assert passing["team_has_lead"]["message"] == ""
    cancel = options[2]
    assert (cancel["allowed"], cancel["needs_reason"], cancel["checks"]) == (True, True, [])


def test_transitions_api_in_request_shows_the_missing_coordinator(methodology):
    audit = make_audit("selective")
    lead = add_member(audit, TeamRole.LEAD).user

    advance = _get_transitions(audit, lead)[0]

    assert advance["target"] == "preparation"
    assert advance["allowed"] is False
    assert [c["message"] for c in advance["blocking"]] == [
        "Add the organization's coordinator (focal point) to the team."
    ]


def test_transitions_api_for_a_ready_audit_is_allowed(methodology):
    audit = make_audit("selective")
    lead = ready_selective_team(audit).user
    audit.key_areas.set(methodology.key_areas.filter(code="KA07"))
    audit = _in_preparation(audit)

    advance = _get_transitions(audit, lead)[0]

    assert advance["allowed"] is True
    assert advance["blocking"] == []
    assert advance["warnings"] == []
    assert all(check["passed"] for check in advance["checks"])


def test_gender_warning_over_the_api_needs_and_records_an_override(methodology):
    audit = make_audit("selective")
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.MAN).user
    add_member(audit, TeamRole.EXPERT, gender=Gender.MAN)
    add_member(audit, TeamRole.COORDINATOR, gender=Gender.WOMAN)
    audit.key_areas.set(methodology.key_areas.filter(code="KA07"))
    audit = _in_preparation(audit)
    client = APIClient()
    client.force_authenticate(lead)
    url = f"/api/audits/{audit.pk}/transitions/"

    refused = client.post(url, {"target": "desk_review"}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Give a reason to proceed despite the warnings.",
        "problems": [
            "The facilitation team has no woman; the methodology asks for both women and men. "
            "Add a member, or proceed with a reason."
        ],
    }
    assert Audit.objects.get(pk=audit.pk).phase == "preparation"

    accepted = client.post(
        url,
        {"target": "desk_review", "override_reason": "The only available women withdrew."},
        format="json",
    )

    assert accepted.status_code == 201
    body = accepted.json()
    assert (body["from_phase"], body["to_phase"]) == ("preparation", "desk_review")
    assert body["override_reason"] == "The only available women withdrew."
    assert body["overridden_warnings"] == ["team_gender_balance"]
    record = PhaseTransition.objects.get(audit=audit)
    assert (record.override_reason, record.overridden_warnings, record.actor_id) == (
        "The only available women withdrew.",
        ["team_gender_balance"],
        lead.pk,
    )
    assert Audit.objects.get(pk=audit.pk).phase == "desk_review"


def test_a_blocked_move_over_the_api_lists_every_failing_guard(methodology):
    audit = make_audit("selective", people_in_scope=None)
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    add_member(audit, TeamRole.EXPERT, gender=Gender.MAN)
    audit = _in_preparation(audit)
    client = APIClient()
    client.force_authenticate(lead)

    response = client.post(
        f"/api/audits/{audit.pk}/transitions/",
        {"target": "desk_review", "override_reason": "Please."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The audit cannot move to Desk review yet.",
        "problems": [
            "0 key areas selected; a Selective PGA covers 1–11.",
            "Set the number of people in scope.",
        ],
    }
    assert not PhaseTransition.objects.exists()


def test_no_guards_are_evaluated_on_hold(methodology):
    audit = make_audit("selective")
    Audit.objects.filter(pk=audit.pk).update(phase="on_hold", held_phase="request")
    assert workflow.evaluate_exit_guards(Audit.objects.get(pk=audit.pk)) == []


def test_lead_certified_names_the_lead_and_what_is_wrong(methodology):
    from facilitators.selectors import display_name

    audit = make_audit("selective", planned_start=datetime.date(2027, 1, 10))
    lead = add_member(audit, TeamRole.LEAD, certified=False).user
    name = display_name(lead)
    assert guards.evaluate("lead_certified", audit, "block").message == (
        f"{name} holds no facilitator certification."
    )

    certify(lead, certified_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2025, 1, 1))
    assert guards.evaluate("lead_certified", audit, "block").message == (
        f"{name}'s certification expired on 2025-01-01; renew it before this audit starts."
    )


def test_lead_certified_checks_the_planned_start_date(methodology):
    audit = make_audit("selective", planned_start=datetime.date(2027, 1, 10))
    lead = add_member(audit, TeamRole.LEAD, certified=False).user
    certify(lead, certified_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2027, 1, 10))
    check = guards.evaluate("lead_certified", audit, "block")
    assert not check.passed
    assert "expires on 2027-01-10, before this audit starts" in check.message

    Audit.objects.filter(pk=audit.pk).update(planned_start=datetime.date(2027, 1, 9))
    audit.refresh_from_db()
    assert guards.evaluate("lead_certified", audit, "block").passed


def test_lead_certified_without_a_lead_asks_for_one(methodology):
    audit = make_audit("selective")
    assert guards.evaluate("lead_certified", audit, "block").message == (
        "Name a lead facilitator; their certification is checked against the start date."
    )
