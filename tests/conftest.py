import pytest
from django.conf import settings

from audits.library import load_library

pytest_plugins = ["tests.browser"]

LIBRARY_FOLDER = settings.METHODOLOGY_LIBRARY / "pga" / "2026.1"


@pytest.fixture
def methodology(db):
    """The shipped methodology library, loaded as `make run` loads it."""
    return load_library(LIBRARY_FOLDER).methodology


@pytest.fixture(autouse=True)
def _test_server_settings(settings):
    """The suite runs with production settings (DEBUG off), minus what needs a real deployment.

    The test client and the live server speak plain HTTP, static files have not been collected into
    a manifest, and PBKDF2's deliberate slowness protects real passwords, not fixtures.
    """
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0  # else Chromium remembers HSTS for localhost and refuses http
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions on messages are written in English whatever the machine's locale."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
