"""A new learner's first week of daily study, driven through the app's own
services (no HTTP): open the study page (``study_session_open``), take the
next card (``next_state``), answer it (``card_grade`` or ``question_answer``)
with a fake clock, until nothing is left for now. Sessions at the times of
day a person studies (before work, at lunch, late at night, one past
midnight that still belongs to the day before: days start at 4 a.m.).

The learner keeps the defaults (20 new cards a day, 200 reviews), answers
three questions in five right and forgets one flashcard in eight, buries
one new question on day 2 and suspends one on day 3 (unsuspending it on day
5). Shared by the test that counts (tests/study/test_questions_first_week.py)
and the benchmark (bench/questions_first.py): both call ``study_week``.

Import it after Django is set up."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from fsrs import Rating

from studyapp.notes.models import Card
from studyapp.study import questions, services
from studyapp.study.models import HideAction
from studyapp.study.queue import next_state

# (day of the week, local time) of each session; 00:35 on day 4 is still
# study day 3. Never on the hour.
SESSIONS = [
    (0, time(19, 7)),
    (1, time(7, 42)),
    (1, time(21, 16)),
    (2, time(12, 31)),
    (3, time(23, 48)),
    (4, time(0, 35)),
    (4, time(6, 53)),
    (5, time(18, 22)),
    (6, time(10, 4)),
    (6, time(22, 39)),
]
BURY_ON, SUSPEND_ON, UNSUSPEND_ON = 2, 3, 5
RIGHT_ANSWERS = 0.6
FORGOTTEN = 0.125
# A session never runs longer than this many cards (a guard, far above a day's work).
SESSION_CAP = 600


@dataclass
class Week:
    """What the learner met, by study day."""

    questions: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))
    question_showings: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    cards: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    # A question shown after a card of its own note while still unanswered.
    given_away: list[str] = field(default_factory=list)
    # Each bury or suspend of a new question: its kind and how many of its
    # note's cards it hid along.
    hid: list[tuple[str, int]] = field(default_factory=list)
    answers: int = 0

    def questions_per_day(self) -> list[int]:
        return [len(self.questions[day]) for day in sorted(self.cards)]


def study_week(*, user, start: date, seed: int = 7) -> Week:
    """Seven study days from ``start`` (the learner's local date)."""
    profile = user.profile
    rng = random.Random(seed)
    week, seen_notes, answered = Week(), set(), set()
    hidden: dict[str, int] = {}
    for offset, at in SESSIONS:
        now = datetime.combine(start + timedelta(days=offset), at, tzinfo=profile.clock().zone)
        now += timedelta(seconds=rng.randint(0, 59))
        if offset == UNSUSPEND_ON and "suspend" in hidden:
            services.card_unsuspend(user=user, state_id=hidden.pop("suspend"))
        services.study_session_open(user=user, profile=profile, now=now)
        for _ in range(SESSION_CAP):
            state = next_state(user, services.today_for(user=user, profile=profile, now=now))[0]
            if state is None:
                break
            card = Card.objects.select_related("note").get(pk=state.card_id)
            day = profile.clock().study_day(now)
            week.cards[day] += 1
            is_question = card.kind == Card.Kind.QUESTION
            if is_question and card.note_id in seen_notes and card.pk not in answered:
                week.given_away.append(f"{card.key} on {day}")
            if is_question and state.state == 0 and _hide_today(offset, hidden):
                kind = "bury" if offset == BURY_ON else "suspend"
                hide = services.card_bury if kind == "bury" else services.card_suspend
                hide(user=user, profile=profile, state_id=state.pk, version=state.version, now=now)
                hidden[kind] = state.pk
                week.hid.append((kind, len(HideAction.objects.filter(user=user).latest("id").siblings)))
                continue
            if is_question:
                week.questions[day].add(card.pk)
                week.question_showings[day] += 1
                services.question_answer(
                    user=user,
                    profile=profile,
                    state_id=state.pk,
                    version=state.version,
                    chosen=_choice(card, rng),
                    duration_ms=rng.randint(40_000, 150_000),
                    now=now,
                )
                answered.add(card.pk)
            else:
                seen_notes.add(card.note_id)
                rating = Rating.Again if rng.random() < FORGOTTEN else Rating.Good
                services.card_grade(
                    user=user,
                    profile=profile,
                    state_id=state.pk,
                    version=state.version,
                    rating=int(rating),
                    duration_ms=rng.randint(4_000, 20_000),
                    now=now,
                )
            week.answers += 1
            now += timedelta(seconds=rng.randint(8, 90 if is_question else 25))
    return week


def _hide_today(offset: int, hidden: dict[str, int]) -> bool:
    return (offset == BURY_ON and "bury" not in hidden) or (offset == SUSPEND_ON and "suspend" not in hidden)


def _choice(card: Card, rng: random.Random) -> list[str]:
    """The right options, or (two times in five) one of them swapped for a wrong one."""
    choices = questions.options(card.note.parsed)
    right = [c.letter for c in choices if c.correct]
    wrong = [c.letter for c in choices if not c.correct]
    if rng.random() < RIGHT_ANSWERS or not wrong:
        return right
    return [*right[1:], rng.choice(wrong)]
