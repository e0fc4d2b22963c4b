"""The GEOSA builder as a fixture."""

import pytest

from tests.selfassessment.builders import Geosa


@pytest.fixture
def geosa(methodology):
    return Geosa(methodology)
