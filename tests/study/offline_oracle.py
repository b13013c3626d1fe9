"""An independent replay of a learner's review log: what each card's state
must be after the logged answers, computed with py-fsrs directly, without
the app's services, bridges or clock (the rules written out again here, from
docs/study.md and docs/offline.md):

- fsrs is told study days, not the clock: a study day starts at 4 a.m. local
  time; fsrs's time of an answer is midnight UTC of its study day; a due date
  fsrs returns goes back on the clock by the same offset;
- a new card starts as fsrs's fresh card (Learning, step 0);
- the fuzz of each answer is drawn from ``Random("card_id:reps:study day")``;
- reps counts answers, lapses counts Again on a review card.

No exam date: the exam policy is not part of this oracle."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import fsrs.scheduler
from fsrs import Card, Rating, Scheduler, State


@dataclass
class Replayed:
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int
    lapses: int


def _study_day(moment: datetime, zone: ZoneInfo) -> date:
    local = moment.astimezone(zone)
    return local.date() - timedelta(days=1) if local.time() < time(4) else local.date()


def _fsrs_time(moment: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(_study_day(moment, zone), time(0), tzinfo=UTC)


def scheduler_of(profile) -> Scheduler:
    options = {"desired_retention": profile.desired_retention, "enable_fuzzing": True}
    if profile.fsrs_parameters:
        options["parameters"] = tuple(profile.fsrs_parameters)
    return Scheduler(
        learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps=(timedelta(minutes=10),),
        maximum_interval=36500,
        **options,
    )


def replay(rows: list[tuple[int, datetime, int]], *, profile) -> dict[int, Replayed]:
    """``rows``: (card_id, reviewed_at, rating) in any order; the state of
    each card after its answers in time order."""
    zone = ZoneInfo(profile.time_zone)
    scheduler = scheduler_of(profile)
    cards: dict[int, Replayed] = {}
    for card_id, at, rating in sorted(rows, key=lambda r: r[1]):
        fsrs_now = _fsrs_time(at, zone)
        seen = cards.get(card_id) or Replayed(0, None, None, None, None, None, 0, 0)
        if seen.state == 0:
            card = Card(card_id=card_id, state=State.Learning, step=0, due=fsrs_now)
        else:  # the state as the previous answer left it, its times in fsrs time
            card = Card(
                card_id=card_id,
                state=State(seen.state),
                step=seen.step,
                stability=seen.stability,
                difficulty=seen.difficulty,
                due=_fsrs_time(seen.due, zone),
                last_review=_fsrs_time(seen.last_review, zone),
            )
        previous = seen.state
        draw = random.Random(f"{card_id}:{seen.reps}:{fsrs_now.date().isoformat()}").random
        saved, fsrs.scheduler.random = fsrs.scheduler.random, draw
        try:
            card, _log = scheduler.review_card(card, Rating(rating), review_datetime=fsrs_now)
        finally:
            fsrs.scheduler.random = saved
        lapses = seen.lapses + (rating == Rating.Again and previous == State.Review)
        seen = Replayed(
            int(card.state),
            card.step,
            card.stability,
            card.difficulty,
            at + (card.due - fsrs_now),
            at,
            seen.reps + 1,
            lapses,
        )
        cards[card_id] = seen
    return cards
