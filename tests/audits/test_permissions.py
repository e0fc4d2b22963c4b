"""Who may see and do what, over the API: the permission matrix as one table."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import Gender
from audits.models import Audit, PhaseTransition, TeamMember, TeamRole
from tests.factories import OrganizationFactory, StaffFactory, UserFactory, add_member, certify, make_audit

pytestmark = pytest.mark.django_db

LEAD_ONLY = "Only the audit's lead facilitator or a staff administrator can do this."
COORDINATOR_ONLY = "Only the audit's coordinator (focal point) or a staff administrator can do this."


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The factories set a password on every user; PBKDF2 would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    audit: Audit  # selective PGA of organization A, in its first phase
    sibling: Audit  # another audit of organization A, nobody of `audit`'s team on it
    other: Audit  # an audit of organization B
    people: dict
    organizations: dict


@pytest.fixture
def world(methodology) -> World:
    org_a, org_b, org_c = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    audit = make_audit("selective", organization=org_a)
    sibling = make_audit("comprehensive", organization=org_a)
    other = make_audit("selective", organization=org_b)
    people = {
        "anonymous": None,
        "unrelated": UserFactory(),
        "staff": StaffFactory(),
        "lead": add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user,
        "co_facilitator": add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN).user,
        "trainee": add_member(audit, TeamRole.TRAINEE).user,
        "coordinator": add_member(audit, TeamRole.COORDINATOR).user,
        "other_coordinator": add_member(other, TeamRole.COORDINATOR).user,
        "other_lead": add_member(other, TeamRole.LEAD).user,
    }
    add_member(sibling, TeamRole.LEAD)
    return World(audit, sibling, other, people, {"a": org_a, "b": org_b, "c": org_c})


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def request(world: World, endpoint: str, user):
    """Perform one endpoint of the matrix against `world.audit` as `user`."""
    base = f"/api/audits/{world.audit.pk}/"
    client = client_for(user)
    if endpoint == "list":
        return client.get("/api/audits/")
    if endpoint == "detail":
        return client.get(base)
    if endpoint == "team":
        return client.get(base + "team/")
    if endpoint == "team_add":
        newcomer = UserFactory(gender=Gender.MAN)
        return client.post(base + "team/", {"user": newcomer.username, "role": "expert"}, format="json")
    if endpoint == "key_areas_put":
        return client.put(base + "key-areas/", {"codes": ["KA01", "KA08"]}, format="json")
    if endpoint == "transitions":
        return client.get(base + "transitions/")
    if endpoint == "transition_post":
        return client.post(base + "transitions/", {"target": "on_hold", "comment": "Pause."}, format="json")
    if endpoint == "history":
        return client.get(base + "history/")
    if endpoint == "patch":
        return client.patch(base, {"title": "Renamed audit"}, format="json")
    if endpoint == "organizations":
        return client.get("/api/organizations/")
    raise AssertionError(endpoint)


ENDPOINTS = [
    "list",
    "detail",
    "team",
    "team_add",
    "key_areas_put",
    "transitions",
    "transition_post",
    "history",
    "patch",
    "organizations",
]
WRITES = {"team_add": 201, "key_areas_put": 200, "transition_post": 201, "patch": 200}
# Session authentication comes first and sends no WWW-Authenticate header, so DRF answers 403.
ANONYMOUS = dict.fromkeys(ENDPOINTS, 403)
SEES_ALL = dict.fromkeys(ENDPOINTS, 200) | WRITES
SEES_READ_ONLY = dict.fromkeys(ENDPOINTS, 200) | dict.fromkeys(WRITES, 403)
SEES_NOTHING = dict.fromkeys(ENDPOINTS, 404) | {"list": 200, "organizations": 200}

MATRIX = {
    "anonymous": ANONYMOUS,
    "unrelated": SEES_NOTHING,
    "staff": SEES_ALL,
    "lead": SEES_ALL,
    "co_facilitator": SEES_READ_ONLY,
    "trainee": SEES_READ_ONLY,
    "coordinator": SEES_READ_ONLY,
    "other_coordinator": SEES_NOTHING,
    "other_lead": SEES_NOTHING,
}
CASES = [(role, endpoint, expected[endpoint]) for role, expected in MATRIX.items() for endpoint in ENDPOINTS]


@pytest.mark.parametrize(("role", "endpoint", "expected"), CASES, ids=[f"{r}-{e}" for r, e, _ in CASES])
def test_permission_matrix(world, role, endpoint, expected):
    team_before = set(TeamMember.objects.filter(audit=world.audit).values_list("user_id", "role"))

    response = request(world, endpoint, world.people[role])

    assert response.status_code == expected, response.content
    audit = Audit.objects.get(pk=world.audit.pk)
    if endpoint in WRITES and expected >= 400:
        # A refused write changes nothing, and says why.
        assert "detail" in response.json()
        assert audit.title == "Selective audit"
        assert audit.phase == "request"
        assert audit.key_areas.count() == 0
        assert set(TeamMember.objects.filter(audit=audit).values_list("user_id", "role")) == team_before
        assert not PhaseTransition.objects.exists()
    if endpoint in WRITES and expected == 403:
        assert response.json()["detail"] == (
            "Authentication credentials were not provided." if role == "anonymous" else LEAD_ONLY
        )
    if expected == 404:
        assert response.json()["detail"] in {"No such audit.", "No Audit matches the given query."}
        # Not even the title leaks.
        assert "Selective audit" not in response.content.decode()
    if endpoint == "transition_post" and expected == 201:
        assert (audit.phase, audit.held_phase) == ("on_hold", "request")
        assert PhaseTransition.objects.get(audit=audit).actor == world.people[role]
    if endpoint == "patch" and expected == 200:
        assert audit.title == "Renamed audit"
    if endpoint == "key_areas_put" and expected == 200:
        assert sorted(audit.key_areas.values_list("code", flat=True)) == ["KA01", "KA08"]
    if endpoint == "team_add" and expected == 201:
        assert TeamMember.objects.filter(audit=audit, role="expert").count() == 1


def _ids(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "audits", "organizations"),
    [
        ("unrelated", set(), set()),
        ("staff", {"audit", "sibling", "other"}, {"a", "b", "c"}),
        ("lead", {"audit"}, {"a"}),
        ("co_facilitator", {"audit"}, {"a"}),
        ("trainee", {"audit"}, {"a"}),
        # The coordinator sees every audit of their organization, also those they are not on.
        ("coordinator", {"audit", "sibling"}, {"a"}),
        ("other_coordinator", {"other"}, {"b"}),
        ("other_lead", {"other"}, {"b"}),
    ],
)
def test_lists_contain_only_what_the_role_may_see(world, role, audits, organizations):
    client = client_for(world.people[role])
    audit_ids = {name: getattr(world, name).pk for name in ("audit", "sibling", "other")}

    assert _ids(client.get("/api/audits/")) == {audit_ids[name] for name in audits}
    assert _ids(client.get("/api/organizations/")) == {world.organizations[name].pk for name in organizations}
    for name, pk in audit_ids.items():
        expected = 200 if name in audits else 404
        assert client.get(f"/api/audits/{pk}/").status_code == expected, name


def test_coordinator_reads_a_sibling_audit_but_cannot_steer_it(world):
    client = client_for(world.people["coordinator"])
    url = f"/api/audits/{world.sibling.pk}/transitions/"

    options = client.get(url).json()
    assert options and all(o["permitted"] is False and o["allowed"] is False for o in options)

    response = client.post(url, {"target": "on_hold"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == LEAD_ONLY
    assert Audit.objects.get(pk=world.sibling.pk).phase == "request"


def test_readers_see_the_moves_but_not_as_permitted(world):
    lead_view = client_for(world.people["lead"]).get(f"/api/audits/{world.audit.pk}/transitions/").json()
    trainee_view = (
        client_for(world.people["trainee"]).get(f"/api/audits/{world.audit.pk}/transitions/").json()
    )

    assert [o["target"] for o in trainee_view] == [o["target"] for o in lead_view]
    assert all(o["permitted"] for o in lead_view)
    assert not any(o["permitted"] or o["allowed"] for o in trainee_view)


def test_team_member_endpoint_follows_the_same_rules(world):
    member = TeamMember.objects.get(audit=world.audit, role=TeamRole.TRAINEE)
    url = f"/api/audits/{world.audit.pk}/team/{member.pk}/"

    assert (
        client_for(world.people["other_lead"]).patch(url, {"role": "expert"}, format="json").status_code
        == 404
    )
    refused = client_for(world.people["co_facilitator"]).patch(url, {"role": "expert"}, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (403, LEAD_ONLY)
    assert client_for(world.people["coordinator"]).delete(url).status_code == 403
    assert TeamMember.objects.get(pk=member.pk).role == TeamRole.TRAINEE

    assert client_for(world.people["lead"]).patch(url, {"role": "expert"}, format="json").status_code == 200
    assert TeamMember.objects.get(pk=member.pk).role == TeamRole.EXPERT
    assert client_for(world.people["lead"]).delete(url).status_code == 204
    assert not TeamMember.objects.filter(pk=member.pk).exists()


# GEOSA: the organization's coordinator steers


@pytest.fixture
def geosa(methodology):
    organization = OrganizationFactory()
    audit = make_audit("geosa", organization=organization, planned_start=None, planned_end=None)
    coordinator = add_member(audit, TeamRole.COORDINATOR, gender=Gender.WOMAN).user
    member = add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN).user
    adviser = add_member(audit, TeamRole.LEAD).user
    return audit, coordinator, member, adviser


def test_geosa_coordinator_steers(geosa, methodology):
    audit, coordinator, _member, _adviser = geosa
    client = client_for(coordinator)
    base = f"/api/audits/{audit.pk}/"

    newcomer = UserFactory()
    assert (
        client.post(base + "team/", {"user": newcomer.username, "role": "expert"}, format="json").status_code
        == 201
    )
    assert client.put(base + "key-areas/", {"codes": ["KA08", "KA09"]}, format="json").status_code == 200
    assert client.patch(base, {"people_in_scope": 250}, format="json").status_code == 200
    # GEOSA's set-up also needs an accepted technical adviser (selfassessment's guard).
    from selfassessment import services as geosa_services

    adviser = UserFactory()
    certify(adviser)
    request = geosa_services.adviser_request(actor=coordinator, audit=audit, adviser=adviser.username)
    geosa_services.adviser_respond(actor=adviser, request=request, accept=True)

    options = client.get(base + "transitions/").json()
    advance = options[0]
    assert (advance["target"], advance["allowed"], advance["permitted"]) == ("team_training", True, True)

    response = client.post(base + "transitions/", {"target": "team_training"}, format="json")

    assert response.status_code == 201
    audit = Audit.objects.get(pk=audit.pk)
    assert audit.phase == "team_training"
    assert audit.people_in_scope == 250
    assert sorted(audit.key_areas.values_list("code", flat=True)) == ["KA08", "KA09"]
    assert PhaseTransition.objects.get(audit=audit).actor == coordinator


@pytest.mark.parametrize("who", ["member", "adviser"])
def test_geosa_others_on_the_team_only_read(geosa, who):
    audit, _coordinator, member, adviser = geosa
    client = client_for(member if who == "member" else adviser)
    base = f"/api/audits/{audit.pk}/"

    assert client.get(base).status_code == 200
    assert client.get(base + "history/").status_code == 200
    for response in (
        client.post(base + "transitions/", {"target": "on_hold"}, format="json"),
        client.put(base + "key-areas/", {"codes": ["KA01"]}, format="json"),
        client.patch(base, {"title": "Mine now"}, format="json"),
        client.post(base + "team/", {"user": UserFactory().username, "role": "expert"}, format="json"),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == COORDINATOR_ONLY
    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.phase, audit.title, audit.key_areas.count()) == ("setup", "Geosa audit", 0)


def test_geosa_is_invisible_to_another_organizations_coordinator(geosa, methodology):
    audit, *_ = geosa
    stranger = add_member(make_audit("geosa"), TeamRole.COORDINATOR).user
    client = client_for(stranger)

    assert client.get(f"/api/audits/{audit.pk}/").status_code == 404
    assert (
        client.post(f"/api/audits/{audit.pk}/transitions/", {"target": "on_hold"}, format="json").status_code
        == 404
    )
    assert audit.pk not in _ids(client.get("/api/audits/"))


# Starting an audit


@pytest.mark.parametrize(
    ("modality", "first_phase", "steers"),
    [("selective", "request", False), ("comprehensive", "request", False), ("geosa", "setup", True)],
)
def test_a_coordinator_starts_an_audit_of_their_organization(world, modality, first_phase, steers):
    coordinator = world.people["coordinator"]
    client = client_for(coordinator)

    response = client.post(
        "/api/audits/",
        {"title": "Requested", "organization": world.organizations["a"].pk, "modality_code": modality},
        format="json",
    )

    assert response.status_code == 201, response.content
    audit = Audit.objects.get(pk=response.json()["id"])
    assert list(audit.team.values_list("user", "role")) == [(coordinator.pk, TeamRole.COORDINATOR)]
    # For a facilitated audit the coordinator only reads; a GEOSA they steer.
    moved = client.post(f"/api/audits/{audit.pk}/transitions/", {"target": "on_hold"}, format="json")
    assert moved.status_code == (201 if steers else 403)
    assert Audit.objects.get(pk=audit.pk).phase == ("on_hold" if steers else first_phase)


@pytest.mark.parametrize("role", ["coordinator", "other_lead", "unrelated"])
def test_nobody_starts_an_audit_for_an_organization_they_have_no_role_in(world, role):
    response = client_for(world.people[role]).post(
        "/api/audits/",
        {"title": "Uninvited", "organization": world.organizations["c"].pk, "modality_code": "geosa"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["organization"][0].startswith("You cannot start an audit for this organization")
    assert not Audit.objects.filter(title="Uninvited").exists()
