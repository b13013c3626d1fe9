"""Issue 14: a learner searches from the box in the navigation, in Chromium,
on a laptop and a phone; the study keys do not act while typing there."""

import pytest

from studyapp.study.models import CardState, ReviewLog
from studyapp.study.services import study_queue_sync
from tests.browser.test_study_flow import mode
from tests.browser.test_study_keyboard import log_in
from tests.browser_fixtures import no_horizontal_scroll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_learner_searches_from_the_navigation(request, live_server, device, learner):
    page = request.getfixturevalue(device)
    base = live_server.url
    # The study keys of a flashcard: set the note's question (first of its note) aside.
    study_queue_sync(user=learner, profile=learner.profile)
    CardState.objects.filter(user=learner, card__kind="question").update(suspended=True)
    log_in(page, base)
    assert mode(page) == "front"
    page.locator("#nav-search-q").click()
    # Space and digits are letters here, not the study keys.
    page.keyboard.type("複製機能 1")
    assert mode(page) == "front" and ReviewLog.objects.count() == 0
    page.locator("#nav-search-q").fill("複製機能")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/?q=" in page.url
    hits = page.locator("li.search-hit")
    assert hits.count() == 1
    assert "TST-1" in hits.first.inner_text()
    assert no_horizontal_scroll(page)
    # Another search from the page's own form, answered in place.
    page.locator("#search-q").fill("Glacier")
    page.locator(".search-form button[type=submit]").click()
    page.wait_for_selector("#search-none")
    assert "q=Glacier" in page.url
    hits.first.wait_for(state="detached")
    page.locator("#search-q").fill("replication")
    page.locator(".search-form button[type=submit]").click()
    page.wait_for_selector("li.search-hit")
    page.locator("li.search-hit h2 a").first.click()
    page.wait_for_url("**/notes/TST-1/")
