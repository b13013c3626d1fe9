"""Between our CardState rows and the ``fsrs`` library's objects.

All scheduling formulas are the library's; this module only translates."""

from __future__ import annotations

from datetime import datetime, timedelta

from fsrs import Card, Scheduler, State

from studyapp.study.models import CardState

MAXIMUM_INTERVAL_DAYS = 36500
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)


def scheduler_for(profile, *, fuzz: bool = True) -> Scheduler:
    return Scheduler(
        desired_retention=profile.desired_retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        maximum_interval=MAXIMUM_INTERVAL_DAYS,
        enable_fuzzing=fuzz,
    )


def to_fsrs(state: CardState, now: datetime) -> Card:
    """A new card (state NEW) becomes a fresh fsrs card, due now, step 0."""
    if state.state == CardState.State.NEW:
        return Card(card_id=state.card_id, state=State.Learning, step=0, due=now)
    return Card(
        card_id=state.card_id,
        state=State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def apply_fsrs(state: CardState, card: Card) -> None:
    state.state = int(card.state)
    state.step = card.step
    state.stability = card.stability
    state.difficulty = card.difficulty
    state.due = card.due
    state.last_review = card.last_review


def retrievability(scheduler: Scheduler, state: CardState, when: datetime) -> float:
    """Predicted recall of a card at ``when``; 0 for a card never studied."""
    if state.state == CardState.State.NEW or state.stability is None:
        return 0.0
    return scheduler.get_card_retrievability(to_fsrs(state, when), current_datetime=when)
