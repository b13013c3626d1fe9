"""The study page with the keyboard only, in Chromium on a laptop and on a
phone: every control is reached with Tab and used with its own keys (Enter
follows a link, presses a button, opens a summary; Space ticks a box), and
none of that grades a card by accident. The shortcuts act only from the
page itself. U undoes a bury and a suspend."""

import pytest
from django.db.models import F

from studyapp.study.models import CardState, HideAction, ReviewLog
from studyapp.study.services import study_queue_sync
from tests.browser.test_study_flow import mode, press_and_wait, tab_to

pytestmark = pytest.mark.django_db(transaction=True)
DEVICES = ["page", "phone"]


def log_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/study/")
    tab_to(page, "#id_username")
    page.keyboard.type("keiko")
    tab_to(page, "#id_password")
    page.keyboard.type("sap-pro-2026-pass")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/study/"


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => Boolean(document.activeElement && document.activeElement.matches(s))", selector)


def is_open(page, selector: str) -> bool:
    return page.evaluate("(s) => document.querySelector(s).open", selector)


def card_url(page) -> str:
    """Which card is on screen (its bury form names its state)."""
    return page.locator("#study-card form[action*='/study/bury/']").get_attribute("action")


def follow_by_keyboard(page, selector: str, url_part: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert url_part in page.url


@pytest.mark.parametrize("device", DEVICES)
def test_every_control_of_the_study_page_by_keyboard_without_grading_by_accident(request, live_server, learner, device):
    page = request.getfixturevalue(device)
    base = live_server.url
    # The controls of a flashcard: set the note's question (first of its note) aside.
    study_queue_sync(user=learner, profile=learner.profile)
    CardState.objects.filter(user=learner, card__kind="question").update(suspended=True)
    log_in(page, base)
    answers = lambda: ReviewLog.objects.filter(user=learner).count()  # noqa: E731

    # Enter on "Studying:" opens the scope picker; it neither reveals nor grades.
    tab_to(page, "details.scope > summary")
    page.keyboard.press("Enter")
    assert is_open(page, "details.scope") and mode(page) == "front"
    # Enter on "Keyboard shortcuts" opens the list the same way.
    tab_to(page, "details.shortcuts > summary")
    page.keyboard.press("Enter")
    assert is_open(page, "details.shortcuts") and mode(page) == "front"

    # Enter on the Statistics link follows it.
    follow_by_keyboard(page, ".topbar a[href='/stats/']", "/stats/")
    page.goto(f"{base}/study/")
    assert answers() == 0

    # Show the answer with the button's own key, then Enter on Undo: it
    # undoes (nothing yet), it does not grade the card on screen Good.
    shown = card_url(page)
    tab_to(page, "#reveal-button")
    page.keyboard.press("Enter")
    assert mode(page) == "back"
    tab_to(page, "#undo-button")
    press_and_wait(page, "Enter")
    assert answers() == 0
    assert "Nothing to undo." in page.locator("#study-flash").inner_text()
    assert card_url(page) == shown

    # Keys typed into the language menu stay there.
    tab_to(page, "#language")
    for key in ("1", "3", "b", "s", "u"):
        page.keyboard.press(key)
    assert answers() == 0 and not HideAction.objects.exists()
    assert "/study/" in page.url

    # Reveal with Space from the page; Tab goes on to the grades, and Enter on
    # Hard grades Hard: chosen, not by accident.
    page.keyboard.press("Escape")
    page.locator("#study-card").focus()
    page.keyboard.press("Space")
    assert mode(page) == "back"
    page.keyboard.press("Tab")
    assert focused(page, ".grade.again")
    page.keyboard.press("Tab")
    assert focused(page, ".grade.hard")
    press_and_wait(page, "Enter")
    assert list(ReviewLog.objects.filter(user=learner).values_list("rating", flat=True)) == [2]

    # Enter on Undo undoes that answer, once.
    tab_to(page, "#undo-button")
    press_and_wait(page, "Enter")
    assert answers() == 0
    assert card_url(page) == shown

    # Bury with Enter on its button; it says so; U undoes it.
    state_id = int(shown.rstrip("/").rsplit("/", 1)[1])
    tab_to(page, "#bury-button")
    press_and_wait(page, "Enter")
    assert "Card buried until tomorrow." in page.locator("#study-flash").inner_text()
    assert card_url(page) != shown
    assert CardState.objects.get(pk=state_id).buried_until is not None
    press_and_wait(page, "u")
    assert "Bury undone" in page.locator("#study-flash").inner_text()
    assert card_url(page) == shown
    assert CardState.objects.get(pk=state_id).buried_until is None

    # Suspend with its key; undo with the Undo button in the notice.
    press_and_wait(page, "s")
    assert "Card suspended" in page.locator("#study-flash").inner_text()
    assert CardState.objects.get(pk=state_id).suspended
    tab_to(page, "#flash-undo")
    press_and_wait(page, "Enter")
    assert "Suspend undone" in page.locator("#study-flash").inner_text()
    assert not CardState.objects.get(pk=state_id).suspended
    assert answers() == 0

    # The card's note link and the hidden-cards link are followed with Enter.
    follow_by_keyboard(page, "#study-card .card-meta a", "/notes/TST-1/")
    page.goto(f"{base}/study/")
    follow_by_keyboard(page, "#hidden-link", "/study/hidden/")
    page.goto(f"{base}/study/")

    # The scope picker by keyboard: a kind without a value shows the page
    # again with the error, then a value is chosen and studied.
    tab_to(page, "details.scope > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#scope-kind")
    page.keyboard.press("End")  # the last kind: one note
    tab_to(page, ".scope-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#scope-errors").is_visible()
    assert page.locator("#study-card").count() == 1
    tab_to(page, "#scope-value")
    page.keyboard.press("End")
    tab_to(page, ".scope-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    learner.profile.refresh_from_db()
    assert (learner.profile.scope_kind, learner.profile.scope_value) == ("note", "TST-1")
    assert answers() == 0

    # Enter on "Log out" logs out.
    tab_to(page, ".topbar button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{base}/study/")
    assert "/accounts/login/" in page.url
    assert answers() == 0


@pytest.mark.parametrize("device", DEVICES)
def test_a_scenario_question_by_keyboard_and_its_result_from_the_top(request, live_server, learner, device):
    page = request.getfixturevalue(device)
    base = live_server.url
    log_in(page, base)
    # The scenario question first (set up in the database, not by keyboard).
    CardState.objects.filter(user=learner).exclude(card__kind="question").update(new_rank=F("new_rank") + 100)
    page.goto(f"{base}/study/")
    assert mode(page) == "question"
    boxes = page.locator("#study-card input[type=checkbox]")

    # On a checkbox, Space is the box's own and digits do nothing.
    tab_to(page, "#study-card input[data-index='1']")
    page.keyboard.press("Space")
    page.keyboard.press("2")
    assert [boxes.nth(i).is_checked() for i in range(4)] == [True, False, False, False]
    # Esc gives the keys back to the page: digits toggle options again.
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    page.keyboard.press("1")
    assert [boxes.nth(i).is_checked() for i in range(4)] == [False, True, False, False]
    page.keyboard.press("3")

    # Answer from the bottom of the page, as on a phone after reading it all.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    press_and_wait(page, "Enter")
    assert mode(page) == "result"
    assert ReviewLog.objects.filter(user=learner).get().chosen is not None
    # The result is shown from its top: the score is on screen and has the focus.
    top = page.evaluate("document.getElementById('result-heading').getBoundingClientRect().top")
    height = page.evaluate("window.innerHeight")
    assert 0 <= top < height / 2, (top, height)
    assert focused(page, "#result-heading")
    # Space from there goes on to the next card.
    press_and_wait(page, "Space")
    assert mode(page) in {"front", "question", "done"}
