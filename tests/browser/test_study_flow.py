"""The candidate's journey in Chromium, keyboard only: sign up, set an exam
date, study (reveal, Good, Again, undo), answer a scenario question and read
every option's reasoning, then see those reviews on the statistics page.
Run on a laptop and on a phone-sized screen (no horizontal scrolling)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User

from studyapp.notes.services import NoteReport, note_import
from studyapp.study.models import ReviewLog
from tests import samples
from tests.browser_fixtures import no_horizontal_scroll, wait_until_settled

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def notes_to_study():
    report = note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="tst-1.md"))
    assert report.status == "created"


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def fill_by_keyboard(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def mode(page) -> str:
    return page.locator("#study-card").get_attribute("data-mode")


def press_and_wait(page, key: str) -> None:
    """Press a key that talks to the server, and wait until its answer is on
    the page."""
    with page.expect_response(lambda response: "/study/" in response.url):
        page.keyboard.press(key)
    wait_until_settled(page)


def sign_up(page, base: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    fill_by_keyboard(page, "#id_username", "keiko")
    fill_by_keyboard(page, "#id_password1", "sap-pro-2026-pass")
    fill_by_keyboard(page, "#id_password2", "sap-pro-2026-pass")
    page.keyboard.press("Enter")
    # The first step after sign-up (issue 14); the exam date is set in the settings below.
    page.wait_for_url("**/study/welcome/")
    tab_to(page, "#welcome-skip")
    page.keyboard.press("Enter")
    page.wait_for_url("**/study/")


def set_exam_date(page, base: str, exam: date) -> None:
    page.goto(f"{base}/accounts/settings/")
    tab_to(page, "#id_exam_date")
    page.keyboard.type(exam.strftime("%m%d%Y"))  # the en-US date field takes mm dd yyyy
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_exam_date").input_value() == exam.isoformat()


@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_a_candidate_studies_with_the_keyboard_only(browser, live_server, notes_to_study, screen):
    size = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}[screen]
    context = browser.new_context(
        viewport=size, locale="en-US", is_mobile=screen == "phone", has_touch=screen == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    base = live_server.url
    try:
        sign_up(page, base)
        assert no_horizontal_scroll(page)
        exam = date.today() + timedelta(days=45)
        set_exam_date(page, base, exam)
        assert no_horizontal_scroll(page)

        page.goto(f"{base}/study/")
        assert "Exam in" in page.locator(".exam-countdown").inner_text()
        assert no_horizontal_scroll(page)
        learner = User.objects.get(username="keiko")

        # Questions first: the note's scenario question before the cards that name its answer.
        assert mode(page) == "question"
        assert no_horizontal_scroll(page)
        page.keyboard.press("1")
        page.keyboard.press("2")
        press_and_wait(page, "Enter")
        assert mode(page) == "result"
        results = page.locator(".option-result")
        assert results.count() == 4
        for i in range(4):
            assert results.nth(i).locator(".why").inner_text().strip()
            assert results.nth(i).locator(".verdict").is_visible()
        assert "Score:" in page.locator(".score").inner_text()
        assert no_horizontal_scroll(page)
        press_and_wait(page, "Space")
        flashcard_logs = ReviewLog.objects.filter(user=learner).exclude(card__kind="question").order_by("id")

        # Reveal, then Space again grades Good.
        assert mode(page) == "front"
        page.keyboard.press("Space")
        assert mode(page) == "back" and page.locator("#card-back").is_visible()
        assert no_horizontal_scroll(page)
        press_and_wait(page, "Space")
        assert list(flashcard_logs.values_list("rating", flat=True)) == [3]

        # Reveal, grade Again, undo: the card is back and its answer is gone.
        page.keyboard.press("Space")
        again_card = page.locator("#study-card form.grades").get_attribute("action")
        press_and_wait(page, "1")
        assert list(flashcard_logs.values_list("rating", flat=True)) == [3, 1]
        press_and_wait(page, "u")
        assert page.locator("#study-card form.grades").get_attribute("action") == again_card
        assert list(flashcard_logs.values_list("rating", flat=True)) == [3]
        assert "2 done" in page.locator("#study-progress").inner_text()  # the question and one card

        answers = ReviewLog.objects.filter(user=learner).count()
        page.goto(f"{base}/stats/")
        assert f"{answers} answers today" in page.locator("body").inner_text()
        assert page.locator(".heatmap rect[data-count]").count() > 0 or page.locator("svg.heatmap").count() > 0
        assert no_horizontal_scroll(page)
    finally:
        context.close()
