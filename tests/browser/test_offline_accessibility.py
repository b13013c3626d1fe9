"""The study page running from the device, and the offline page, checked
by axe-core in Chromium: 0 serious or critical violations, desktop and
phone (never scrolling sideways), English and Japanese. Every screen of device mode is checked: a
flashcard's front and back, a scenario question and its result, a bury's
notice with its Undo, and the offline page the worker serves for a page it
does not keep."""

import pytest
from django.conf import settings

from studyapp.accounts.services import profile_get
from tests.browser.offline_helpers import device_context, open_online, shown, wait_for
from tests.browser.test_accessibility import LANGUAGES, VIEWPORTS, _violations
from tests.browser.test_offline_journey import learner  # noqa: F401 - the fixture: a question first, then flashcards
from tests.browser_fixtures import no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page, label: str, problems: list[str]) -> None:
    problems.extend(f"{label}: {violation}" for violation in _violations(page))
    if not no_horizontal_scroll(page):
        problems.append(f"{label}: the page scrolls sideways")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_device_mode_and_the_offline_page_have_no_serious_violation(browser, live_server, learner, viewport, language):  # noqa: F811
    profile = profile_get(user=learner)
    profile.language = language
    profile.save(update_fields=["language"])
    context = device_context(browser, live_server, learner, **VIEWPORTS[viewport])
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    try:
        open_online(page, live_server)
        context.set_offline(True)
        page.reload()
        wait_for(page, "document.getElementById('study').dataset.device === 'on'", "the page runs from the device")
        label = f"({viewport}, {language})"
        assert shown(page)["mode"] == "question"
        _check(page, f"question {label}", problems)
        page.keyboard.press("1")
        page.keyboard.press("Enter")
        page.locator("#study-card[data-mode=result]").wait_for()
        _check(page, f"question answered {label}", problems)
        page.keyboard.press("Space")
        assert shown(page)["mode"] == "front"
        _check(page, f"flashcard {label}", problems)
        page.keyboard.press("Space")
        _check(page, f"flashcard's back {label}", problems)
        page.keyboard.press("b")
        page.locator("#study-card #study-flash #flash-undo").wait_for()
        _check(page, f"bury notice {label}", problems)
        assert not page.locator("#offline-mark").is_hidden()
        page.goto(f"{live_server.url}/stats/")
        page.locator("#offline-heading").wait_for()
        _check(page, f"offline page {label}", problems)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
