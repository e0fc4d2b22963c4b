"""Sign-in throttling: wrong passwords lock one user name out from one address for a while."""

import time

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADDRESS = "203.0.113.5"
LOCKED = "Too many failed sign-ins; try again in 15 minutes."


def sign_in(client, username: str, password: str, address: str = ADDRESS, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, address: str = ADDRESS) -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong password", address)
        assert response.status_code == 200 and not signed_in(client)


def test_five_wrong_passwords_then_the_right_one_is_refused_with_the_reason(client):
    user = UserFactory()
    fail(client, user.username, 4)
    fifth = sign_in(client, user.username, "wrong password")
    assert LOCKED in fifth.content.decode()  # the failure that locks says so at once
    refused = sign_in(client, user.username, PASSWORD)
    assert refused.status_code == 200
    assert LOCKED in refused.content.decode()
    assert not signed_in(client)


def test_a_locked_out_attempt_does_not_reveal_whether_the_password_was_right(client):
    user = UserFactory()
    fail(client, user.username, 5)
    right = sign_in(client, user.username, PASSWORD)
    wrong = sign_in(client, user.username, "another wrong password")
    assert right.context["form"].errors == wrong.context["form"].errors
    assert LOCKED in str(right.context["form"].errors)


def test_another_user_from_the_same_address_and_the_same_user_elsewhere_still_sign_in(client):
    locked, colleague = UserFactory(), UserFactory()
    fail(client, locked.username, 5)
    sign_in(client, colleague.username, PASSWORD)
    assert signed_in(client)
    client.logout()
    sign_in(client, locked.username, PASSWORD, address="198.51.100.7")
    assert signed_in(client)


def test_the_lockout_ends_after_the_cool_off(client, monkeypatch):
    user = UserFactory()
    fail(client, user.username, 5)
    started = time.time()
    monkeypatch.setattr(time, "time", lambda: started + 14 * 60)
    assert "try again in 1 minute." in sign_in(client, user.username, PASSWORD).content.decode()
    monkeypatch.setattr(time, "time", lambda: started + 15 * 60 + 1)
    sign_in(client, user.username, PASSWORD)
    assert signed_in(client)


def test_a_successful_sign_in_resets_the_count(client):
    user = UserFactory()
    fail(client, user.username, 4)
    sign_in(client, user.username, PASSWORD)
    assert signed_in(client)
    client.logout()
    fail(client, user.username, 4)
    sign_in(client, user.username, PASSWORD)
    assert signed_in(client)


def test_the_limit_and_the_cool_off_come_from_settings(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 120
    user = UserFactory()
    fail(client, user.username, 2)
    response = sign_in(client, user.username, PASSWORD)
    assert "Too many failed sign-ins; try again in 2 minutes." in response.content.decode()
    assert not signed_in(client)


def test_the_admin_sign_in_is_locked_out_too(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(5):
        sign_in(client, user.username, "wrong password", url="/admin/login/")
    refused = sign_in(client, user.username, PASSWORD, url="/admin/login/")
    assert LOCKED in refused.content.decode()
    assert not signed_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client):
    """Without a trusted proxy, X-Forwarded-For is the client's own word and is ignored."""
    user = UserFactory()
    fail(client, user.username, 5)
    response = client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
