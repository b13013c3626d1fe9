"""The submission of an attempt: its items scored, each answer recorded as
a retrieval of its card, the attempt closed. Apart from services.py because
the deadline's task (tasks.py) submits too, and services.py queues that task."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import F

from studyapp.accounts.models import Profile
from studyapp.exams.models import Attempt, AttemptItem
from studyapp.notes.models import Option
from studyapp.study import questions
from studyapp.study.retrieval import question_retrieval_record, question_states_locked, questions_recall_predicted


def attempt_expire(*, attempt: Attempt, now: datetime) -> bool:
    """Submit ``attempt`` at its deadline if that has passed (the lazy half of
    the deadline; the task in tasks.py is the other). True if it is closed."""
    if not attempt.is_open:
        return True
    if not attempt.is_past_deadline(now):
        return False
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_open:
            attempt_close(locked, at=locked.deadline, reason=Attempt.Reason.DEADLINE)
        attempt.submitted_at, attempt.submitted_reason = locked.submitted_at, locked.submitted_reason
        attempt.version = locked.version
    return True


def attempt_close(attempt: Attempt, *, at: datetime, reason: str) -> None:
    """Score every item and close the attempt, which the caller holds locked."""
    items = list(attempt.items.select_related("card__note"))
    keys: dict[int, set[str]] = defaultdict(set)
    for note_id, letter in Option.objects.filter(
        note_id__in={item.note_id for item in items}, is_correct=True
    ).values_list("note_id", "letter"):
        keys[note_id].add(letter)
    profile = Profile.objects.select_related("user").get(user_id=attempt.user_id)
    # Before the answers reach the schedule: what the model expected of them.
    predicted = questions_recall_predicted(
        user=profile.user,
        profile=profile,
        moments={item.card_id: item.answered_at or attempt.started_at for item in items},
    )
    for item in items:
        chosen, key = set(item.chosen or ()), keys[item.note_id]
        # As the exam counts it: right only when exactly the right options are chosen;
        # ``score`` keeps the study page's partial credit for the report.
        item.correct = bool(chosen) and chosen == key
        item.score = questions.score(chosen, key)
        item.predicted_recall = predicted.get(item.card_id)
    AttemptItem.objects.bulk_update(items, ["correct", "score", "predicted_recall"])
    attempt.submitted_at = at
    attempt.submitted_reason = reason
    attempt.version += 1
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=at, submitted_reason=reason, version=F("version") + 1)
    # Each answered question is a retrieval of its card (docs/exams.md,
    # "Misses back into the schedule"), recorded at the submission: the
    # learner saw no feedback before it. An unanswered question was not
    # retrieved: no review, its card's schedule stays as it was.
    answered = [item for item in items if item.chosen]
    # One lock of all the states, not one query (or four) per question.
    states = question_states_locked(user=profile.user, profile=profile, cards=[item.card for item in answered])
    for item in answered:
        question_retrieval_record(
            user=profile.user,
            profile=profile,
            card=item.card,
            chosen=set(item.chosen),
            correct=item.correct,
            at=at,
            duration_ms=item.time_ms or None,
            state=states[item.card_id],
        )
