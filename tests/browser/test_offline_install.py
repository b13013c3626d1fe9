"""The app is installable: Chromium's own check (CDP
``Page.getInstallabilityErrors``) finds nothing missing on the study page,
whose manifest names the app, starts at the study page, shows standalone
and has icons (maskable ones too); the service worker controls the page.

Chromium never offers to install from an incognito profile, which every
``browser.new_context()`` is: the check runs in a profile on disk."""

import pytest

from tests.browser.offline_helpers import open_online
from tests.browser_fixtures import ARGS, CHROMIUM, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_finds_the_study_page_installable(browser, live_server, learner, tmp_path):
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=ARGS, service_workers="allow"
    )
    context.add_cookies([session_cookie(live_server, learner)])
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        open_online(page, live_server)
        assert page.evaluate("Boolean(navigator.serviceWorker.controller)")
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert not manifest.get("errors"), manifest.get("errors")
        assert manifest["url"].endswith("/manifest.webmanifest")
        served = page.request.get(manifest["url"]).json()
        assert served["start_url"] == "/study/"
        assert served["display"] == "standalone"
        assert {"any", "maskable"} == {icon["purpose"] for icon in served["icons"]}
    finally:
        context.close()
