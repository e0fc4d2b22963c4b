"""The REST API: creation, filters, team and key areas, scope rules, errors, schema, docs and query counts."""

import datetime
import re

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate as validate_openapi
from rest_framework.test import APIClient

from accounts.models import Gender
from audits.models import Audit, PhaseTransition, TeamMember, TeamRole
from tests.factories import (
    OrganizationFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
    add_member,
    make_audit,
    ready_selective_team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The factories set a password on every user; PBKDF2 would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff():
    return StaffFactory()


def client_for(user) -> APIClient:
    # raise_request_exception=False: a server error must show up as a 500, not as a test crash.
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(staff) -> APIClient:
    return client_for(staff)


def _set_phase(audit: Audit, phase: str) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(phase=phase)
    return Audit.objects.get(pk=audit.pk)


# Creation


def test_create_an_audit(methodology, api, staff):
    organization = OrganizationFactory()
    unit = UnitFactory(organization=organization)

    response = api.post(
        "/api/audits/",
        {
            "title": "  Ministry HR department  ",
            "organization": organization.pk,
            "unit": unit.pk,
            "modality_code": "selective",
            "people_in_scope": 35,
            "planned_start": "2027-02-01",
            "planned_end": "2027-04-01",
            "delivery": "hybrid",
            "language": "fr",
            "phase": "closed",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    audit = Audit.objects.get()
    assert body["id"] == audit.pk
    assert body["title"] == "Ministry HR department"
    assert (body["modality"], body["methodology_version"]) == ("selective", "2026.1")
    assert (body["phase"], body["phase_label"]) == ("request", "Request and commitment")
    assert (body["organization"], body["unit"], body["people_in_scope"]) == (organization.pk, unit.pk, 35)
    assert audit.phase == "request"
    assert audit.modality.methodology == methodology
    assert (audit.planned_start, audit.planned_end) == (datetime.date(2027, 2, 1), datetime.date(2027, 4, 1))
    assert (audit.delivery, audit.language, audit.created_by) == ("hybrid", "fr", staff)
    # Staff create without joining the team.
    assert not audit.team.exists()


def test_a_facilitator_who_creates_an_audit_leads_it(methodology):
    facilitator = UserFactory()
    facilitator.user_permissions.add(Permission.objects.get(codename="add_audit"))
    organization = OrganizationFactory(registered_by=facilitator)  # the register is closed otherwise

    response = client_for(facilitator).post(
        "/api/audits/",
        {"title": "Unit audit", "organization": organization.pk, "modality_code": "selective"},
        format="json",
    )

    assert response.status_code == 201, response.content
    audit = Audit.objects.get()
    assert list(audit.team.values_list("user", "role")) == [(facilitator.pk, TeamRole.LEAD)]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": None}, "title", "This field is required."),
        ({"title": ""}, "title", "This field may not be blank."),
        ({"modality_code": "audit"}, "modality_code", '"audit" is not a modality of the current methodology'),
        ({"modality_code": None}, "modality_code", "This field is required."),
        ({"organization": "abc"}, "organization", "Incorrect type. Expected pk value, received str."),
        ({"planned_start": "2027-13-45"}, "planned_start", None),
        ({"delivery": "teleport"}, "delivery", '"teleport" is not a valid choice.'),
    ],
)
def test_create_with_bad_fields_is_refused_and_stores_nothing(methodology, api, change, field, message):
    payload = {"title": "Audit", "organization": OrganizationFactory().pk, "modality_code": "selective"}
    payload.update(change)
    payload = {key: value for key, value in payload.items() if value is not None}

    response = api.post("/api/audits/", payload, format="json")

    assert response.status_code == 400
    body = response.json()
    errors = body[field]
    assert errors and all(isinstance(error, str) and error for error in errors)
    assert body["detail"].startswith("Invalid input: ") and field in body["detail"]
    if message is not None:
        assert len(errors) == 1 and errors[0].startswith(message)
    assert Audit.objects.count() == 0


def test_create_with_the_end_before_the_start_is_refused(methodology, api):
    response = api.post(
        "/api/audits/",
        {
            "title": "Backwards",
            "organization": OrganizationFactory().pk,
            "modality_code": "comprehensive",
            "planned_start": "2027-05-01",
            "planned_end": "2027-04-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Please correct the highlighted values.",
        "problems": ["The planned end cannot be before the planned start."],
    }
    assert Audit.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("people_in_scope", 0, "People in scope must be at least 1."),
        ("min_group_size", 2, "The minimum group size cannot be below 3."),
    ],
)
def test_create_with_values_the_constraints_forbid(methodology, api, field, value, problem):
    response = api.post(
        "/api/audits/",
        {"title": "A", "organization": OrganizationFactory().pk, "modality_code": "selective", field: value},
        format="json",
    )

    assert response.status_code == 400
    assert problem in response.json()["problems"]
    assert Audit.objects.count() == 0


def test_create_with_a_unit_of_another_organization_is_refused(methodology, api):
    organization = OrganizationFactory(name="Ministry of Health")
    stranger_unit = UnitFactory(name="Finance")

    response = api.post(
        "/api/audits/",
        {
            "title": "A",
            "organization": organization.pk,
            "unit": stranger_unit.pk,
            "modality_code": "selective",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "The unit Finance does not belong to Ministry of Health."
    assert Audit.objects.count() == 0


def test_create_before_the_library_is_loaded_says_what_to_do(db, api):
    response = api.post(
        "/api/audits/",
        {"title": "A", "organization": OrganizationFactory().pk, "modality_code": "selective"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["modality_code"] == [
        "No methodology library is loaded yet; run manage.py loadmethodology first."
    ]
    assert Audit.objects.count() == 0


def test_a_user_without_a_role_cannot_create_for_an_organization(methodology):
    organization = OrganizationFactory()

    response = client_for(UserFactory()).post(
        "/api/audits/",
        {"title": "A", "organization": organization.pk, "modality_code": "selective"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["organization"][0].startswith("You cannot start an audit for this organization")
    assert Audit.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("{not json", "application/json"), ('["a list"]', "application/json")],
)
def test_malformed_bodies_are_client_errors(methodology, api, body, content_type):
    audit = make_audit()
    for url in ("/api/audits/", f"/api/audits/{audit.pk}/transitions/", f"/api/audits/{audit.pk}/team/"):
        response = api.generic("POST", url, body, content_type=content_type)
        assert response.status_code == 400, url
        assert response.json()
    assert Audit.objects.count() == 1


# Filters


@pytest.fixture
def three_audits(methodology):
    ministry, agency = OrganizationFactory(), OrganizationFactory()
    selective = make_audit("selective", organization=ministry)
    geosa = make_audit("geosa", organization=ministry)
    comprehensive = _set_phase(make_audit("comprehensive", organization=agency), "fieldwork")
    return {"selective": selective, "geosa": geosa, "comprehensive": comprehensive}


def _listed(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_filter_by_phase(api, three_audits):
    assert _listed(api.get("/api/audits/", {"phase": "fieldwork"})) == {three_audits["comprehensive"].pk}
    assert _listed(api.get("/api/audits/", {"phase": "request"})) == {three_audits["selective"].pk}
    assert _listed(api.get("/api/audits/", {"phase": "no_such_phase"})) == set()


def test_filter_by_modality(api, three_audits):
    assert _listed(api.get("/api/audits/", {"modality": "geosa"})) == {three_audits["geosa"].pk}
    assert _listed(api.get("/api/audits/", {"modality": "unknown"})) == set()


def test_filter_by_organization(api, three_audits):
    ministry = three_audits["selective"].organization_id
    assert _listed(api.get("/api/audits/", {"organization": ministry})) == {
        three_audits["selective"].pk,
        three_audits["geosa"].pk,
    }
    assert _listed(api.get("/api/audits/", {"organization": ministry, "modality": "selective"})) == {
        three_audits["selective"].pk
    }
    assert _listed(api.get("/api/audits/")) == {audit.pk for audit in three_audits.values()}


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1 OR 1=1", "²", "١٢", "99999999999999999999999"])
def test_a_bad_organization_filter_matches_nothing_and_never_fails(api, three_audits, value):
    assert _listed(api.get("/api/audits/", {"organization": value})) == set()


@pytest.mark.parametrize("name", ["phase", "modality"])
def test_a_filter_with_a_nul_byte_matches_nothing_and_never_fails(api, three_audits, name):
    """PostgreSQL refuses NUL in a query: schemathesis found the 500 this used to give there."""
    assert _listed(api.get("/api/audits/", {name: "request\x00"})) == set()


def test_an_empty_filter_filters_nothing_like_the_other_filters(api, three_audits):
    everything = {audit.pk for audit in three_audits.values()}
    assert _listed(api.get("/api/audits/", {"organization": ""})) == everything
    assert _listed(api.get("/api/audits/", {"phase": ""})) == everything


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999999"])
def test_a_bad_methodology_filter_on_key_areas_never_fails(methodology, api, value):
    response = api.get("/api/key-areas/", {"methodology": value})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]][:2] == ["KA01", "KA02"]


@pytest.mark.parametrize("path", ["abc", "99999999999999999999999", "0"])
def test_unknown_audit_ids_are_not_found(methodology, api, path):
    for suffix in ("", "team/", "history/", "transitions/", "key-areas/"):
        response = api.get(f"/api/audits/{path}/{suffix}")
        assert response.status_code == 404, suffix
        assert "detail" in response.json()


# Team


@pytest.fixture
def selective(methodology):
    audit = make_audit("selective")
    lead = ready_selective_team(audit).user
    return audit, lead


def test_add_a_team_member(selective):
    audit, lead = selective
    newcomer = UserFactory(username="amira", first_name="Amira", last_name="Haddad", gender=Gender.WOMAN)

    response = client_for(lead).post(
        f"/api/audits/{audit.pk}/team/", {"user": "amira", "role": "trainee_facilitator"}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["user"], body["name"], body["gender"], body["role"]) == (
        "amira",
        "Amira Haddad",
        "woman",
        "trainee_facilitator",
    )
    assert TeamMember.objects.get(audit=audit, user=newcomer).role == TeamRole.TRAINEE
    team = client_for(lead).get(f"/api/audits/{audit.pk}/team/").json()
    assert "amira" in {row["user"] for row in team}
    assert len(team) == 4


def test_add_an_unknown_username(selective):
    audit, lead = selective
    response = client_for(lead).post(
        f"/api/audits/{audit.pk}/team/", {"user": "ghost", "role": "expert"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["user"] == ["Object with username=ghost does not exist."]
    assert audit.team.count() == 3


def test_add_an_unknown_role(selective):
    audit, lead = selective
    UserFactory(username="amira")
    response = client_for(lead).post(
        f"/api/audits/{audit.pk}/team/", {"user": "amira", "role": "boss"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["role"] == ['"boss" is not a valid choice.']
    assert audit.team.count() == 3


def test_add_someone_already_on_the_team(selective):
    audit, lead = selective
    member = audit.team.get(role=TeamRole.CO_FACILITATOR).user

    response = client_for(lead).post(
        f"/api/audits/{audit.pk}/team/", {"user": member.username, "role": "expert"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == f"{member} is already on the team."
    assert audit.team.get(user=member).role == TeamRole.CO_FACILITATOR
    assert audit.team.count() == 3


def test_add_a_second_lead(selective):
    audit, lead = selective
    UserFactory(username="second")

    response = client_for(lead).post(
        f"/api/audits/{audit.pk}/team/", {"user": "second", "role": "lead_facilitator"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == f"{lead} is already the lead facilitator; change their role first."
    assert list(audit.team.filter(role=TeamRole.LEAD).values_list("user", flat=True)) == [lead.pk]


def test_promote_a_member_to_a_second_lead_via_role_change(selective):
    audit, lead = selective
    member = audit.team.get(role=TeamRole.CO_FACILITATOR)

    response = client_for(lead).patch(
        f"/api/audits/{audit.pk}/team/{member.pk}/", {"role": "lead_facilitator"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == f"{lead} is already the lead facilitator; change their role first."
    assert TeamMember.objects.get(pk=member.pk).role == TeamRole.CO_FACILITATOR


# Key areas


def test_put_key_areas(selective):
    audit, lead = selective

    response = client_for(lead).put(
        f"/api/audits/{audit.pk}/key-areas/", {"codes": ["ka08", " KA02 ", "KA08"]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert [row["code"] for row in response.json()] == ["KA02", "KA08"]
    assert response.json()[1]["title"] == (
        "Staffing and human resources: balance between women and men, gender-friendly policies"
    )
    assert sorted(audit.key_areas.values_list("code", flat=True)) == ["KA02", "KA08"]
    listed = client_for(lead).get(f"/api/audits/{audit.pk}/key-areas/").json()
    assert [row["code"] for row in listed] == ["KA02", "KA08"]


def test_put_an_unknown_key_area_changes_nothing(selective):
    audit, lead = selective
    client = client_for(lead)
    client.put(f"/api/audits/{audit.pk}/key-areas/", {"codes": ["KA01"]}, format="json")

    response = client.put(
        f"/api/audits/{audit.pk}/key-areas/", {"codes": ["KA02", "KA13", "XX"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Unknown key areas for methodology Participatory Gender Audit 2026.1: KA13, XX."
    )
    assert list(audit.key_areas.values_list("code", flat=True)) == ["KA01"]


def test_put_key_areas_with_a_malformed_body(selective):
    audit, lead = selective
    response = client_for(lead).put(f"/api/audits/{audit.pk}/key-areas/", {"codes": "KA01"}, format="json")
    assert response.status_code == 400
    assert "codes" in response.json()
    assert audit.key_areas.count() == 0


# Scope rules


@pytest.mark.parametrize(
    ("phase", "label"),
    [("desk_review", "Desk review"), ("fieldwork", "Fieldwork"), ("reporting", "Reporting")],
)
def test_scope_is_fixed_after_preparation(selective, methodology, phase, label):
    audit, lead = selective
    audit.key_areas.set(methodology.key_areas.filter(code="KA01"))
    audit = _set_phase(audit, phase)
    client = client_for(lead)
    message = f"The scope is fixed in the {label} phase; it can change only while preparing."

    patched = client.patch(f"/api/audits/{audit.pk}/", {"people_in_scope": 60}, format="json")
    put = client.put(f"/api/audits/{audit.pk}/key-areas/", {"codes": ["KA02"]}, format="json")
    unit = client.patch(
        f"/api/audits/{audit.pk}/", {"unit": UnitFactory(organization=audit.organization).pk}, format="json"
    )

    assert (patched.status_code, patched.json()["detail"]) == (400, message)
    assert (put.status_code, put.json()["detail"]) == (400, message)
    assert (unit.status_code, unit.json()["detail"]) == (400, message)
    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.people_in_scope, audit.unit) == (40, None)
    assert list(audit.key_areas.values_list("code", flat=True)) == ["KA01"]


def test_details_other_than_scope_can_change_after_preparation(selective):
    audit, lead = selective
    audit = _set_phase(audit, "fieldwork")

    response = client_for(lead).patch(
        f"/api/audits/{audit.pk}/",
        {"title": "Renamed", "delivery": "on_site", "people_in_scope": 40},  # same people in scope
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"
    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.title, audit.delivery, audit.people_in_scope) == ("Renamed", "on_site", 40)


def test_scope_can_change_in_preparation(selective):
    audit, lead = selective
    audit = _set_phase(audit, "preparation")
    unit = UnitFactory(organization=audit.organization)

    response = client_for(lead).patch(
        f"/api/audits/{audit.pk}/", {"people_in_scope": 75, "unit": unit.pk}, format="json"
    )

    assert response.status_code == 200, response.content
    audit = Audit.objects.get(pk=audit.pk)
    assert (audit.people_in_scope, audit.unit) == (75, unit)


def test_patch_cannot_move_the_phase(selective):
    audit, lead = selective
    response = client_for(lead).patch(f"/api/audits/{audit.pk}/", {"phase": "closed"}, format="json")
    assert response.status_code == 400
    assert response.json()["phase"] == ["This field cannot be changed here."]
    assert Audit.objects.get(pk=audit.pk).phase == "request"


@pytest.mark.parametrize(
    ("payload", "status", "check"),
    [
        ({"planned_end": "2026-01-01"}, 400, "The planned end cannot be before the planned start."),
        ({"min_group_size": 2}, 400, "min_group_size"),
        ({"people_in_scope": "many"}, 400, "people_in_scope"),
        ({"unit": 99999999}, 400, "unit"),
    ],
)
def test_patch_with_bad_values_changes_nothing(selective, payload, status, check):
    audit, lead = selective
    response = client_for(lead).patch(f"/api/audits/{audit.pk}/", payload, format="json")
    assert response.status_code == status
    assert check in response.content.decode()
    fresh = Audit.objects.get(pk=audit.pk)
    assert (fresh.planned_end, fresh.min_group_size, fresh.people_in_scope, fresh.unit_id) == (
        datetime.date(2027, 3, 10),
        5,
        40,
        None,
    )


def test_patch_with_a_unit_of_another_organization(selective):
    audit, lead = selective
    response = client_for(lead).patch(f"/api/audits/{audit.pk}/", {"unit": UnitFactory().pk}, format="json")
    assert response.status_code == 400
    assert "does not belong to" in response.json()["detail"]
    assert Audit.objects.get(pk=audit.pk).unit is None


# Transitions over the API


def test_transition_request_errors(selective):
    audit, lead = selective
    client = client_for(lead)
    url = f"/api/audits/{audit.pk}/transitions/"

    missing = client.post(url, {}, format="json")
    assert (missing.status_code, missing.json()["target"]) == (400, ["This field is required."])
    assert missing.json()["detail"] == "Invalid input: target: This field is required."

    skipped = client.post(url, {"target": "fieldwork"}, format="json")
    assert skipped.status_code == 409
    assert skipped.json()["detail"] == (
        "The audit is in Request and commitment; it cannot move to Fieldwork from there."
    )

    no_reason = client.post(url, {"target": "cancelled"}, format="json")
    assert (no_reason.status_code, no_reason.json()["detail"]) == (400, "Say why the audit is cancelled.")

    assert Audit.objects.get(pk=audit.pk).phase == "request"
    assert not PhaseTransition.objects.exists()


def test_transition_and_history(selective, methodology):
    audit, lead = selective
    audit.key_areas.set(methodology.key_areas.filter(code="KA01"))
    client = client_for(lead)
    url = f"/api/audits/{audit.pk}/transitions/"

    first = client.post(url, {"target": "preparation", "comment": "Committed."}, format="json")
    second = client.post(url, {"target": "desk_review"}, format="json")
    repeat = client.post(url, {"target": "desk_review"}, format="json")
    cancelled = client.post(url, {"target": "cancelled", "reason": "Budget cut."}, format="json")

    assert (first.status_code, second.status_code, repeat.status_code, cancelled.status_code) == (
        201,
        201,
        409,
        201,
    )
    assert first.json()["actor"] == str(lead)
    history = client.get(f"/api/audits/{audit.pk}/history/").json()
    assert [(row["action"], row["from_phase"], row["to_phase"], row["comment"]) for row in history] == [
        ("cancel", "desk_review", "cancelled", "Budget cut."),
        ("advance", "preparation", "desk_review", ""),
        ("advance", "request", "preparation", "Committed."),
    ]
    assert {row["actor"] for row in history} == {str(lead)}
    assert client.get(url).json() == []
    detail = client.get(f"/api/audits/{audit.pk}/").json()
    assert (detail["phase"], detail["phase_label"]) == ("cancelled", "Cancelled")


@pytest.mark.parametrize("suffix", ["history.json", "transitions.json", "team.json", "key-areas.json"])
def test_format_suffix_urls_are_not_found(selective, suffix):
    """The API speaks JSON only; the router's `.json` twins of the actions used to answer 500."""
    audit, lead = selective

    response = client_for(lead).get(f"/api/audits/{audit.pk}/{suffix}")

    assert response.status_code == 404


# Schema and docs


def test_openapi_schema_is_valid(api):
    response = api.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_openapi(schema)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/audits/",
        "/api/audits/{id}/",
        "/api/audits/{id}/transitions/",
        "/api/audits/{id}/team/",
        "/api/audits/{id}/key-areas/",
        "/api/audits/{id}/history/",
        "/api/organizations/",
    ):
        assert path in schema["paths"], path
    assert {"get", "post"} <= set(schema["paths"]["/api/audits/{id}/transitions/"])


def test_openapi_schema_as_json_is_valid(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    validate_openapi(response.json())


def test_api_docs_use_only_local_static_files(api):
    response = api.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://", html) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert any("swagger-ui-bundle" in src for src in scripts)
    init_script = "/api/docs/?script="  # served apart, as the Content Security Policy allows no inline script
    assert all(url.startswith("/static/") or url == init_script for url in assets), assets
    assert "/api/schema/" in api.get(init_script).content.decode()


# Query counts


def _list_query_count(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/audits/")
    assert response.status_code == 200
    return len(queries), response.json()["count"]


@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_audit_list_makes_a_constant_number_of_queries(methodology, who):
    organization = OrganizationFactory()
    coordinator = UserFactory()

    def grow_to(total):
        while Audit.objects.count() < total:
            modality = ["selective", "comprehensive", "geosa"][Audit.objects.count() % 3]
            audit = make_audit(modality, organization=organization)
            audit.key_areas.set(methodology.key_areas.order_by("order")[:3])
            add_member(audit, TeamRole.LEAD)
            if not TeamMember.objects.filter(user=coordinator).exists():
                add_member(audit, TeamRole.COORDINATOR, user=coordinator)

    client = client_for(StaffFactory() if who == "staff" else coordinator)
    grow_to(2)
    few, listed_few = _list_query_count(client)
    grow_to(10)
    many, listed_many = _list_query_count(client)

    assert (listed_few, listed_many) == (2, 10)
    assert few == many
