"""Writes of the exams app: start an attempt, save an answer or a flag, move,
submit. Keyword-only; ``now`` always comes from the caller (views pass
``timezone.now()``, tests a fake clock).

The deadline lives here, not in the page: every write first submits an
attempt whose deadline has passed (``submission.attempt_expire``), then refuses the
write (AttemptClosed). Answers are saved as given, one item at a time, under
a row lock on the attempt; saving the same answer twice changes nothing but
the version (idempotent), so a page may resend what it is unsure of."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from studyapp.exams.drawing import Candidate, draw, option_order
from studyapp.exams.misses import missed_card_ids
from studyapp.exams.models import Attempt, AttemptItem, Blueprint
from studyapp.exams.submission import attempt_close, attempt_expire
from studyapp.exams.tasks import schedule_deadline
from studyapp.noteformat.vocabulary import DOMAINS
from studyapp.notes.models import Card, Option
from studyapp.study import services as study_services

DEFAULT_COUNTS = {
    Attempt.Kind.PRACTICE: 10,
    Attempt.Kind.DIAGNOSTIC: 15,
    Attempt.Kind.MISSES: 10,
}
MAX_COUNT = 200
# A time per question the page may report; more is a stuck clock, not study.
MAX_TIME_MS = 24 * 3600 * 1000


class AttemptError(Exception):
    """Base of what a view turns into a status with a message."""


class AttemptNotFound(AttemptError):
    """No such attempt or position for this user (a view answers 404)."""


class AttemptClosed(AttemptError):
    """The attempt is submitted (or its deadline passed and it was submitted
    now): no more answers (a view answers 409)."""

    def __init__(self, attempt: Attempt):
        super().__init__(f"attempt {attempt.pk} is closed ({attempt.submitted_reason})")
        self.attempt = attempt


class InvalidAnswer(AttemptError, ValueError):
    """The answer names an option the question does not have, or more
    options than it asks for (a view answers 400 with the message)."""

    def __init__(self, message: str, *, field: str = "chosen"):
        Exception.__init__(self, message)
        self.field = field


class TooManyChoices(InvalidAnswer, study_services.TooManyChoices):
    """More options chosen than the question asks for ("Choose 2.")."""

    def __init__(self, *, position: int, needed: int, chosen: int):
        InvalidAnswer.__init__(self, f"chosen: question {position} asks for {needed}, got {chosen}")
        self.needed, self.chosen = needed, chosen


class NoQuestions(AttemptError):
    """The bank has no question to draw for this attempt."""


# -- start ----------------------------------------------------------------------


def question_candidates():
    """Question cards a mock may ask: active askable cards of kind QUESTION
    on published notes (askable: the note's options all have a text and at
    least one is correct, decided when the note was imported; see
    studyapp.notes.askable). One query through a partial index, no join to
    the options: its cost follows the question cards, not the bank's rows."""
    return Card.objects.active().filter(kind=Card.Kind.QUESTION, askable=True, note__is_published=True)


def _pool(*, user, kind: str, filter_kind: str, filter_value: str) -> list[Candidate]:
    cards = question_candidates()
    if filter_kind == "domain":
        number = int(filter_value) if filter_value.isdigit() else 0
        if not 1 <= number <= len(DOMAINS):
            raise InvalidAnswer(f"no exam domain {filter_value!r}", field="filter_value")
        cards = cards.filter(note__domain=DOMAINS[number - 1].name)
    if kind == Attempt.Kind.MISSES:
        # Missed in a mock, a practice or a session, and not answered right since.
        cards = cards.filter(pk__in=missed_card_ids(user=user))
    if filter_kind == "task":
        # JSON containment does not work on SQLite: the lists are short, read them
        # (only here: decoding every note's list costs a mock's start its time).
        rows = cards.values_list("pk", "note_id", "note__domain", "note__tasks")
        return [Candidate(card, note, domain) for card, note, domain, tasks in rows if filter_value in (tasks or ())]
    if filter_kind and filter_kind != "domain":
        raise InvalidAnswer(f"no such filter {filter_kind!r}", field="filter_kind")
    return [Candidate(*row) for row in cards.values_list("pk", "note_id", "note__domain")]


def _lock_user(user) -> None:
    # Two starts at once (a double click, two tabs) must not open two mocks.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def attempt_start(
    *,
    user,
    blueprint: Blueprint | None = None,
    kind: str,
    filter_kind: str = "",
    filter_value: str = "",
    count: int | None = None,
    now: datetime,
    seed: int | None = None,
) -> Attempt:
    """Draw the questions and open an attempt. A mock follows the blueprint
    (count, minutes, domain weights), prefers questions the learner has not
    met in a mock and is timed; other kinds are untimed. A learner who has an
    open mock of the same blueprint gets it back instead of a second one.
    A bounded number of queries whatever the bank's size."""
    if kind not in Attempt.Kind.values:
        raise InvalidAnswer(f"no such kind {kind!r}", field="kind")
    if kind == Attempt.Kind.MOCK and blueprint is None:
        raise InvalidAnswer("a mock exam needs a blueprint", field="blueprint")
    if count is None:
        count = blueprint.question_count if kind == Attempt.Kind.MOCK else DEFAULT_COUNTS[kind]
    if not 1 <= count <= MAX_COUNT:
        raise InvalidAnswer(f"count must be between 1 and {MAX_COUNT}", field="count")
    with transaction.atomic():
        _lock_user(user)
        if kind == Attempt.Kind.MOCK:
            for attempt in Attempt.objects.open().filter(user=user, kind=kind, blueprint=blueprint):
                if not attempt_expire(attempt=attempt, now=now):
                    return attempt
        candidates = _pool(user=user, kind=kind, filter_kind=filter_kind, filter_value=filter_value)
        if not candidates:
            raise NoQuestions(kind)
        seen = set(
            AttemptItem.objects.filter(attempt__user=user, attempt__kind=Attempt.Kind.MOCK).values_list(
                "note_id", flat=True
            )
        )
        seed = random.SystemRandom().randrange(2**62) if seed is None else seed
        rng = random.Random(seed)
        weights = blueprint.weights() if blueprint and kind in (Attempt.Kind.MOCK, Attempt.Kind.DIAGNOSTIC) else None
        drawn = draw(candidates, weights=weights, count=count, seen_note_ids=seen, rng=rng)
        letters: dict[int, list[str]] = defaultdict(list)
        needed: dict[int, int] = defaultdict(int)
        for note_id, letter, is_correct in Option.objects.filter(
            note_id__in=[c.note_id for c in drawn.picked]
        ).values_list("note_id", "letter", "is_correct"):
            letters[note_id].append(letter)
            needed[note_id] += int(is_correct)
        timed = kind == Attempt.Kind.MOCK and blueprint is not None
        attempt = Attempt.objects.create(
            user=user,
            blueprint=blueprint,
            kind=kind,
            filter_kind=filter_kind,
            filter_value=filter_value,
            question_count=len(drawn.picked),
            started_at=now,
            deadline=now + timedelta(minutes=blueprint.minutes) if timed else None,
            seed=seed,
            shortfall=drawn.shortfall,
        )
        AttemptItem.objects.bulk_create(
            AttemptItem(
                attempt=attempt,
                position=position,
                note_id=c.note_id,
                card_id=c.card_id,
                domain=c.domain,
                option_order=option_order(letters[c.note_id], rng),
                needed=max(1, needed[c.note_id]),
            )
            for position, c in enumerate(drawn.picked, start=1)
        )
        if attempt.deadline is not None:
            transaction.on_commit(lambda: schedule_deadline(attempt))
    return attempt


# -- writes on an open attempt --------------------------------------------------------


def _open_attempt(*, user, attempt_id: int, now: datetime) -> Attempt:
    """The user's attempt, locked; submitted at its deadline if that has
    passed (then AttemptClosed, after the submission is committed)."""
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise AttemptNotFound(attempt_id)
    if attempt.is_open and attempt.is_past_deadline(now):
        attempt_close(attempt, at=attempt.deadline, reason=Attempt.Reason.DEADLINE)
    if not attempt.is_open:
        raise AttemptClosed(attempt)
    return attempt


def _item(attempt: Attempt, position: int) -> AttemptItem:
    item = AttemptItem.objects.filter(attempt=attempt, position=position).first() if position >= 1 else None
    if item is None:
        raise AttemptNotFound(position)
    return item


def _closing(func):
    """Run ``func`` in a transaction; an AttemptClosed raised inside is raised
    after the transaction commits, so the deadline's submission is kept."""

    def wrapper(**kwargs):
        closed = None
        with transaction.atomic():
            try:
                return func(**kwargs)
            except AttemptClosed as error:
                closed = error
        raise closed

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@_closing
def attempt_answer(
    *, user, attempt_id: int, position: int, chosen: list[str], time_ms: int, now: datetime
) -> AttemptItem:
    """Save the options chosen (original letters) for one question. ``time_ms``
    is the page's running total for that question: the larger of it and the
    stored one is kept, so a resent answer counts no time twice. An empty
    ``chosen`` clears the answer."""
    attempt = _open_attempt(user=user, attempt_id=attempt_id, now=now)
    item = _item(attempt, position)
    picked = sorted(set(chosen))
    unknown = [letter for letter in picked if letter not in item.option_order]
    if unknown:
        raise InvalidAnswer(f"chosen: question {position} has no option {', '.join(unknown)}")
    if len(picked) > item.needed:
        raise TooManyChoices(position=position, needed=item.needed, chosen=len(picked))
    time_ms = min(max(0, int(time_ms)), MAX_TIME_MS)
    AttemptItem.objects.filter(pk=item.pk).update(
        chosen=picked,
        answered_at=now if picked else None,
        time_ms=Greatest(F("time_ms"), time_ms),
    )
    item.chosen, item.answered_at, item.time_ms = picked, now if picked else None, max(item.time_ms, time_ms)
    _touch(attempt, position=position)
    item.attempt = attempt
    return item


@_closing
def attempt_flag(*, user, attempt_id: int, position: int, flagged: bool, now: datetime) -> AttemptItem:
    attempt = _open_attempt(user=user, attempt_id=attempt_id, now=now)
    item = _item(attempt, position)
    AttemptItem.objects.filter(pk=item.pk).update(flagged=bool(flagged))
    item.flagged = bool(flagged)
    _touch(attempt, position=position)
    item.attempt = attempt
    return item


@_closing
def attempt_move(*, user, attempt_id: int, position: int, now: datetime) -> Attempt:
    """Remember where the learner is, so that a reload, a closed tab or
    another server resumes there."""
    attempt = _open_attempt(user=user, attempt_id=attempt_id, now=now)
    if not 1 <= position <= attempt.question_count:
        raise AttemptNotFound(position)
    _touch(attempt, position=position)
    return attempt


def _touch(attempt: Attempt, *, position: int) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(version=F("version") + 1, position=position)
    attempt.version += 1
    attempt.position = position


# -- submit ----------------------------------------------------------------------------


def attempt_submit(*, user, attempt_id: int, now: datetime, reason: str = Attempt.Reason.LEARNER) -> Attempt:
    """Score every item and close the attempt. Submitting a submitted attempt
    changes nothing (returns it). Past its deadline, an attempt is submitted
    at the deadline, whoever asks."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
        if attempt is None:
            raise AttemptNotFound(attempt_id)
        if attempt.is_open:
            if attempt.is_past_deadline(now):
                attempt_close(attempt, at=attempt.deadline, reason=Attempt.Reason.DEADLINE)
            else:
                attempt_close(attempt, at=now, reason=reason)
    return attempt
