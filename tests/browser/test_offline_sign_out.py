"""Signing out forgets what the device kept of the learner's day: the copy
of the study page and the day's cards (the worker does it for the logout
form of any page)."""

import pytest

from tests.browser.offline_helpers import CACHES, DAYS_KEPT, device_context, open_online, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_signing_out_forgets_the_day_and_the_page_kept_on_the_device(browser, live_server, learner):
    context = device_context(browser, live_server, learner)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        open_online(page, live_server)
        assert page.evaluate(DAYS_KEPT) == 1
        assert any(name.startswith("studyapp-pages-") for name in page.evaluate(CACHES))
        with page.expect_navigation():
            page.get_by_role("button", name="Log out").click()
        assert "/study/" not in page.url
        wait_for(page, DAYS_KEPT + ".then((count) => count === 0)", "the day is forgotten")
        assert not any(name.startswith("studyapp-pages-") for name in page.evaluate(CACHES))
    finally:
        context.close()
