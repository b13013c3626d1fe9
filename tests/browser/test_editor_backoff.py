"""The editor's script backs off when the check is throttled (issue 14,
finding 6): after a 429 it shows the server's message, sends no check while
the author keeps typing until Retry-After has passed, then checks the text as
it is by then, once. The page's clock is Playwright's (no real waiting, no
dependence on the machine's speed); the 429 is the first answer of a route."""

import pytest
from playwright.sync_api import expect

from tests.authoring.conftest import make_instructor
from tests.browser.test_authoring_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

RETRY_AFTER_S = 30
REFUSAL = (
    '<section id="preview" aria-live="polite" aria-busy="false">'
    '<p class="check-summary bad" id="check-refusal">Checking paused: too many checks in a short time. '
    f"It resumes in {RETRY_AFTER_S} seconds.</p></section>"
)


@pytest.mark.browser
def test_a_throttled_check_waits_for_retry_after_then_checks_the_latest_text(page, live_server):
    make_instructor("ines")
    base = live_server.url
    log_in(page, base, "ines", "ines-password-1")
    sent: list[str] = []

    def preview(route):
        sent.append(route.request.post_data or "")
        if len(sent) == 1:
            route.fulfill(
                status=429, headers={"Retry-After": str(RETRY_AFTER_S)}, content_type="text/html", body=REFUSAL
            )
        else:
            route.continue_()

    page.route("**/author/new/preview/", preview)
    page.clock.install()
    page.goto(f"{base}/author/new/")
    expect(page.locator("#note-preview")).to_be_visible()
    source = page.locator("#source")
    source.press("End")

    source.type("x")
    page.clock.run_for(1_000)  # the 400 ms pause after typing: one check, refused
    expect(page.locator("#check-refusal")).to_contain_text("Checking paused")
    assert len(sent) == 1

    # Typing on during the pause sends nothing.
    for key in "yz":
        source.type(key)
        page.clock.run_for(1_000)
    page.clock.run_for((RETRY_AFTER_S - 5) * 1_000)
    assert len(sent) == 1
    expect(page.locator("#check-refusal")).to_be_visible()

    # Once Retry-After has passed, the text as it is now is checked, once.
    page.clock.run_for(10_000)
    expect(page.locator("#note-preview")).to_be_visible()
    expect(page.locator("#check-refusal")).to_have_count(0)
    assert len(sent) == 2
    assert "xyz" in sent[1]
    page.clock.run_for(60_000)
    assert len(sent) == 2
