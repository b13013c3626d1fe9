"""Two devices (two browser contexts: two IndexedDBs, two service workers)
of one learner study the same day offline, answering overlapping cards in
turns, then come back online one after the other, in either order: every
answer is in the server's log once (none lost, none doubled), each card's
state is the replay of its log in time order, and the device whose answers
arrive second is told that they were merged with the other's."""

from __future__ import annotations

from collections import Counter

import pytest

from studyapp.study.models import ReviewLog
from tests.browser.offline_helpers import device_context, open_online, wait_for, wait_waiting
from tests.browser.test_offline_journey import answer, learner  # noqa: F401 - the fixture
from tests.study.offline_helpers import assert_states_equal_the_replay

pytestmark = pytest.mark.django_db(transaction=True)
TURNS = 2
PER_TURN = 3


def offline_device(browser, live_server, user):
    context = device_context(browser, live_server, user)
    page = context.new_page()
    page.set_default_timeout(20_000)
    open_online(page, live_server)
    context.set_offline(True)
    page.reload()
    wait_for(page, "document.getElementById('study').dataset.device === 'on'", "the page runs from the device")
    return context, page


@pytest.mark.parametrize("first", ["a", "b"])
def test_two_devices_answering_the_same_cards_offline_lose_and_double_nothing(browser, live_server, learner, first):  # noqa: F811
    devices = {name: offline_device(browser, live_server, learner) for name in ("a", "b")}
    given: dict[str, list[tuple[int, int, str]]] = {"a": [], "b": []}
    try:
        for _turn in range(TURNS):
            for name, (_context, page) in devices.items():
                for _ in range(PER_TURN):
                    # Device b forgets more often: the two histories differ.
                    rating = 1 if name == "b" and len(given[name]) % 2 else 3
                    given[name].append(answer(page, rating))
                wait_waiting(page, len(given[name]))
        overlap = {s for s, _r, _k in given["a"]} & {s for s, _r, _k in given["b"]}
        assert overlap, "the two devices answered some of the same cards"

        second = "b" if first == "a" else "a"
        for name in (first, second):
            context, page = devices[name]
            context.set_offline(False)
            wait_waiting(page, 0)
        merged = devices[second][1].locator("#offline-mark").inner_text()
    finally:
        for context, _page in devices.values():
            context.close()

    answers = Counter((state, rating) for name in given for state, rating, _kind in given[name])
    logged = Counter(ReviewLog.objects.filter(user=learner).values_list("state_id", "rating"))
    assert logged == answers
    assert ReviewLog.objects.filter(user=learner).values("client_id").distinct().count() == sum(answers.values())
    assert_states_equal_the_replay(learner)
    assert "merged" in merged, merged
