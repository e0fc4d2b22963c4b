"""The web pages: what each role sees, what a form keeps on error, and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Gender
from audits.models import Audit, TeamRole
from tests.factories import (
    OrganizationFactory,
    StaffFactory,
    UserFactory,
    add_member,
    make_audit,
    ready_selective_team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def selective(methodology):
    audit = make_audit("selective")
    lead = ready_selective_team(audit)
    return audit, lead.user


def test_anonymous_visitors_are_sent_to_sign_in(client, selective):
    audit, _lead = selective
    response = client.get(reverse("audits:detail", args=[audit.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_unrelated_user_gets_404_for_an_audit(client, selective):
    audit, _lead = selective
    client.force_login(UserFactory())
    assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == 404
    assert client.get(reverse("audits:team", args=[audit.pk])).status_code == 404


def test_dashboard_lists_only_my_audits(client, methodology):
    mine = make_audit("selective", title="Mine")
    theirs = make_audit("selective", title="Theirs")
    member = add_member(mine, TeamRole.CO_FACILITATOR)
    add_member(theirs, TeamRole.LEAD)
    client.force_login(member.user)
    page = client.get(reverse("audits:dashboard")).content.decode()
    assert "Mine" in page
    assert "Theirs" not in page


def test_dashboard_filters_by_phase(client, methodology):
    staff = StaffFactory()
    make_audit("selective", title="In request")
    client.force_login(staff)
    page = client.get(reverse("audits:dashboard"), {"phase": "fieldwork"}).content.decode()
    assert "In request" not in page
    assert "No audit matches these filters." in page


def test_workspace_shows_blocking_reasons_and_no_buttons_to_a_co_facilitator(client, selective):
    audit, _lead = selective
    co_facilitator = audit.team.get(role=TeamRole.CO_FACILITATOR).user
    client.force_login(co_facilitator)
    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert 'name="target" value="preparation"' not in page
    assert "The lead of the audit moves it on." in page
    assert client.get(reverse("audits:team", args=[audit.pk])).status_code == 403


def test_lead_advances_through_the_page_and_history_records_it(client, selective):
    audit, lead = selective
    client.force_login(lead)
    response = client.post(
        reverse("audits:transition", args=[audit.pk]),
        {"target": "preparation", "comment": "Commitment letter signed."},
        follow=True,
    )
    assert "The audit moved to Preparation." in response.content.decode()
    audit.refresh_from_db()
    assert audit.phase == "preparation"
    record = audit.transitions.get()
    assert (record.actor, record.comment) == (lead, "Commitment letter signed.")


def test_a_blocked_transition_shows_the_guard_message_and_changes_nothing(client, methodology):
    audit = make_audit("selective")
    lead = add_member(audit, TeamRole.LEAD).user
    client.force_login(lead)
    response = client.post(
        reverse("audits:transition", args=[audit.pk]), {"target": "preparation"}, follow=True
    )
    assert "Add the organization&#x27;s coordinator (focal point) to the team." in response.content.decode()
    audit.refresh_from_db()
    assert audit.phase == "request"
    assert not audit.transitions.exists()


def test_create_form_keeps_input_when_dates_are_reversed(client, methodology):
    organization = OrganizationFactory()
    client.force_login(StaffFactory())
    response = client.post(
        reverse("audits:create"),
        {
            "organization": organization.pk,
            "modality": methodology.modalities.get(code="selective").pk,
            "title": "Audit of the HR unit",
            "people_in_scope": 30,
            "planned_start": "2027-05-01",
            "planned_end": "2027-04-01",
            "delivery": "remote",
            "language": "fr",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The planned end cannot be before the planned start." in page
    assert 'value="Audit of the HR unit"' in page
    assert not Audit.objects.exists()


def test_facilitator_creates_an_audit_and_becomes_its_lead(client, methodology):
    from audits.demo import facilitators_group

    facilitator = UserFactory()
    facilitator.groups.add(facilitators_group())
    organization = OrganizationFactory(registered_by=facilitator)  # the register is closed otherwise
    modality = methodology.modalities.get(code="selective")
    client.force_login(facilitator)
    response = client.post(
        reverse("audits:create"),
        {
            "organization": organization.pk,
            "modality": modality.pk,
            "title": "Selective audit",
            "delivery": "remote",
            "language": "en",
        },
    )
    audit = Audit.objects.get()
    assert response["Location"] == reverse("audits:detail", args=[audit.pk])
    assert audit.phase == "request"
    assert audit.team.get(user=facilitator).role == TeamRole.LEAD


def test_team_page_refuses_an_unknown_person_and_keeps_the_input(client, selective):
    audit, lead = selective
    client.force_login(lead)
    response = client.post(
        reverse("audits:team", args=[audit.pk]), {"person": "nobody@example.org", "role": "expert"}
    )
    page = response.content.decode()
    assert "No account has this username or e-mail." in page
    assert 'value="nobody@example.org"' in page
    assert audit.team.count() == 3


def test_team_page_adds_by_email_and_refuses_a_second_lead(client, selective):
    audit, lead = selective
    expert = UserFactory(gender=Gender.MAN)
    client.force_login(lead)
    client.post(reverse("audits:team", args=[audit.pk]), {"person": expert.email, "role": "expert"})
    assert audit.team.get(user=expert).role == TeamRole.EXPERT
    another = UserFactory()
    response = client.post(
        reverse("audits:team", args=[audit.pk]), {"person": another.username, "role": "lead_facilitator"}
    )
    assert "is already the lead facilitator; change their role first." in response.content.decode()
    assert not audit.team.filter(user=another).exists()


def test_key_areas_page_is_closed_once_the_scope_is_fixed(client, methodology):
    audit = make_audit("selective")
    lead = ready_selective_team(audit).user
    client.force_login(lead)
    client.post(reverse("audits:key-areas", args=[audit.pk]), {"key_areas": ["KA01", "KA02"]})
    assert sorted(audit.key_areas.values_list("code", flat=True)) == ["KA01", "KA02"]
    for target in ("preparation", "desk_review"):
        client.post(reverse("audits:transition", args=[audit.pk]), {"target": target})
    audit.refresh_from_db()
    assert audit.phase == "desk_review"
    response = client.post(reverse("audits:key-areas", args=[audit.pk]), {"key_areas": ["KA03"]})
    assert "The scope is fixed in the Desk review phase" in response.content.decode()
    assert sorted(audit.key_areas.values_list("code", flat=True)) == ["KA01", "KA02"]


def test_pages_are_translated(client, selective):
    audit, lead = selective
    client.force_login(lead)
    page = client.get(f"/fr/audits/{audit.pk}/").content.decode()
    assert '<html lang="fr">' in page
    assert "Demande et engagement" in page  # phase names come from the library in French
    assert "Prochaines étapes" in page  # interface text comes from the French catalog


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboard_and_workspace_make_a_constant_number_of_queries(client, methodology):
    staff = StaffFactory()
    client.force_login(staff)
    first = make_audit("selective", creator=staff)
    ready_selective_team(first)
    dashboard_few = _queries(client, reverse("audits:dashboard"))
    workspace_few = _queries(client, reverse("audits:detail", args=[first.pk]))
    for index in range(6):
        audit = make_audit("comprehensive", creator=staff, planned_start=datetime.date(2027, 1, index + 1))
        ready_selective_team(audit)
    for _member in range(6):
        add_member(first, TeamRole.EXPERT, gender=Gender.MAN)
    assert _queries(client, reverse("audits:dashboard")) == dashboard_few
    assert _queries(client, reverse("audits:detail", args=[first.pk])) == workspace_few
