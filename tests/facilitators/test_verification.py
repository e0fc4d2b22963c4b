"""Anyone can check a certificate code; the answer tells validity and nothing private."""

import datetime

import pytest
from rest_framework.test import APIClient

from facilitators import services
from facilitators.models import Certificate, CertificationState, add_years
from tests.facilitators import factories as f
from tests.factories import UserFactory

S = CertificationState
pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PUBLIC_KEYS = {
    "code",
    "status",
    "status_label",
    "holder",
    "programme",
    "programme_code",
    "programme_version",
    "issued_on",
    "expires_on",
}


@pytest.fixture
def ana(db):
    return UserFactory(username="ana", first_name="Ana", last_name="Silva", email="ana.private@example.org")


def certified(ana, staff, *, publish: bool, today=None):
    services.profile_update(
        actor=ana,
        user=ana,
        languages="Quechua",
        contact="+51 999 000 111",
        publish_on_roster=publish,
    )
    certification = f.walk_to(S.CERTIFIED, staff, user=ana, today=today)
    return certification, Certificate.objects.get(certification=certification)


def verify(code):
    return APIClient().get(f"/api/certificates/verify/{code}/")


def test_a_valid_certificate_without_publication_consent_hides_the_name(programme, cert_staff, ana):
    _certification, certificate = certified(ana, cert_staff, publish=False)
    response = verify(certificate.display_code)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_KEYS
    assert body["status"] == "valid"
    assert body["holder"] is None
    assert body["programme_code"] == "pga-facilitator"
    assert body["issued_on"] == TODAY.isoformat()
    assert body["expires_on"] == add_years(TODAY, 5).isoformat()
    text = response.content.decode()
    for private in ("ana.private@example.org", "+51 999 000 111", "Quechua", "Silva"):
        assert private not in text


def test_the_name_is_shown_only_with_consent(programme, cert_staff, ana):
    _certification, certificate = certified(ana, cert_staff, publish=True)
    body = verify(certificate.code.lower()).json()
    assert body["holder"] == "Ana Silva"
    text = verify(certificate.code).content.decode()
    assert "ana.private@example.org" not in text
    assert "+51 999 000 111" not in text  # contact was not published separately
    assert "Quechua" not in text


def test_an_expired_certificate(programme, cert_staff, ana):
    _certification, certificate = certified(
        ana, cert_staff, publish=False, today=add_years(TODAY, -5) - datetime.timedelta(days=2)
    )
    assert verify(certificate.code).json()["status"] == "expired"


def test_withdrawn_and_suspended_certificates(programme, cert_staff, ana):
    certification, certificate = certified(ana, cert_staff, publish=False)
    f.move(certification, cert_staff, S.SUSPENDED, reason="Under investigation")
    assert verify(certificate.code).json()["status"] == "suspended"
    f.move(certification, cert_staff, S.WITHDRAWN, reason="Misconduct established")
    body = verify(certificate.code).json()
    assert body["status"] == "withdrawn"
    assert "Misconduct" not in str(body)


def test_an_unknown_code_is_a_404_in_json(programme):
    response = verify("AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 404
    assert response.json() == {"detail": "No certificate has this code."}


def test_the_public_page_checks_a_code(client, programme, cert_staff, ana):
    _certification, certificate = certified(ana, cert_staff, publish=False)
    response = client.get("/certification/verify/", {"code": f" {certificate.display_code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/certification/verify/{certificate.code}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "This certificate is valid today." in html
    assert "not published by the holder" in html
    assert "Ana Silva" not in html and "ana.private@example.org" not in html
    missing = client.get("/certification/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ/")
    assert missing.status_code == 404
    assert "No certificate has this code." in missing.content.decode()


def test_codes_are_unguessable_and_unique(programme, cert_staff):
    codes = set()
    for _index in range(3):
        certification = f.walk_to(S.CERTIFIED, cert_staff)
        codes.add(Certificate.objects.get(certification=certification).code)
    assert len(codes) == 3
    assert all(len(code) == 16 and code.isalnum() and code.isupper() for code in codes)
