"""Anonymous token links: guessing is throttled per address; a valid token is never throttled."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.models import Gender
from audits.models import Audit, TeamRole
from audits.surveys import services
from audits.surveys.models import Instrument, Survey
from config.throttle import client_ip
from facilitators.library import load_programme
from facilitators.models import Certificate, CertificationState
from facilitators.selectors import CERTIFICATION_STAFF_GROUP
from tests.facilitators import factories as f
from tests.facilitators.conftest import PROGRAMME_FOLDER
from tests.factories import UserFactory, add_member, make_audit

pytestmark = pytest.mark.django_db

GUESSER, NEIGHBOUR = "203.0.113.5", "198.51.100.7"
WAIT = "try again in 10 minutes"


@pytest.fixture
def shared_link(methodology) -> str:
    """An open survey with one shared link, as a ministry would pass around."""
    audit = make_audit("selective", people_in_scope=40)
    audit.key_areas.set(audit.methodology.key_areas.filter(code__in=["KA08", "KA09"]))
    Audit.objects.filter(pk=audit.pk).update(phase="fieldwork")
    audit.refresh_from_db()
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN)
    add_member(audit, TeamRole.COORDINATOR)
    instrument = Instrument.objects.get(methodology=methodology, code="pga-staff", audit__isnull=True)
    services.survey_prepare(actor=lead, audit=audit, instrument=instrument)
    services.survey_open(
        actor=lead, audit=audit, closes_on=datetime.date.today() + datetime.timedelta(days=7), mode="shared"
    )
    return Survey.objects.get(audit=audit).shared_token


def guess(client, url: str, times: int, address: str = GUESSER) -> list[int]:
    return [client.get(url.format(n), REMOTE_ADDR=address).status_code for n in range(times)]


def test_the_31st_unknown_survey_link_gets_429_and_the_valid_link_still_works(client, shared_link):
    assert set(guess(client, "/s/guess-{}/", 30)) == {404}
    refused = client.get("/s/guess-31/", REMOTE_ADDR=GUESSER)
    assert refused.status_code == 429
    assert WAIT in refused.content.decode()
    assert refused["Retry-After"] == "600"
    page = client.get(f"/s/{shared_link}/", REMOTE_ADDR=GUESSER)
    assert page.status_code == 200
    saved = client.post(
        f"/s/{shared_link}/", {"page": 0, "action": "next", "q-ka08_recruitment": "4"}, REMOTE_ADDR=GUESSER
    )
    assert saved.status_code == 302
    assert client.get("/s/guess-32/", REMOTE_ADDR=NEIGHBOUR).status_code == 404


def test_drafts_and_the_api_count_the_same_guesses(shared_link):
    api = APIClient()
    assert set(guess(api, "/api/respond/guess-{}/", 20)) == {404}
    drafts = [
        api.post(f"/s/guess-d{n}/draft/", {}, format="json", REMOTE_ADDR=GUESSER).status_code
        for n in range(10)
    ]
    assert set(drafts) == {410}
    draft = api.post("/s/guess-d11/draft/", {}, format="json", REMOTE_ADDR=GUESSER)
    assert draft.status_code == 429 and WAIT in draft.json()["detail"]
    refused = api.get("/api/respond/guess-x/", REMOTE_ADDR=GUESSER)
    assert refused.status_code == 429 and WAIT in refused.json()["detail"]
    assert refused["Retry-After"] == "600"
    assert api.get(f"/api/respond/{shared_link}/", REMOTE_ADDR=GUESSER).status_code == 200


def test_a_valid_link_is_never_throttled_however_many_use_it_from_one_address(shared_link):
    """A whole ministry behind one NAT address answers the same shared link."""
    api = APIClient()
    statuses = {api.get(f"/api/respond/{shared_link}/", REMOTE_ADDR=GUESSER).status_code for _ in range(150)}
    assert statuses == {200}


def test_the_limit_and_the_window_come_from_settings(client, settings, shared_link):
    settings.TOKEN_LOOKUP_LIMIT = 2
    settings.TOKEN_LOOKUP_WINDOW = 120
    assert guess(client, "/s/guess-{}/", 3) == [404, 404, 429]
    assert "try again in 2 minutes" in client.get("/s/x/", REMOTE_ADDR=GUESSER).content.decode()


@pytest.fixture
def certificate_code(db) -> str:
    load_programme(PROGRAMME_FOLDER)
    staff = UserFactory(username="certstaff")
    staff.groups.add(Group.objects.get_or_create(name=CERTIFICATION_STAFF_GROUP)[0])
    certification = f.walk_to(CertificationState.CERTIFIED, staff)
    return Certificate.objects.get(certification=certification).code


def test_certificate_codes_are_throttled_on_the_page_and_the_api_alike(client, certificate_code):
    assert set(guess(client, "/certification/verify/BADCODE{}/", 20)) == {404}
    assert set(guess(APIClient(), "/api/certificates/verify/BADCODE{}/", 10)) == {404}
    page = client.get("/certification/verify/BADCODE99/", REMOTE_ADDR=GUESSER)
    assert page.status_code == 429 and WAIT in page.content.decode()
    api = APIClient().get("/api/certificates/verify/BADCODE99/", REMOTE_ADDR=GUESSER)
    assert api.status_code == 429 and api["Retry-After"] == "600"
    valid = client.get(f"/certification/verify/{certificate_code}/", REMOTE_ADDR=GUESSER)
    assert valid.status_code == 200 and "valid today" in valid.content.decode()
    assert (
        APIClient().get(f"/api/certificates/verify/{certificate_code}/", REMOTE_ADDR=GUESSER).status_code
        == 200
    )
    assert client.get("/certification/verify/BADCODE99/", REMOTE_ADDR=NEIGHBOUR).status_code == 404


def test_the_client_address_comes_from_forwarded_for_only_behind_trusted_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy: the header is the client's own word
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # what our proxy saw; the left entry may be forged
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "192.0.2.66"
