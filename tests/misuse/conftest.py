"""The shared world, built once for the package (about 15 s) in a transaction rolled back at the end.

Each test runs in its own savepoint on top, so what a test writes is gone before the next one.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from tests.misuse.world import BUILD_SETTINGS, World, build_world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    media = tmp_path_factory.mktemp("misuse-media")
    with (
        django_db_blocker.unblock(),
        override_settings(**BUILD_SETTINGS, MEDIA_ROOT=media),
        translation.override("en"),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def as_role(world, db, client):
    """A test client signed in as the role (or anonymous)."""

    def sign_in(role: str):
        client.cookies.clear()
        if role in world.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        return client

    return sign_in
