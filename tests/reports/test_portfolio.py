"""Portfolio dashboards: figures on a hand-computed example, small groups hidden, who may see them,
only closed surveys' stored scores counted, no write on a read, and a number of queries that does
not grow with the number of audits."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audits import demo as audits_demo
from audits.models import TeamRole
from audits.surveys import services as surveys
from audits.surveys.models import Instrument, KeyAreaScore, Response, Survey, SurveyStatus
from reports import demo as reports_demo
from reports import portfolio
from reports.programme import PROGRAMME_MANAGERS_GROUP
from tests.factories import OrganizationFactory, UserFactory, add_member, certify, make_audit

PAGES = ["reports:portfolio", "reports:portfolio-regions", "reports:portfolio-expiring"]
ENDPOINTS = [
    "reports-api:portfolio-phases",
    "reports-api:portfolio-regions",
    "reports-api:portfolio-expiring",
]


def answered_survey(region: str, respondents: list[tuple[str, dict]], **audit_fields) -> Survey:
    """An open survey on the library questionnaire, answered, in an audit of an organization of `region`."""
    audit = make_audit(organization=OrganizationFactory(region=region), **audit_fields)
    add_member(audit, TeamRole.LEAD)
    survey = Survey.objects.create(
        audit=audit,
        instrument=Instrument.objects.get(code="pga-staff", audit__isnull=True),
        status=SurveyStatus.OPEN,
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    Response.objects.bulk_create(
        Response(survey=survey, submission_key=uuid.uuid4().hex, gender=gender, answers=answers)
        for gender, answers in respondents
    )
    return survey


def close(survey: Survey) -> Survey:
    """Close the survey as its lead does; the scoring task runs on commit (immediate task backend)."""
    lead = survey.audit.team.get(role=TeamRole.LEAD).user
    with TestCase.captureOnCommitCallbacks(execute=True):
        surveys.survey_close(actor=lead, audit=survey.audit)
    return survey


def closed_survey(region: str, respondents: list[tuple[str, dict]], **audit_fields) -> Survey:
    return close(answered_survey(region, respondents, **audit_fields))


@pytest.fixture
def manager(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=PROGRAMME_MANAGERS_GROUP))
    return user


@pytest.fixture
def two_regions(methodology, immediate_tasks):
    """North: 5 women scoring 3 on KA01, 5 men scoring 5 ("don't know" left out), 1 undisclosed
    scoring 1. South: 6 women scoring 2, 6 men scoring 4."""
    closed_survey(
        "North",
        [("woman", {"ka01_laws": "4", "ka01_debates": "2"})] * 5
        + [("man", {"ka01_laws": "5", "ka01_debates": "dk"})] * 5
        + [("undisclosed", {"ka01_laws": "1"})],
    )
    closed_survey("South", [("woman", {"ka01_laws": "2"})] * 6 + [("man", {"ka01_laws": "4"})] * 6)


def test_scores_by_region_follow_the_survey_scoring(two_regions):
    scores = portfolio.key_area_scores_by_region()
    assert scores.k == 5
    assert [row.region for row in scores.rows] == ["North", "South"]
    assert [code for code, _name in scores.key_areas] == ["KA01"]
    south = scores.rows[1].scores["KA01"]
    assert south.groups["woman"].value == pytest.approx(2.0)
    assert south.groups["man"].value == pytest.approx(4.0)
    assert south.overall.value == pytest.approx(3.0)
    assert south.groups["not_stated"].n == 0 and not south.groups["not_stated"].suppressed
    assert scores.rows[1].respondents.value == 12


def test_a_small_group_is_hidden_and_cannot_be_worked_out(two_regions):
    north = portfolio.key_area_scores_by_region().rows[0].scores["KA01"]
    # 1 undisclosed respondent: hidden; with the overall mean shown, one more group is hidden too.
    assert north.groups["not_stated"].suppressed and north.groups["not_stated"].value is None
    assert north.groups["woman"].suppressed and north.groups["woman"].value is None
    assert north.groups["man"].value == pytest.approx(5.0)
    assert north.overall.value == pytest.approx((5 * 3 + 5 * 5 + 1) / 11)


def test_the_api_and_the_page_show_the_marker_not_the_value(client, manager, two_regions):
    client.force_login(manager)
    data = client.get(reverse("reports-api:portfolio-regions")).json()
    north = data["regions"][0]["scores"][0]
    assert north["not_stated"] == {"value": None, "suppressed": True}
    assert north["man"] == {"value": 5.0, "suppressed": False}
    page = client.get(reverse("reports:portfolio-regions")).content.decode()
    assert 'data-group="not_stated">&lt;5</td>' in page
    assert 'data-group="man">5.00</td>' in page


def test_only_closed_surveys_with_stored_scores_are_counted(client, manager, methodology, immediate_tasks):
    closed_survey("East", [("woman", {"ka01_laws": "2"})] * 5)
    answered_survey("East", [("woman", {"ka01_laws": "5"})] * 5)  # still open
    imported = answered_survey("East", [("man", {"ka01_laws": "4"})] * 5)
    Survey.objects.filter(pk=imported.pk).update(status=SurveyStatus.CLOSED)  # closed by a mass import
    scores = portfolio.key_area_scores_by_region()
    assert (scores.surveys, scores.waiting) == (1, 1)
    assert scores.rows[0].scores["KA01"].overall.value == pytest.approx(2)
    client.force_login(manager)
    page = " ".join(client.get(reverse("reports:portfolio-regions")).content.decode().split())
    assert "Counted: 1 closed survey. Surveys still open are not counted." in page
    assert "1 closed survey is not counted yet: its scores have not been computed." in page
    data = client.get(reverse("reports-api:portfolio-regions")).json()
    assert (data["surveys"], data["surveys_waiting"]) == (1, 1)
    call_command("scoresurveys")
    scores = portfolio.key_area_scores_by_region()
    assert (scores.surveys, scores.waiting) == (2, 0)
    assert scores.rows[0].scores["KA01"].overall.value == pytest.approx(3)


@pytest.mark.parametrize("name", ["reports:portfolio-regions", "reports-api:portfolio-regions"])
def test_reading_the_dashboard_writes_nothing(client, manager, two_regions, name):
    client.force_login(manager)
    before = list(KeyAreaScore.objects.order_by("pk").values_list("pk", "respondents", "score_sum"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    writes = [
        q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert list(KeyAreaScore.objects.order_by("pk").values_list("pk", "respondents", "score_sum")) == before


def test_phase_counts_and_expiring_certifications(methodology):
    make_audit("selective")
    make_audit("selective")
    make_audit("comprehensive")
    today = timezone.localdate()
    soon, later = UserFactory(first_name="Soon", last_name="Due"), UserFactory()
    certify(
        soon,
        certified_on=today - datetime.timedelta(days=700),
        expires_on=today + datetime.timedelta(days=30),
    )
    certify(
        later,
        certified_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=400),
    )
    counts = {m.code: m for m in portfolio.phase_counts()}
    assert counts["selective"].total == 2 and counts["selective"].phases[0].count == 2
    assert counts["comprehensive"].total == 1
    assert [e.facilitator for e in portfolio.expiring_certifications()] == ["Soon Due"]
    assert len(portfolio.expiring_certifications(days=500)) == 2


@pytest.mark.parametrize("name", PAGES + ENDPOINTS)
def test_a_lead_facilitator_without_the_permission_is_refused(client, methodology, name):
    audit = make_audit()
    lead = add_member(audit, TeamRole.LEAD).user
    client.force_login(lead)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES + ENDPOINTS)
def test_programme_managers_see_the_portfolio(client, manager, two_regions, name):
    client.force_login(manager)
    assert client.get(reverse(name)).status_code == 200


def test_the_navigation_links_to_the_portfolio_only_for_those_allowed(client, manager, methodology):
    client.force_login(manager)
    assert reverse("reports:portfolio") in client.get(reverse("audits:dashboard")).content.decode()
    client.force_login(UserFactory())
    assert reverse("reports:portfolio") not in client.get(reverse("audits:dashboard")).content.decode()


def _portfolio(audits: int) -> None:
    for i in range(audits):
        closed_survey(f"Region {i % 7}", [("woman", {"ka01_laws": "3"}), ("man", {"ka02_budget": "4"})] * 3)
        certify(UserFactory(), expires_on=timezone.localdate() + datetime.timedelta(days=10 + i))


def _queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", PAGES + ENDPOINTS)
def test_the_number_of_queries_does_not_grow_with_the_audits(
    client, manager, methodology, immediate_tasks, name
):
    client.force_login(manager)
    _portfolio(2)
    small = _queries(client, name)
    _portfolio(18)
    assert _queries(client, name) == small


@pytest.fixture
def demo(immediate_tasks, demo_audit):
    """The demo's completed audit (tests/reports/conftest.py), loaded a second time over it."""
    names = ("lead", "cofacilitator", "expert", "coordinator")
    reports_demo.load_demo({user.username: user for user in User.objects.filter(username__in=names)})


def test_the_demo_programme_manager_sees_the_demo_survey_scores(client, demo):
    manager = User.objects.get(username="programme")
    assert manager.check_password(audits_demo.DEMO_PASSWORD) and portfolio.can_view_portfolio(manager)
    survey = Survey.objects.get(audit__title=reports_demo.TITLE)
    assert survey.status == SurveyStatus.CLOSED
    assert KeyAreaScore.objects.get(survey=survey, key_area="").respondents == 31
    client.force_login(manager)
    region = client.get(reverse("reports-api:portfolio-regions")).json()["regions"][0]
    assert region["surveys"] == 1 and region["respondents"] == {"value": 31, "suppressed": False}
    assert {scores["key_area"] for scores in region["scores"]} >= {"KA08", "KA09"}


@pytest.mark.parametrize(
    "selector",
    [
        portfolio.phase_counts,
        portfolio.key_area_scores_by_region,
        portfolio.expiring_certifications,
    ],
)
def test_every_dashboard_reads_from_the_reporting_database(settings, two_regions, selector):
    """With DATABASE_REPLICA_URL set the alias is "replica"; an unknown alias proves each read uses it."""
    from django.utils.connection import ConnectionDoesNotExist

    settings.REPORTING_DATABASE = "replica-not-configured"
    with pytest.raises(ConnectionDoesNotExist):
        selector()
