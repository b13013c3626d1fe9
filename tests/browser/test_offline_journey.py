"""The acceptance journey of issue 19, in Chromium: the study page opened
online, the network gone, the page reloaded (served by the service worker),
30 answers from the device (an Again that comes back, an undo, a scenario
question), the page closed and opened again offline, 10 more answers, the
network back: the server's review log holds the 40 answers in the order
given, once each, and every state equals a replay of its log computed here,
independently of the server's own code.

No timing is asserted: the test waits for the page's own marks
(tests/browser/offline_helpers.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db.models import F

from studyapp.notes.models import Card
from studyapp.notes.services import NoteReport, note_import
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from tests.browser.offline_helpers import device_context, open_online, shown, wait_for, wait_waiting
from tests.conftest import NOTES
from tests.study.offline_helpers import assert_states_equal_the_replay

pytestmark = pytest.mark.django_db(transaction=True)
NOTE_IDS = ("SAP-101", "SAP-102", "SAP-103")
QUESTION_NOTE = "SAP-102"  # its scenario question has option texts
NEW_PER_DAY = 15


@pytest.fixture
def learner():
    for note_id in NOTE_IDS:
        report = note_import(raw=(NOTES / f"{note_id}.md").read_bytes(), report=NoteReport(path=f"{note_id}.md"))
        assert not report.errors
    user = User.objects.create_user("keiko", "keiko@example.com", "sap-pro-2026-pass")
    profile = user.profile
    # Few new cards: once they are introduced, the session goes on with the
    # cards in learning (shown ahead), so answered cards come back.
    profile.new_per_day = NEW_PER_DAY
    profile.save()
    services.study_session_open(user=user, profile=profile)
    # The scenario question first.
    CardState.objects.filter(user=user).update(new_rank=F("new_rank") + 1)
    CardState.objects.filter(user=user, card__note__note_id=QUESTION_NOTE, card__kind=Card.Kind.QUESTION).update(
        new_rank=0
    )
    return user


def answer(page, rating: int) -> tuple[int, int, str]:
    """Answer the card on screen with the keyboard: (state id, rating, kind).
    A scenario question: its right options chosen by their keys, checked, and
    scored 100 % (Good). Right, not wrong: a wrong option pulls the cards that
    explain it forward (docs/study.md), a change no log row records, so the
    replay of the log could not follow it; which option is wrong at key 1
    depends on the shuffled order."""
    card = shown(page)
    state_id = int(card["key"].split(":")[0])
    if card["mode"] == "question":
        note = CardState.objects.select_related("card__note").get(pk=state_id).card.note
        right = {option.letter for option in note.options.all() if option.is_correct}
        shown_letters = page.eval_on_selector_all("#study-card input[name=choice]", "boxes => boxes.map(b => b.value)")
        for number, letter in enumerate(shown_letters, start=1):
            if letter in right:
                page.keyboard.press(str(number))
        page.keyboard.press("Enter")
        page.locator("#study-card[data-mode=result]").wait_for()
        shown_score = page.locator("#result-heading [data-slot=score]").inner_text()
        assert int(re.search(r"(\d+)\s*%", shown_score).group(1)) == 100, shown_score
        page.keyboard.press("Space")
        return state_id, 3, "answer"
    assert card["mode"] == "front", card
    page.keyboard.press("Space")
    page.keyboard.press(str(rating))
    return state_id, rating, "grade"


def rating_for(number: int) -> int:
    # Again now and then (those cards come back), Hard once, else Good.
    return 1 if number % 5 == 2 else 2 if number == 7 else 3


def study_offline(page, given: list, count: int, *, undo_at: int | None = None) -> None:
    for _ in range(count):
        number = len(given)
        given.append(answer(page, rating_for(number)))
        if number == undo_at:
            undone = given.pop()
            page.keyboard.press("u")
            wait_for(page, "Boolean(document.querySelector('#study-card #study-flash'))", "the undo notice")
            assert int(shown(page)["key"].split(":")[0]) == undone[0], "undo shows the card again"
            given.append(answer(page, 3))
        wait_waiting(page, len(given))


def test_forty_answers_given_offline_reach_the_server_once_each_in_order(browser, live_server, learner):
    context = device_context(browser, live_server, learner)
    page = context.new_page()
    page.set_default_timeout(20_000)
    given: list[tuple[int, int, str]] = []
    try:
        open_online(page, live_server)
        context.set_offline(True)
        page.reload()
        wait_for(page, "document.getElementById('study').dataset.device === 'on'", "the page runs from the device")
        mark = page.locator("#offline-mark")
        assert mark.get_attribute("aria-live") == "polite"
        study_offline(page, given, 30, undo_at=5)
        assert "30" in mark.inner_text()
        page.close()

        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_server.url}/study/")
        wait_for(page, "document.getElementById('study').dataset.device === 'on'", "the page runs from the device")
        wait_waiting(page, 30)
        study_offline(page, given, 10)
        assert ReviewLog.objects.filter(user=learner).count() == 0, "nothing reached the server while offline"

        context.set_offline(False)
        wait_waiting(page, 0)
    finally:
        context.close()

    kinds = {kind for _state, _rating, kind in given}
    assert kinds == {"grade", "answer"}, "a scenario question was answered"
    assert any(rating == 1 for _state, rating, _kind in given), "an Again was given"
    states = [state for state, _rating, _kind in given]
    assert len(set(states)) < len(states), "answered cards came back (learning steps)"
    logs = list(ReviewLog.objects.filter(user=learner).order_by("reviewed_at", "id"))
    assert [(log.state_id, log.rating) for log in logs] == [(state, rating) for state, rating, _kind in given]
    assert len({log.client_id for log in logs}) == 40
    assert_states_equal_the_replay(learner)
