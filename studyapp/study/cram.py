"""The "review before the exam" session: in the last week before the exam,
the cards the schedule will not show again before it, weakest first, to look
at once more without changing the long-term schedule (like one of Anki's
filtered decks that does not reschedule). Answers are recorded as CramReview
rows only: CardState and the review log are untouched, so nothing here moves
a due date or feeds the memory model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from studyapp.study.fsrs_bridge import recall_at, scheduler_for
from studyapp.study.models import CardState, CramReview

# The session is offered this many study days before the exam, and on its eve.
CRAM_DAYS = 7
S = CardState.State


def cram_open(profile, now: datetime) -> bool:
    """The last week before the exam's start."""
    clock = profile.clock()
    exam_at = clock.exam_at
    if exam_at is None or now >= exam_at:
        return False
    return (clock.study_day(exam_at) - clock.study_day(now)).days <= CRAM_DAYS


@dataclass(frozen=True)
class CramCard:
    state: CardState
    exam_recall: float
    left: int  # cards still to go today, this one included


def cram_next(*, user, profile, now: datetime) -> CramCard | None:
    """The weakest card (lowest predicted recall at the exam) among those the
    schedule will not show before the exam and not yet looked at in today's
    cram; None when there is none (or no cram is open)."""
    if not cram_open(profile, now):
        return None
    clock = profile.clock()
    exam_at = clock.exam_at
    done_today = CramReview.objects.filter(user=user, study_day=clock.study_day(now)).values("card_id")
    states = list(
        CardState.objects.filter(user=user, in_scope=True, suspended=False, due__gte=exam_at)
        .exclude(state=S.NEW)
        .exclude(card_id__in=done_today)
        .filter(Q(buried_until__isnull=True) | Q(buried_until__lte=now) | Q(buried_until__gte=exam_at))
        .select_related("card__note")
        .defer("card__note__source", "card__note__warnings", "card__note__repair_report")
    )
    if not states:
        return None
    scheduler = scheduler_for(profile, fuzz=False)

    def predicted(state: CardState) -> float:
        return recall_at(scheduler, state, exam_at, stability_scale=profile.stability_scale)

    weakest = min(states, key=lambda state: (predicted(state), state.pk))
    return CramCard(weakest, predicted(weakest), len(states))


def cram_empty_reason(*, user, profile, now: datetime) -> tuple[str, int]:
    """Why cram_next found no card in an open cram: ("looked", n) when the
    learner looked at n cards today; ("unstudied", 0) when no card has been
    studied yet; ("due", 0) when every studied card comes due before the exam."""
    looked = CramReview.objects.filter(user=user, study_day=profile.clock().study_day(now)).count()
    if looked:
        return "looked", looked
    if not CardState.objects.filter(user=user, in_scope=True).exclude(state=S.NEW).exists():
        return "unstudied", 0
    return "due", 0


def cram_answer(*, user, profile, card_id: int, remembered: bool, now: datetime) -> CramReview | None:
    """Record one look at a cram card; None if it is not one of the learner's
    cram cards today (an outsider's id, or no cram open)."""
    if not cram_open(profile, now):
        return None
    if not CardState.objects.filter(user=user, card_id=card_id, in_scope=True).exclude(state=S.NEW).exists():
        return None
    return CramReview.objects.create(
        user=user, card_id=card_id, study_day=profile.clock().study_day(now), reviewed_at=now, remembered=remembered
    )
