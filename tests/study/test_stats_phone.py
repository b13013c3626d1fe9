"""The statistics page in a real browser: it fits a phone and breaks no CSP rule."""

import pytest

from tests.browser_fixtures import no_horizontal_scroll
from tests.study.test_stats_view import alice_data, grow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_stats(tab, live_server, client, user) -> list[str]:
    """Open /stats/ as ``user``; returns the console messages about CSP."""
    client.force_login(user)
    tab.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    violations = []
    tab.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    tab.goto(f"{live_server.url}/stats/")
    tab.wait_for_load_state("networkidle")
    return violations


def test_the_page_fits_a_phone_and_the_heatmap_scrolls_in_its_box(phone, live_server, client, alice):
    alice_data(alice)
    grow(alice, cards=11, logs_per_card=30)

    violations = open_stats(phone, live_server, client, alice)

    assert phone.get_by_role("heading", name="Your progress").is_visible()
    assert no_horizontal_scroll(phone)
    assert phone.locator(".chart.forecast").is_visible()
    box = phone.locator(".chart-scroll")
    assert box.evaluate("el => el.scrollWidth >= el.clientWidth")
    # Colours come from the stylesheet: a studied day is not painted like an empty one.
    fills = phone.eval_on_selector_all(
        ".heatmap rect[data-day]", "els => new Set(els.map(e => getComputedStyle(e).fill)).size"
    )
    assert fills >= 2
    assert violations == []


def test_the_page_on_a_laptop(page, live_server, client, alice):
    alice_data(alice)

    violations = open_stats(page, live_server, client, alice)

    assert no_horizontal_scroll(page)
    assert page.locator(".tiles .tile").count() >= 5
    assert violations == []
