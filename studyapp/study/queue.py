"""Picking the next card and counting what is left today: reads only.

The next card comes from at most three ordered sources, each served by an
index: cards due now, new cards, learning cards due soon. Their first rows
are fetched in one statement; what is left today is counted over LIMITed
subqueries, so neither grows with the learner's backlog.

The candidates come from hand-written SQL (``studyapp.study.sql``;
studyapp/sql.py says why). Their readable definition, as querysets, is the
tests' oracle (tests/support/queue_oracle.py): on a fixture covering every
branch both return exactly the same candidates and counts. Which candidate
is shown (``pick``) and which the page holds ready after it (``pick_after``)
is decided here, once, for both."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from studyapp.study import sql as study_sql
from studyapp.study.models import CardState
from studyapp.study.sql import Candidates, Window

LEARN_AHEAD = timedelta(minutes=20)
S = CardState.State
# A learner never has more cards in learning than this on one day; the cap
# only bounds the count query.
LEARNING_CAP = 1000


@dataclass(frozen=True)
class Today:
    """Where the learner stands in the current study day."""

    now: datetime
    day_end: datetime
    new_left: int
    reviews_left: int
    # New cards and reviews answered so far today (for the progress bar).
    done: int = 0
    # In the last weeks before the exam: due cards lowest exam-day recall first.
    exam_order: bool = False


def window(today: Today, *, count: bool) -> Window:
    return Window(
        now=today.now,
        learn_ahead_until=today.now + LEARN_AHEAD,
        day_end=today.day_end,
        reviews=today.reviews_left > 0,
        new=today.new_left > 0,
        exam_order=today.exam_order,
        count_caps=(LEARNING_CAP, max(0, today.reviews_left), max(0, today.new_left)) if count else None,
    )


def next_state(user, today: Today, *, count: bool = True) -> tuple[CardState | None, int | None]:
    """The card to show now, and (with ``count``) how many answers are left
    today: learning cards due before the day ends, reviews up to the daily
    limit and new cards up to the daily limit, each count capped so that it
    costs the same whatever the backlog. Answers carry the count forward
    (``left_after``), so the hot path asks for the card only."""
    found = study_sql.next_candidates(user.pk, window(today, count=count))
    shown = pick(found)
    return (shown.load() if shown else None), found.left


def next_two(user, today: Today, *, count: bool = False) -> tuple[CardState | None, CardState | None, int | None]:
    """The card to show now, the card the page holds ready for after it
    (``pick_after``), and (with ``count``) what is left today; one statement."""
    found = study_sql.next_candidates(user.pk, window(today, count=count))
    shown = pick(found)
    held = pick_after(found, today, shown) if shown else None
    return (shown.load() if shown else None), (held.load() if held else None), found.left


def held_after(user, today: Today, shown: CardState) -> tuple[CardState | None, int]:
    """The card the page holds ready after ``shown`` when ``shown`` was not
    picked from the queue but put back (an undo shows the undone card again),
    and what is left today; one statement."""
    found = study_sql.next_candidates(user.pk, window(today, count=True))
    held = pick_after(found, today, shown)
    return (held.load() if held else None), found.left


def shown_again(user, state_id: int) -> CardState | None:
    """The learner's card state with its card and note, to show again, or
    None when it has left the queue (out of scope) or is gone."""
    state = CardState.objects.select_related("card__note").filter(pk=state_id, user=user).first()
    return state if state is not None and state.in_scope else None


def pick(found: Candidates):
    """Due cards first (their source is already in the queue's order), then
    new ones, then learning cards shown ahead of their step because nothing
    else is left (Anki's "learn ahead": an Again comes back in the session)."""
    for source in (found.due, found.new, found.ahead):
        if source:
            return source[0]
    return None


def pick_after(found: Candidates, today: Today, shown):
    """The card that will most likely come after ``shown`` once it is
    answered: the next candidate with ``shown`` gone and its answer counted
    against the daily limits. A prediction for the page to hold ready; the
    server's answer to the grade says which card really comes next (it
    differs after a learning card comes due meanwhile, or when ``shown``
    itself comes back before anything else)."""
    after = replace(
        today,
        new_left=today.new_left - (shown.state == S.NEW),
        reviews_left=today.reviews_left - (shown.state == S.REVIEW),
    )
    return pick(
        Candidates(
            due=[s for s in found.due if s.pk != shown.pk and (s.state != S.REVIEW or after.reviews_left > 0)],
            new=[s for s in found.new if s.pk != shown.pk] if after.new_left > 0 else [],
            ahead=[s for s in found.ahead if s.pk != shown.pk],
        )
    )


def left_after(left: int, answered: CardState, today: Today) -> int:
    """What is left today after one answer: one less, unless the card comes
    back before the day ends (a learning step, Again)."""
    comes_back = answered.due is not None and answered.due < today.day_end
    return max(0, left - 1 + int(comes_back))
