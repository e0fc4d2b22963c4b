import pytest
from django.conf import settings

from audits.library import load_library

LIBRARY_FOLDER = settings.METHODOLOGY_LIBRARY / "pga" / "2026.1"


@pytest.fixture
def methodology(db):
    """The shipped methodology library, loaded as `make run` loads it."""
    return load_library(LIBRARY_FOLDER).methodology


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2's deliberate slowness protects real passwords, not test fixtures."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions on messages are written in English whatever the machine's locale."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
