"""Shared by the offline browser tests: a learner's browser context with
service workers allowed, and waits that poll the study page's own marks
(``#study[data-offline]``, ``[data-waiting]``, ``[data-device]``), never a
timing."""

from __future__ import annotations

import time

from tests.browser_fixtures import session_cookie, wait_until_settled

# A guard against a page that never gets there, not a measure of speed.
LIMIT_SECONDS = 120


def device_context(browser, live_server, user, **options):
    context = browser.new_context(service_workers="allow", **{"viewport": {"width": 1280, "height": 900}, **options})
    context.add_cookies([session_cookie(live_server, user)])
    return context


def wait_for(page, script: str, what: str) -> None:
    deadline = time.monotonic() + LIMIT_SECONDS
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        page.wait_for_timeout(50)


def study(page) -> dict:
    return page.evaluate("({...document.getElementById('study').dataset})")


def open_online(page, live_server) -> None:
    """The study page, online, until the device keeps the day and the page."""
    page.goto(f"{live_server.url}/study/")
    wait_until_settled(page)
    wait_for(page, "document.getElementById('study').dataset.offline === 'ready'", "the device is ready")


def waiting(page) -> int:
    return int(study(page).get("waiting", "0"))


def wait_waiting(page, count: int) -> None:
    wait_for(page, f"document.getElementById('study').dataset.waiting === '{count}'", f"{count} answers waiting")


def shown(page) -> dict:
    card = page.locator("#study-card")
    return {"key": card.get_attribute("data-key"), "mode": card.get_attribute("data-mode")}


# What the device keeps, read from the page (no library: any page can ask).
CACHES = "caches.keys()"
DAYS_KEPT = """new Promise((resolve) => {
  const opening = indexedDB.open("studyapp-offline");
  opening.onsuccess = () => {
    const counting = opening.result.transaction("days").objectStore("days").count();
    counting.onsuccess = () => resolve(counting.result);
  };
})"""
