"""Which organizations each kind of user may start an audit for: the register stays closed.

One rule (audits.selectors.organizations_open_to) serves the "New audit" page, the API and the
service; these tests check all three agree for every kind of user, and that the organization an
audit belongs to cannot be changed afterwards.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audits import services
from audits.demo import facilitators_group
from audits.models import Audit, Organization, TeamRole
from config.errors import DomainError, Forbidden
from reports.programme import programme_managers
from tests.factories import (
    OrganizationFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
    add_member,
    make_audit,
)

pytestmark = pytest.mark.django_db

NAMES = {
    "a": "Agency Alpha",  # has an audit: the facilitator "with_audit" and the coordinator work there
    "b": "Bureau Bravo",  # someone else's audit
    "c": "Council Charlie",  # registered by the facilitator "registrar", no audit yet
    "d": "Directorate Delta",  # registered before anyone was recorded (registered_by is empty)
}
NOT_OPEN = "You cannot start an audit for this organization"
DUPLICATE = (
    "An organization with this name is already registered; ask its coordinator or the programme staff "
    "to add you to its audit."
)


def _facilitator(username: str):
    user = UserFactory(username=username)
    user.groups.add(facilitators_group())
    return user


@pytest.fixture
def register(methodology):
    """Four organizations of the register and one user of each kind."""
    registrar = _facilitator("registrar")
    organizations = {
        "a": OrganizationFactory(name=NAMES["a"]),
        "b": OrganizationFactory(name=NAMES["b"]),
        "c": services.organization_create(actor=registrar, name=NAMES["c"], units=["Charlie finance"]),
        "d": OrganizationFactory(name=NAMES["d"]),
    }
    UnitFactory(organization=organizations["b"], name="Bravo payroll")
    audit_a = make_audit("selective", organization=organizations["a"], title="Audit of Alpha")
    audit_b = make_audit("selective", organization=organizations["b"], title="Audit of Bravo")
    add_member(audit_b, TeamRole.LEAD)
    with_audit = _facilitator("with_audit")
    add_member(audit_a, TeamRole.CO_FACILITATOR, user=with_audit)
    manager = UserFactory(username="manager")
    manager.groups.add(programme_managers())
    facilitating_manager = _facilitator("facilitating_manager")
    facilitating_manager.groups.add(programme_managers())
    users = {
        "newcomer": _facilitator("newcomer"),
        "with_audit": with_audit,
        "registrar": registrar,
        "coordinator": add_member(audit_a, TeamRole.COORDINATOR).user,
        "staff": StaffFactory(),
        "manager": manager,
        "facilitating_manager": facilitating_manager,
    }
    return organizations, users, audit_a


# Who may pick what. A programme manager sees the whole register but starts audits only if they also
# facilitate (audits.add_audit); the coordinator starts audits only for the organization they represent.
OPEN = {
    "newcomer": set(),
    "with_audit": {"a"},
    "registrar": {"c"},
    "coordinator": {"a"},
    "staff": {"a", "b", "c", "d"},
    "manager": set(),
    "facilitating_manager": {"a", "b", "c", "d"},
}


@pytest.mark.parametrize("kind", [kind for kind, keys in OPEN.items() if keys])
def test_the_new_audit_page_lists_only_the_organizations_open_to_the_user(client, register, kind):
    _organizations, users, _audit = register
    client.force_login(users[kind])

    response = client.get(reverse("audits:create"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="organization"' in page
    for key, name in NAMES.items():
        assert (name in page) == (key in OPEN[kind]), f"{kind}: {name}"
    assert ("Bravo payroll" in page) == ("b" in OPEN[kind])  # units are listed as "organization — unit"


def test_a_facilitator_with_no_organization_is_told_how_to_get_one(client, register):
    _organizations, users, _audit = register
    client.force_login(users["newcomer"])

    page = client.get(reverse("audits:create")).content.decode()

    assert "There is no organization you can start an audit for yet" in page
    assert f'href="{reverse("audits:organization-create")}"' in page
    assert 'name="organization"' not in page
    assert not any(name in page for name in NAMES.values())


def test_someone_who_can_neither_start_nor_register_is_refused_the_page(client, register):
    _organizations, users, _audit = register
    client.force_login(users["manager"])

    response = client.get(reverse("audits:create"))

    assert response.status_code == 403
    assert not any(name in response.content.decode() for name in NAMES.values())


def _payload(organization: Organization, **extra) -> dict:
    return {"title": f"New audit of {organization.name}", "organization": organization.pk, **extra}


@pytest.mark.parametrize("kind", list(OPEN))
def test_the_api_creates_audits_only_for_the_organizations_open_to_the_user(register, kind):
    organizations, users, _audit = register
    client = APIClient()
    client.force_authenticate(users[kind])

    for key, organization in organizations.items():
        before = Audit.objects.count()
        response = client.post(
            "/api/audits/", _payload(organization, modality_code="selective"), format="json"
        )
        if key in OPEN[kind]:
            assert response.status_code == 201, (kind, key, response.content)
            assert Audit.objects.get(pk=response.json()["id"]).organization == organization
        else:
            assert response.status_code == 400, (kind, key, response.content)
            assert response.json()["organization"][0].startswith(NOT_OPEN)
            assert organization.name not in response.content.decode()
            assert Audit.objects.count() == before


def test_an_id_nobody_has_gets_the_same_answer_as_a_closed_organization(register):
    organizations, users, _audit = register
    client = APIClient()
    client.force_authenticate(users["with_audit"])

    closed = client.post("/api/audits/", _payload(organizations["b"], modality_code="selective"))
    missing = client.post(
        "/api/audits/", {"title": "X", "organization": 999_999_999, "modality_code": "selective"}
    )

    assert closed.status_code == missing.status_code == 400
    assert closed.json()["organization"] == missing.json()["organization"]


def test_the_api_refuses_a_unit_of_an_organization_out_of_reach_without_naming_it(register):
    organizations, users, _audit = register
    client = APIClient()
    client.force_authenticate(users["with_audit"])
    payroll = organizations["b"].units.get()

    response = client.post(
        "/api/audits/",
        _payload(organizations["a"], modality_code="selective", unit=payroll.pk),
        format="json",
    )

    assert response.status_code == 400
    assert "unit" in response.json()
    assert "Bravo" not in response.content.decode()
    assert not Audit.objects.filter(title__startswith="New audit").exists()


@pytest.mark.parametrize("kind", ["newcomer", "with_audit", "registrar"])
def test_the_page_refuses_a_posted_organization_out_of_reach(client, register, methodology, kind):
    organizations, users, _audit = register
    client.force_login(users[kind])
    closed = [key for key in NAMES if key not in OPEN[kind]]

    for key in closed:
        response = client.post(
            reverse("audits:create"),
            {
                "title": "New audit",
                "organization": organizations[key].pk,
                "modality": methodology.modalities.get(code="selective").pk,
                "delivery": "remote",
                "language": "en",
            },
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert NAMES[key] not in page
        if OPEN[kind]:
            assert "Select a valid choice" in page
    assert not Audit.objects.filter(title__startswith="New audit").exists()


@pytest.mark.parametrize("kind", list(OPEN))
def test_the_service_follows_the_same_rule(register, kind):
    organizations, users, _audit = register

    for key, organization in organizations.items():
        if key in OPEN[kind]:
            audit = services.audit_create(
                actor=users[kind], organization=organization, modality="selective", title="Service"
            )
            assert audit.organization == organization
        else:
            with pytest.raises(Forbidden):
                services.audit_create(
                    actor=users[kind], organization=organization, modality="selective", title="Refused"
                )
    assert not Audit.objects.filter(title="Refused").exists()


# Registering


def test_registering_on_the_page_records_the_registrar_and_preselects_it(client, register):
    _organizations, users, _audit = register
    newcomer = users["newcomer"]
    client.force_login(newcomer)

    response = client.post(
        reverse("audits:organization-create"),
        {"name": "Echo Authority", "country": "Chile", "region": "", "sector": "", "units": "Finance"},
    )

    organization = Organization.objects.get(name="Echo Authority")
    assert organization.registered_by == newcomer
    assert response["Location"] == f"{reverse('audits:create')}?organization={organization.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{organization.pk}" selected>Echo Authority</option>' in page
    assert not any(name in page for name in NAMES.values())


def test_registering_over_the_api_records_the_registrar(register):
    _organizations, users, _audit = register
    client = APIClient()
    client.force_authenticate(users["newcomer"])

    response = client.post("/api/organizations/", {"name": "Foxtrot Office"}, format="json")

    assert response.status_code == 201, response.content
    assert Organization.objects.get(pk=response.json()["id"]).registered_by == users["newcomer"]
    assert "registered_by" not in response.json()
    created = client.post(
        "/api/audits/",
        {"title": "First", "organization": response.json()["id"], "modality_code": "selective"},
        format="json",
    )
    assert created.status_code == 201, created.content


def test_the_registrar_is_not_taken_from_the_request_body(register):
    _organizations, users, _audit = register
    client = APIClient()
    client.force_authenticate(users["newcomer"])

    response = client.post(
        "/api/organizations/",
        {"name": "Golf Agency", "registered_by": users["registrar"].pk},
        format="json",
    )

    assert response.status_code == 201
    assert Organization.objects.get(name="Golf Agency").registered_by == users["newcomer"]


def test_a_taken_name_is_refused_with_guidance_and_nothing_more(client, register):
    _organizations, users, _audit = register
    client.force_login(users["newcomer"])
    count = Organization.objects.count()

    page = client.post(
        reverse("audits:organization-create"),
        {"name": NAMES["b"], "country": "", "region": "", "sector": "", "units": ""},
    ).content.decode()
    api = APIClient()
    api.force_authenticate(users["newcomer"])
    response = api.post("/api/organizations/", {"name": NAMES["b"]}, format="json")

    assert DUPLICATE.replace("'", "&#x27;") in page
    assert "Audit of Bravo" not in page and "Bravo payroll" not in page
    assert response.status_code == 400
    assert response.json()["name"] == [DUPLICATE]
    assert Organization.objects.count() == count
    assert Organization.objects.get(name=NAMES["b"]).registered_by is None


def test_the_service_refuses_a_taken_name(register):
    _organizations, users, _audit = register

    with pytest.raises(DomainError) as refusal:
        services.organization_create(actor=users["newcomer"], name=NAMES["c"])

    assert refusal.value.details == [f"name: {DUPLICATE}"]
    assert Organization.objects.get(name=NAMES["c"]).registered_by == users["registrar"]


# The organization list and existing audits keep their rules


@pytest.mark.parametrize(
    ("kind", "listed"),
    [
        ("newcomer", set()),
        ("with_audit", {"a"}),
        ("registrar", set()),  # registering opens "New audit", not the organization list
        ("coordinator", {"a"}),
        ("staff", {"a", "b", "c", "d"}),
        ("manager", set()),
    ],
)
def test_the_organization_api_lists_what_it_did_before(register, kind, listed):
    organizations, users, _audit = register
    client = APIClient()
    client.force_authenticate(users[kind])

    body = client.get("/api/organizations/").json()

    rows = body["results"] if isinstance(body, dict) else body
    assert {row["id"] for row in rows} == {organizations[key].pk for key in listed}
    for key, organization in organizations.items():
        status = client.get(f"/api/organizations/{organization.pk}/").status_code
        assert status == (200 if key in listed else 404), (kind, key)


def test_an_audit_cannot_be_moved_to_another_organization(register):
    organizations, _users, audit = register
    lead = add_member(audit, TeamRole.LEAD).user
    client = APIClient()
    client.force_authenticate(lead)

    moved = client.patch(f"/api/audits/{audit.pk}/", {"organization": organizations["b"].pk}, format="json")
    foreign_unit = client.patch(
        f"/api/audits/{audit.pk}/", {"unit": organizations["b"].units.get().pk}, format="json"
    )

    assert moved.status_code == 400
    assert moved.json()["organization"] == ["This field cannot be changed here."]
    assert foreign_unit.status_code == 400
    assert "Bravo" not in foreign_unit.content.decode()
    with pytest.raises(DomainError):
        services.audit_update(actor=lead, audit=audit, organization=organizations["b"])
    audit.refresh_from_db()
    assert (audit.organization, audit.unit) == (organizations["a"], None)
