"""Security tests: fresh throttle counters for every test (the browser is tests/browser.py's)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()
