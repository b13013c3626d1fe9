"""Getting started as an instructor, in Chromium (issue 14, finding 10): an
administrator makes a learner an instructor on the staff page; the new
instructor, who is not staff, finds "Write" in the top bar and no "Admin".
On a laptop and on a phone (the page never scrolls sideways)."""

import pytest
from django.contrib.auth.models import User

from tests.browser.test_authoring_journey import log_in
from tests.browser_fixtures import no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.mark.parametrize("screen", SIZES)
def test_an_administrator_makes_an_instructor_who_then_writes_without_staff(browser, live_server, screen):
    User.objects.create_superuser("root", "root@example.com", "root-password-1")
    User.objects.create_user("keiko", "keiko@example.com", "keiko-password-1")
    phone = screen == "phone"
    base = live_server.url
    problems = []
    for who, password in (("root", "root-password-1"), ("keiko", "keiko-password-1")):
        context = browser.new_context(viewport=SIZES[screen], locale="en-US", is_mobile=phone, has_touch=phone)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
            log_in(page, base, who, password)
            if who == "root":
                page.goto(f"{base}/accounts/instructors/")
                assert no_horizontal_scroll(page)
                page.fill("#id_username", "keiko")
                page.get_by_role("button", name="Make instructor").click()
                page.wait_for_load_state("networkidle")
                assert "keiko is now an instructor." in page.inner_text("main")
                assert page.get_by_role("button", name="Remove the role (keiko)").is_visible()
                assert no_horizontal_scroll(page)
            else:
                top_bar = page.locator("header.topbar")
                assert top_bar.get_by_role("link", name="Admin").count() == 0
                top_bar.get_by_role("link", name="Write").click()
                page.wait_for_load_state("networkidle")
                assert page.url.endswith("/author/")
        finally:
            context.close()
    assert problems == []
    keiko = User.objects.get(username="keiko")
    assert not keiko.is_staff and keiko.has_perm("authoring.author_notes")
