"""Issue 14, the study page in Chromium: Esc in the report box hands the keys
back to the session (as the shortcuts help says), and on a phone the verdict
of every option follows the score of a scenario question at once, not after
the whole scenario again."""

import pytest

from studyapp.study.models import CardState
from studyapp.study.services import study_queue_sync
from tests.browser.test_study_flow import mode, press_and_wait
from tests.browser.test_study_keyboard import log_in
from tests.browser_fixtures import no_horizontal_scroll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("device", ["page", "phone"])
def test_esc_in_the_report_box_gives_the_keys_back(request, live_server, learner, device):
    page = request.getfixturevalue(device)
    # A flashcard first: set the note's question (first of its note) aside.
    study_queue_sync(user=learner, profile=learner.profile)
    CardState.objects.filter(user=learner, card__kind="question").update(suspended=True)
    log_in(page, live_server.url)
    assert mode(page) == "front"
    page.locator("#study-card details.report-problem > summary").click()
    comment = page.locator("#study-card details.report-problem textarea")
    comment.click()
    page.keyboard.type("a typo here")
    # In the text box, Space is a space: the keys belong to the box.
    assert mode(page) == "front"
    page.keyboard.press("Escape")
    assert not page.evaluate("document.activeElement.matches('textarea, input, select')")
    # The study keys work again: Space reveals the answer.
    page.keyboard.press("Space")
    assert mode(page) == "back"
    assert page.locator("#card-back").is_visible()
    # What was typed is still there for later.
    assert comment.input_value() == "a typo here"


def test_on_a_phone_the_verdicts_start_right_under_the_score(phone, live_server, learner):
    page = phone
    log_in(page, live_server.url)
    for _ in range(30):
        if mode(page) == "question":
            break
        page.keyboard.press("Space")
        press_and_wait(page, "4")
    assert mode(page) == "question"
    page.keyboard.press("1")
    page.keyboard.press("2")
    press_and_wait(page, "Enter")
    assert mode(page) == "result"
    score = page.locator("#result-heading").bounding_box()
    first = page.locator(".option-result").first.bounding_box()
    gap = first["y"] - (score["y"] + score["height"])
    # Under the score: nothing but a margin between them (it was about 1,000 px
    # on a 375 px wide phone: the whole scenario came first).
    assert 0 <= gap < 60, gap
    # The scenario is still there, after the verdicts, for whoever wants it.
    assert page.locator("#study-card .scenario").count() == 1
    assert no_horizontal_scroll(page)
