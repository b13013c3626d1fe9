"""The exam report on a phone (375 px), in English and Japanese: the whole
page, its scenarios opened, never scrolls sideways; the trend is drawn
with its table beside it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from studyapp.exams import services as exams
from studyapp.exams.models import Attempt, Blueprint
from studyapp.exams.shipped import blueprints_shipped_ensure
from studyapp.notes.services import NoteReport, note_import
from tests.browser_fixtures import no_horizontal_scroll, session_cookie, wait_until_settled
from tests.conftest import NOTES

pytestmark = pytest.mark.django_db(transaction=True)


def sit(user, blueprint, *, start, answered: int) -> Attempt:
    attempt = exams.attempt_start(user=user, blueprint=blueprint, kind=Attempt.Kind.MOCK, now=start)
    for item in attempt.items.filter(position__lte=answered):
        exams.attempt_answer(
            user=user,
            attempt_id=attempt.pk,
            position=item.position,
            chosen=item.option_order[: item.needed],
            time_ms=61_000,
            now=start,
        )
    return exams.attempt_submit(user=user, attempt_id=attempt.pk, now=start + timedelta(minutes=90))


@pytest.fixture
def report(alice):
    for path in sorted(NOTES.glob("*.md")):
        note_import(raw=path.read_bytes(), report=NoteReport(path=str(path)))
    blueprints_shipped_ensure(Blueprint)
    sap_c02 = Blueprint.objects.get(code="SAP-C02")
    now = timezone.now()
    sit(alice, sap_c02, start=now - timedelta(days=3), answered=30)
    return sit(alice, sap_c02, start=now - timedelta(days=1), answered=60)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_report_never_scrolls_sideways_on_a_phone(browser, live_server, alice, report, language):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    context.add_cookies(
        [
            session_cookie(live_server, alice),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/exams/attempts/{report.pk}/report/")
        wait_until_settled(page)
        assert page.locator("svg.trend circle").count() == 2
        assert page.locator("table.report-trend tbody tr").count() == 2
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth + 1).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + "
            "Math.round(e.getBoundingClientRect().right) + ' ' + e.textContent.slice(0, 60))"
        )
        assert no_horizontal_scroll(page), f"the report scrolls sideways on a phone: {wide}"
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        assert no_horizontal_scroll(page), "an opened scenario scrolls sideways on a phone"
    finally:
        context.close()
