import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from facilitators.library import load_programme
from facilitators.selectors import CERTIFICATION_STAFF_GROUP
from tests.factories import UserFactory

PROGRAMME_FOLDER = settings.METHODOLOGY_LIBRARY / "certification" / "2026.1"


@pytest.fixture
def programme(db):
    """The shipped certification programme, loaded as `manage.py loadcertification` loads it."""
    return load_programme(PROGRAMME_FOLDER).programme


@pytest.fixture
def cert_staff(db):
    """A member of the "Certification staff" group who is not a site administrator."""
    user = UserFactory(username="certstaff", first_name="Carla", last_name="Staff")
    user.groups.add(Group.objects.get_or_create(name=CERTIFICATION_STAFF_GROUP)[0])
    return user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
