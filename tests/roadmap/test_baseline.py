"""A new audit names an earlier one of the same organization as its baseline."""

import pytest
from rest_framework.test import APIClient

from audits.roadmap import selectors, services
from config.errors import DomainError, Forbidden
from tests.factories import OrganizationFactory, make_audit
from tests.roadmap.builders import team_audit


@pytest.fixture
def pair(methodology):
    organization = OrganizationFactory()
    earlier = team_audit(phase="follow_up", organization=organization)
    later = team_audit(phase="preparation", organization=organization)
    return earlier, later


def test_the_lead_names_an_earlier_audit_as_the_baseline(pair):
    earlier, later = pair
    lead = later.people["lead"]
    with pytest.raises(DomainError, match="You cannot use this audit"):
        services.baseline_set(actor=lead, audit=later.audit, baseline=earlier.audit)
    earlier.audit.team.create(user=lead, role="co_facilitator")
    link = services.baseline_set(actor=lead, audit=later.audit, baseline=earlier.audit)
    assert selectors.baseline_of(later.audit) == earlier.audit == link.baseline
    services.baseline_set(actor=lead, audit=later.audit, baseline=None)
    assert selectors.baseline_of(later.audit) is None


def test_the_baseline_is_earlier_and_of_the_same_organization(pair):
    earlier, later = pair
    staff_api = APIClient()
    from tests.factories import StaffFactory

    admin = StaffFactory()
    with pytest.raises(DomainError, match="earlier audit"):
        services.baseline_set(actor=admin, audit=earlier.audit, baseline=later.audit)
    with pytest.raises(DomainError, match="same organization"):
        services.baseline_set(actor=admin, audit=later.audit, baseline=make_audit("selective"))
    with pytest.raises(DomainError, match="its own baseline"):
        services.baseline_set(actor=admin, audit=later.audit, baseline=later.audit)
    with pytest.raises(Forbidden):
        services.baseline_set(actor=later.people["co_facilitator"], audit=later.audit, baseline=earlier.audit)
    staff_api.force_authenticate(admin)
    response = staff_api.put(
        f"/api/audits/{later.audit.pk}/baseline/", {"baseline": earlier.audit.pk}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"baseline": earlier.audit.pk}
