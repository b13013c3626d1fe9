"""Chromium through Playwright, for any test that asks for ``page``, ``phone``
or ``browser`` (loaded as a plugin by tests/conftest.py). Under CI=true a missing browser fails the run;
elsewhere the browser tests are skipped with a reason that -ra prints."""

import os
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Playwright's sync API runs an event loop in this thread; the ORM calls that
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _InFlight:
    """Requests the live server is still answering. A page left behind by a
    test may still be fetching (the study page fetches the day's bundle for
    offline use after it loads); the database must not be flushed under it
    (SQLite: "database table is locked"; PostgreSQL: the flush's TRUNCATE and
    the request's reads deadlock, and the flush is the one cancelled)."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    @staticmethod
    def _served(sender) -> bool:
        # The live server's handler; not the test client's (ClientHandler,
        # or None for a response it made), whose streamed responses may
        # never be read to the end.
        return sender is not None and getattr(sender, "__name__", "") != "ClientHandler"

    def started(self, sender=None, **kwargs):
        if self._served(sender):
            with self.lock:
                self.count += 1

    def finished(self, sender=None, **kwargs):
        if self._served(sender):
            with self.lock:
                self.count = max(0, self.count - 1)


IN_FLIGHT = _InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="browser-tests-in-flight-started")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="browser-tests-in-flight-finished")
# A bound, not a measure of speed: a request whose client went away may
# never report its end, and no test should wait long for it.
QUIET_LIMIT_SECONDS = 10


@pytest.fixture(autouse=True)
def _live_server_quiet_before_flush(request):
    """After a live-server test, wait until the server has answered every
    request before the database is flushed. Asks for transactional_db, so
    this teardown runs before the flush."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    with IN_FLIGHT.lock:
        IN_FLIGHT.count = 0  # what an earlier test left unreported is not this test's
    yield
    deadline = time.monotonic() + QUIET_LIMIT_SECONDS
    while IN_FLIGHT.count and time.monotonic() < deadline:
        time.sleep(0.02)


def pytest_collection_modifyitems(items):
    for item in items:
        if {"browser", "page", "phone"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires the browser tests: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# No htmx request on its way, and no study page with an action waiting for the
# server (static/js/study.js keeps the count in data-pending). Pages without
# #study only wait for htmx.
IDLE = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    " && !document.querySelector('#study:not([data-pending=\"0\"])')"
)
# A guard against a page that never settles, not a measure of speed: far more
# than any answer takes on a busy 2-core machine.
SETTLE_LIMIT_SECONDS = 120


def wait_until_settled(page) -> None:
    """Until the page is idle (IDLE). Polls: wait_for_function evaluates
    strings, which our CSP forbids."""
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    while not page.evaluate(IDLE):
        if time.monotonic() > deadline:
            raise AssertionError("the page never settled")
        page.wait_for_timeout(25)


def session_cookie(live_server, user) -> dict:
    """A signed-in session for ``user``, as a cookie for a browser context."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}
