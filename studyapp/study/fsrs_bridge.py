"""Between our CardState rows and the ``fsrs`` library's objects.

All scheduling formulas are the library's; this module only translates: the
rows, and the time. fsrs is given study days, never the clock (see
studyapp.scheduling.clock): a state's ``last_review`` and ``due`` are real
moments, its fsrs card has them as ``fsrs_time``, and what fsrs returns comes
back to the clock with ``StudyClock.to_clock``."""

from __future__ import annotations

import random
from contextvars import ContextVar
from datetime import datetime, timedelta

import fsrs.scheduler
from fsrs import Card, Rating, Scheduler, State

from studyapp.scheduling.clock import StudyClock, fractional_recall
from studyapp.study.models import CardState

MAXIMUM_INTERVAL_DAYS = 36500
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)


# py-fsrs draws its fuzz from the module's ``random()`` and takes no seed.
# Grading draws it from a generator seeded by the answer (the card, its
# count of reviews, the study day), so that replaying a card's log (answers merged from two
# devices, docs/offline.md) gives back exactly the due dates grading gave;
# anything else that calls fsrs keeps the process's random numbers. A
# context variable, so that threads and requests never share a generator.
_FUZZ: ContextVar[random.Random | None] = ContextVar("fsrs_fuzz", default=None)


def _fuzz_random() -> float:
    generator = _FUZZ.get()
    return generator.random() if generator is not None else random.random()


fsrs.scheduler.random = _fuzz_random


def fuzz_seed(*, card_id: int, reps: int, fsrs_now: datetime) -> str:
    """The seed of an answer's fuzz: which card, its how-manieth review, on
    which study day (fsrs time: the time of day does not change a schedule)."""
    return f"{card_id}:{reps}:{fsrs_now.date().isoformat()}"


def parameters_for(profile) -> tuple[float, ...] | None:
    """The learner's FSRS parameters (fitted, pooled), or None for the defaults."""
    parameters = profile.fsrs_parameters
    return tuple(parameters) if parameters else None


def scheduler_for(profile, *, fuzz: bool = True) -> Scheduler:
    options = {
        "desired_retention": profile.desired_retention,
        "learning_steps": LEARNING_STEPS,
        "relearning_steps": RELEARNING_STEPS,
        "maximum_interval": MAXIMUM_INTERVAL_DAYS,
        "enable_fuzzing": fuzz,
    }
    parameters = parameters_for(profile)
    if parameters:
        options["parameters"] = parameters
    return Scheduler(**options)


def to_fsrs(state: CardState, *, clock: StudyClock, now: datetime) -> Card:
    """The state as an fsrs card, in fsrs time. A new card (state NEW) becomes
    a fresh fsrs card, due now, step 0."""
    if state.state == CardState.State.NEW:
        return Card(card_id=state.card_id, state=State.Learning, step=0, due=clock.fsrs_time(now))
    return fsrs_card(
        card_id=state.card_id,
        state=state.state,
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due or now,
        last_review=state.last_review,
        clock=clock,
    )


def fsrs_card(
    *, card_id: int, state: int, step, stability, difficulty, due: datetime | None, last_review, clock: StudyClock
) -> Card:
    """A memory state (a row, a log's snapshot, a plan's read) as an fsrs
    card: the one translation, with ``due`` and ``last_review`` real moments
    moved to fsrs time. fsrs makes a ``due`` of None its own now."""
    return Card(
        card_id=card_id,
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=clock.fsrs_time(due) if due else None,
        last_review=clock.fsrs_time(last_review) if last_review else None,
    )


def fsrs_review(
    *, scheduler: Scheduler, state: CardState, rating: int, clock: StudyClock, now: datetime, duration_ms=None
) -> Card:
    """fsrs's answer to ``rating`` given at ``now``, in fsrs time."""
    card = to_fsrs(state, clock=clock, now=now)
    fsrs_now = clock.fsrs_time(now)
    token = _FUZZ.set(random.Random(fuzz_seed(card_id=state.card_id, reps=state.reps, fsrs_now=fsrs_now)))
    try:
        after, _log = scheduler.review_card(card, Rating(rating), review_datetime=fsrs_now, review_duration=duration_ms)
    finally:
        _FUZZ.reset(token)
    return after


def apply_fsrs(state: CardState, card: Card, *, clock: StudyClock, now: datetime, due_fsrs: datetime) -> None:
    """Copy fsrs's card onto the state, for an answer given at ``now``: the
    memory state as it is, the times back on the clock (``due_fsrs`` is the
    due date chosen, fsrs's own or the exam policy's)."""
    state.state = int(card.state)
    state.step = card.step
    state.stability = card.stability
    state.difficulty = card.difficulty
    state.due = clock.to_clock(due_fsrs, now=now)
    state.last_review = now


def retrievability(scheduler: Scheduler, state: CardState, when: datetime, *, clock: StudyClock) -> float:
    """Predicted recall of a card at ``when``, in study days since its last
    review (as fsrs schedules it); 0 for a card never studied."""
    if state.state == CardState.State.NEW or state.stability is None or state.last_review is None:
        return 0.0
    return scheduler.get_card_retrievability(to_fsrs(state, clock=clock, now=when), clock.fsrs_time(when))


def recall_at(scheduler: Scheduler, state: CardState, when: datetime, *, stability_scale: float = 1.0) -> float:
    """Predicted recall at ``when`` in fractional days of real time since the
    last review: for a moment that is not an answer (the exam's start)."""
    if state.state == CardState.State.NEW or state.stability is None or state.last_review is None:
        return 0.0
    elapsed = (when - state.last_review).total_seconds() / 86400
    return fractional_recall(
        parameters=scheduler.parameters, stability=state.stability * stability_scale, elapsed_days=elapsed
    )
