"""Security tests: fresh throttle counters for every test, and a browser of their own.

The browser runs in a thread of its own: Playwright's sync API cannot start twice in one thread, and
the session-wide browser of tests/e2e stays open in the main thread when both folders run together.
"""

import os
import threading
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connections

from tests.browser import CHROMIUM

# The Playwright thread runs an event loop; the test's ORM calls in it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def run_in_browser(live_server) -> Callable:
    """run_in_browser(body): calls body(page) with a Chromium page on the live server, in its own thread."""

    def run(body: Callable) -> None:
        failures: list[BaseException] = []

        def target() -> None:
            from playwright.sync_api import sync_playwright

            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=CHROMIUM,
                        headless=True,
                        args=[
                            "--no-sandbox",
                            "--disable-gpu",
                            "--no-first-run",
                            "--disable-background-networking",
                        ],
                    )
                    page = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
                    page.set_default_timeout(10_000)
                    try:
                        body(page)
                    finally:
                        browser.close()
            except BaseException as failure:  # re-raised in the test's own thread
                failures.append(failure)
            finally:
                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
        if failures:
            raise failures[0]

    return run
