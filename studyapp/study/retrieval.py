"""A scenario question answered outside the study session (a mock exam, a
practice set) is a retrieval of that question's card, recorded as the study
session would record it.

Wrong is Again (a lapse when the card was in review), right is Good, both
through fsrs's own review: a card answered before it was due is an early
review, which fsrs handles by itself (a small gain in stability after a short
interval). With an exam date the due date is the exam policy's, exactly as
``card_grade`` sets it; nothing else of the policy's plan is touched (the
day's StudyDay row, the calibration, other cards' due dates), except that a
miss brings the note's trigger-word cards, and the cards that explain the
chosen wrong options, due now. The log row is an ordinary ReviewLog (with
the options chosen and the partial-credit score), so statistics, the
calibration, fitting and item analysis see it like any other answer.
docs/exams.md, "Misses back into the schedule", says why."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from fsrs import Rating

from studyapp.accounts.models import Profile
from studyapp.notes.models import Card
from studyapp.study import questions
from studyapp.study.exam_bridge import calibrated_scale
from studyapp.study.fsrs_bridge import recall_at, scheduler_for
from studyapp.study.models import CardState, ReviewLog
from studyapp.study.scope import Scope, cards_in_scope
from studyapp.study.services import (
    ANSWERED,
    cards_pull_forward,
    state_review,
    trap_card_keys,
    trigger_card_key,
)


def question_retrieval_record(
    *,
    user,
    card: Card,
    chosen: set[str],
    correct: bool,
    at: datetime,
    duration_ms: int | None = None,
    profile: Profile | None = None,
    state: CardState | None = None,
) -> ReviewLog | None:
    """Record the answer to ``card`` (a question card) given at ``at`` on the
    learner's state of it, creating the state when they have none; returns
    the log row (None when the card was answered after ``at`` meanwhile:
    nothing is recorded). ``correct`` is the caller's verdict (a mock exam scores a
    multiple-response question right only when every choice is); the log's
    score is the study session's partial credit, for item analysis.
    ``state``: the learner's state of ``card``, already locked in the
    caller's transaction (``question_states_locked``, for many answers at once)."""
    if card.kind != Card.Kind.QUESTION:
        raise ValueError(f"{card.key} is not a question card")
    profile = profile or Profile.objects.get(user=user)
    parsed = card.note.parsed
    letters = {c.letter for c in questions.options(parsed)}
    right = {c.letter for c in questions.options(parsed) if c.correct}
    picked = sorted(set(chosen) & letters)
    with transaction.atomic():
        if state is None:
            state = question_states_locked(user=user, profile=profile, cards=[card])[card.pk]
        if state.last_review is not None and state.last_review > at:
            # Studied since (an attempt submitted late at its deadline): the
            # newer answer stands; fsrs cannot take answers out of order.
            return None
        log = state_review(
            state=state,
            profile=profile,
            clock=profile.clock(),
            rating=Rating.Good if correct else Rating.Again,
            now=at,
            duration_ms=duration_ms,
        )
        log.chosen, log.score = picked, questions.score(set(picked), right)
        state.save(update_fields=list(ANSWERED))
        log.save()
        if not correct:
            keys = trap_card_keys(card=card, wrong=set(picked) - right)
            keys |= {trigger_card_key(card.note.note_id, term) for term in questions.terms(parsed)}
            cards_pull_forward(user=user, keys=keys, now=at)
    return log


def question_states_locked(*, user, profile: Profile, cards: list[Card]) -> dict[int, CardState]:
    """The learner's states of ``cards`` by card id, locked until the
    transaction ends (an answer in the study session or another attempt's
    submission waits, then finds the version moved on). A card they have
    never met gets its state here, in their queue when it is in what they
    study. At most four statements, however many cards: a mock's submission
    locks its 75 states at once instead of one by one."""
    ids = sorted({card.pk for card in cards})
    mine = CardState.objects.filter(user=user).order_by("card_id").select_for_update()
    states = {state.card_id: state for state in mine.filter(card_id__in=ids)}
    missing = [card_id for card_id in ids if card_id not in states]
    if missing:
        in_scope = set(cards_in_scope(Scope.of(profile)).filter(pk__in=missing).values_list("pk", flat=True))
        # ignore_conflicts: a concurrent first answer may create one meanwhile.
        CardState.objects.bulk_create(
            [CardState(user=user, card_id=card_id, in_scope=card_id in in_scope) for card_id in missing],
            ignore_conflicts=True,
        )
        states.update((state.card_id, state) for state in mine.filter(card_id__in=missing))
    return states


def questions_recall_predicted(*, user, profile: Profile, moments: dict[int, datetime]) -> dict[int, float | None]:
    """What the learner's memory model predicts for each question card (id)
    at its moment: recall from their FSRS parameters and their calibration
    (the stability factor from their latest reviews), in fractional days
    since the last review. None for a card they have never studied: the
    model knows nothing of it. Two queries, whatever the number of cards."""
    states = CardState.objects.filter(user=user, card_id__in=list(moments)).only(
        "card_id", "state", "stability", "last_review"
    )
    scheduler, scale = scheduler_for(profile, fuzz=False), calibrated_scale(user, profile)
    predicted: dict[int, float | None] = dict.fromkeys(moments)
    for state in states:
        if state.state != CardState.State.NEW and state.stability and state.last_review:
            predicted[state.card_id] = recall_at(scheduler, state, moments[state.card_id], stability_scale=scale)
    return predicted
