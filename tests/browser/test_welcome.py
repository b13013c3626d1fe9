"""Issue 14: right after sign-up, the first step in Chromium: the time zone
comes from the browser (an old spelling such as Asia/Calcutta, which Chromium
reports, is shown as Asia/Kolkata), then exam date and scope, then study. On
a laptop and a phone; without script the page is a plain form."""

from datetime import date, timedelta

import pytest

from studyapp.accounts.models import Profile
from studyapp.notes.services import NoteReport, note_import
from tests import samples
from tests.browser_fixtures import no_horizontal_scroll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SIZES = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def notes():
    assert note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="tst-1.md")).status == "created"


def sign_up(page, base: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_username", "keiko")
    page.fill("#id_password1", "sap-pro-2026-pass")
    page.fill("#id_password2", "sap-pro-2026-pass")
    page.locator("form button.primary").click()
    page.wait_for_url("**/study/welcome/")


@pytest.mark.parametrize("screen", ["laptop", "phone"])
@pytest.mark.parametrize("zone", ["Asia/Calcutta", "Europe/Paris"])
def test_the_first_step_takes_the_time_zone_from_the_browser(browser, live_server, notes, screen, zone):
    phone = screen == "phone"
    context = browser.new_context(
        viewport=SIZES[screen], locale="en-US", timezone_id=zone, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_up(page, live_server.url)
        expected = {"Asia/Calcutta": "Asia/Kolkata"}.get(zone, zone)
        assert page.locator("#id_time_zone").input_value() == expected
        assert page.locator("#time-zone-from-browser").is_visible()
        assert no_horizontal_scroll(page)
        exam = date.today() + timedelta(days=40)
        page.fill("#id_exam_date", exam.isoformat())
        page.select_option("#scope-kind", "domain")
        page.select_option("#scope-value", "Design for New Solutions")
        page.locator("#welcome-save").click()
        page.wait_for_url("**/study/")
        profile = Profile.objects.get(user__username="keiko")
        assert (profile.time_zone, profile.exam_date, profile.scope_kind) == (expected, exam, "domain")
        assert page.locator(".exam-countdown").is_visible()
    finally:
        context.close()


def test_without_script_the_first_step_is_a_plain_form_and_skips(browser, live_server, notes):
    context = browser.new_context(viewport=SIZES["laptop"], locale="en-US", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_up(page, live_server.url)
        assert page.locator("#id_time_zone").input_value() == "UTC"
        page.select_option("#id_time_zone", "Asia/Tokyo")
        page.locator("#welcome-save").click()
        page.wait_for_url("**/study/")
        assert Profile.objects.get(user__username="keiko").time_zone == "Asia/Tokyo"
        page.goto(f"{live_server.url}/study/welcome/")
        page.locator("#welcome-skip").click()
        page.wait_for_url("**/study/")
    finally:
        context.close()
