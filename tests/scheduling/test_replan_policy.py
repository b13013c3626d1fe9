"""Replanning after a change of the exam date or the budget
(``exam.replan``), and a day plan made mid-session (``plan_day``'s
``done_today``), without Django. Recall is computed here from FSRS-6's
formula, apart from the module's own code.

Run alone with: .venv/bin/python -m pytest tests/scheduling -p no:django -q"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from fsrs import Card, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.scheduling.exam import NO_DAY_LEFT, NO_ROOM, fsrs_due, plan_day, replan

TODAY = datetime(2025, 3, 3, tzinfo=UTC)  # fsrs time: a study day's midnight
DAY = timedelta(days=1)
SCHEDULER = Scheduler(enable_fuzzing=False)
TARGET = 0.975


def recall(card: Card, at: datetime) -> float:
    decay = SCHEDULER.parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * (at - card.last_review).days / card.stability) ** -decay


def card(card_id: int, *, stability: float, reviewed_days_ago: int, due_in: int) -> Card:
    return Card(
        card_id=card_id,
        state=State.Review,
        stability=stability,
        difficulty=5.0,
        due=TODAY + due_in * DAY,
        last_review=TODAY - reviewed_days_ago * DAY,
    )


def deck(n: int, *, due_in: int, reviewed_days_ago: int = 3) -> list[Card]:
    return [
        card(i, stability=3 + 50 * i / n, reviewed_days_ago=reviewed_days_ago, due_in=due_in + i % 7) for i in range(n)
    ]


def loads(cards: list[Card], result, days: int, done_today: int = 0) -> Counter:
    per_day = Counter()
    for c in cards:
        due = result.due.get(c.card_id, c.due)
        offset = max(0, (due - TODAY).days)
        if offset < days:
            per_day[offset] += 1
    per_day[0] += done_today
    return per_day


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 80),
    days=st.integers(2, 40),
    budget=st.integers(1, 30),
    done=st.integers(0, 10),
    due_in=st.integers(0, 60),
)
def test_no_day_before_the_exam_gets_more_than_the_budget_and_every_card_below_target_is_placed_or_named(
    n, days, budget, done, due_in
):
    cards = deck(n, due_in=due_in)
    exam_at = TODAY + days * DAY
    before = loads(cards, type("R", (), {"due": {}})(), days, done)
    result = replan(scheduler=SCHEDULER, cards=cards, today=TODAY, budget=budget, exam_at=exam_at, done_today=done)
    after = loads(cards, result, days, done)
    # Days already over the budget before the change stay as they were (the
    # day plan postpones what needs no review); nothing is added to them.
    for day, load in after.items():
        assert load <= max(budget, before[day])
    unplaced = {c.card_id for c, _ in result.unplaced}
    for c in cards:
        due = result.due.get(c.card_id, c.due)
        if recall(c, exam_at) < TARGET and c.card_id not in unplaced:
            assert due < exam_at
    for _c, reason in result.unplaced:
        assert reason in (NO_ROOM, NO_DAY_LEFT)


def test_with_room_every_card_below_target_due_after_the_eve_gets_a_day_in_the_days_left():
    cards = deck(40, due_in=20)
    exam_at = TODAY + 14 * DAY
    result = replan(scheduler=SCHEDULER, cards=cards, today=TODAY, budget=50, exam_at=exam_at)
    below = [c for c in cards if recall(c, exam_at) < TARGET]
    assert below and not result.unplaced
    assert all(TODAY <= result.due[c.card_id] < exam_at for c in below)
    # Levelled: no day carries more than a few of them.
    assert max(loads(cards, result, 14).values()) <= len(below) // 3


def test_a_card_answered_today_cannot_be_placed_on_the_eve_when_the_eve_is_today():
    answered = card(1, stability=2.0, reviewed_days_ago=0, due_in=5)
    result = replan(scheduler=SCHEDULER, cards=[answered], today=TODAY, budget=10, exam_at=TODAY + DAY)
    assert result.unplaced == [(answered, NO_DAY_LEFT)]


def test_reviews_done_today_count_against_todays_room():
    cards = [card(i, stability=2.0, reviewed_days_ago=5, due_in=10) for i in range(6)]
    result = replan(scheduler=SCHEDULER, cards=cards, today=TODAY, budget=4, exam_at=TODAY + 2 * DAY, done_today=3)
    assert loads(cards, result, 2, done_today=3) == Counter({0: 4, 1: 4})
    assert [reason for _, reason in result.unplaced] == [NO_ROOM]


def test_without_an_exam_cards_go_back_to_plain_fsrs_unless_that_date_has_passed():
    ahead = card(1, stability=30.0, reviewed_days_ago=10, due_in=3)
    passed = card(2, stability=3.0, reviewed_days_ago=10, due_in=4)
    due = card(3, stability=3.0, reviewed_days_ago=10, due_in=0)
    result = replan(scheduler=SCHEDULER, cards=[ahead, passed, due], today=TODAY, budget=10, exam_at=None)
    assert result.due == {1: fsrs_due(scheduler=SCHEDULER, card=ahead)}
    assert result.due[1] == ahead.last_review + 30 * DAY  # 90 % recall after its stability


def test_plain_fsrs_due_matches_the_librarys_own_interval():
    reviewed, _ = SCHEDULER.review_card(
        card(1, stability=12.0, reviewed_days_ago=12, due_in=0), 3, review_datetime=TODAY
    )
    assert fsrs_due(scheduler=SCHEDULER, card=reviewed) == reviewed.due


def test_a_day_plan_made_mid_session_leaves_only_the_rest_of_the_budget():
    exam_at = TODAY + 10 * DAY
    due = [card(i, stability=4.0, reviewed_days_ago=6, due_in=0) for i in range(3)]
    # Reviewed nine days ago, due in two: their reviews may come today.
    not_due = [card(100 + i, stability=6.0, reviewed_days_ago=9, due_in=2) for i in range(30)]

    def plan(done_today):
        return plan_day(
            scheduler=SCHEDULER,
            due_cards=due,
            not_due_cards=not_due,
            today=TODAY,
            budget=25,
            exam_at=exam_at,
            done_today=done_today,
        )

    assert plan(0).pulled  # a fresh day brings some forward
    late = plan(23)
    assert len(late.reviews) == 2 and not late.pulled
