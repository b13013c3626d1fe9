"""A learner's study day, planned by the exam policy when it starts.

With an exam date, once per study day (when the learner first opens the study
page that day, or earlier, by the background task ``plan_study_days`` for
learners who have not opened it yet) the app runs the whole policy of
studyapp.scheduling.exam on the learner's rows:

1. re-estimate how fast the learner forgets (``StabilityCalibration`` over
   their latest reviews, relative to the parameters they are scheduled with);
2. raise today's new-card limit when the remaining new cards would not all be
   introduced two weeks before the exam (``new_cards_for_today``);
3. plan today's reviews (``plan_day``): the due cards, lowest exam-day recall
   first; in the final weeks a cap that keeps the last days from becoming a
   cram, and the room under it filled with the not-yet-due cards whose review
   today adds the most exam-day recall.

The plan is carried out on the rows themselves, so that the queue (one
indexed query per card, studyapp.study.queue) needs to know nothing of it:
cards brought forward become due now, cards the cap leaves for later become
due when the next study day starts (both with their version bumped, as every
change of a state is), and the due cards' predicted exam-day recall, which
orders the final weeks, is brought up to date. The StudyDay row records what
was decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from fsrs import Card

from studyapp.scheduling import exam
from studyapp.study.exam_bridge import (
    NEW_HARD_LIMIT,
    NEW_PACE_FACTOR,
    calibrated_scale,
    target_recall,
)
from studyapp.study.fsrs_bridge import fsrs_card, scheduler_for
from studyapp.study.models import CardState, ReviewLog, StudyDay

S = CardState.State
# Reviews per day, zeros included, over at most this many past study days:
# what the cap's typical day is taken from.
HISTORY_DAYS = 60


@dataclass(frozen=True)
class _Row:
    """What the plan reads of a review card's state."""

    id: int
    version: int
    stability: float
    difficulty: float
    due: datetime
    last_review: datetime


def study_day_plan(*, user, profile, now: datetime) -> StudyDay | None:
    """Plan the learner's current study day, once; the day's row (None
    without an exam date before the exam: plain FSRS needs no plan)."""
    clock = profile.clock()
    if clock.exam_at is None or clock.exam_at <= now:
        return None
    day = clock.study_day(now)
    with transaction.atomic():
        row, _ = StudyDay.objects.select_for_update().get_or_create(user=user, day=day)
        if row.planned_at is not None:
            return row
        _calibrate(user, profile, day)
        row.new_limit = new_limit_for(user, profile, now)
        plan = _review_plan(user, profile, now, day)
        row.reviews_planned, row.postponed, row.pulled, row.cap = (
            len(plan.reviews),
            len(plan.postponed),
            len(plan.pulled),
            plan.cap,
        )
        row.planned_at = now
        row.save()
    return row


def study_days_plan(*, now: datetime) -> int:
    """Plan today for every learner with an exam ahead who has not opened the
    study page yet today (the background task); returns how many."""
    from studyapp.accounts.models import Profile

    soonest = now.date() - timedelta(days=1)  # a learner's today may lag UTC's by a day
    profiles = Profile.objects.filter(
        Q(exam_date__gte=soonest) | Q(exam_date__isnull=True, assigned_exam_date__gte=soonest)
    ).select_related("user")
    candidates = {profile.user_id: profile for profile in profiles}
    planned = set(
        StudyDay.objects.filter(user__in=candidates, planned_at__isnull=False, day__gte=soonest).values_list(
            "user_id", "day"
        )
    )
    done = 0
    for user_id, profile in candidates.items():
        if (user_id, profile.clock().study_day(now)) in planned:
            continue
        done += study_day_plan(user=profile.user, profile=profile, now=now) is not None
    return done


def _calibrate(user, profile, day: date) -> None:
    if profile.calibrated_on == day:
        return
    profile.stability_scale = calibrated_scale(user, profile)
    profile.calibrated_on = day
    profile.save(update_fields=["stability_scale", "calibrated_on"])


def new_limit_for(user, profile, now: datetime) -> int:
    """Today's new-card limit with an exam: the policy's pace, at least the
    learner's own."""
    remaining = CardState.objects.filter(user=user, in_scope=True, suspended=False, state=S.NEW).count()
    clock = profile.clock()
    limit = exam.new_cards_for_today(
        remaining=remaining,
        new_per_day=profile.new_per_day,
        max_new_per_day=max(profile.new_per_day, min(profile.new_per_day * NEW_PACE_FACTOR, NEW_HARD_LIMIT)),
        today=clock.fsrs_time(now),
        exam_at=clock.exam_fsrs,
    )
    # What was already introduced today counts against the raised limit too.
    return max(limit, profile.new_per_day)


def _review_plan(user, profile, now: datetime, day: date) -> exam.DayPlan:
    clock = profile.clock()
    scheduler = scheduler_for(profile, fuzz=False)
    day_end = clock.day_end(day)
    exam_at = clock.exam_fsrs
    fsrs_now = clock.fsrs_time(now)
    rows = review_rows(user, now)
    cards = review_cards(rows, clock)
    due = [cards[r.id] for r in rows if r.due < day_end]
    final_phase = (exam_at - fsrs_now).days <= exam.DEFAULT_TUNING.final_phase_days
    plan = exam.plan_day(
        scheduler=scheduler,
        due_cards=due,
        not_due_cards=[cards[r.id] for r in rows if r.due >= day_end] if final_phase else (),
        today=fsrs_now,
        budget=profile.reviews_per_day,
        exam_at=exam_at,
        past_daily_reviews=_past_daily_reviews(user, day),
        stability_scale=profile.stability_scale,
        target_recall=target_recall(profile),
        done_today=_reviews_done(user, day),
    )
    versions = {row.id: row.version for row in rows}
    _move(user, [c.card_id for c in plan.pulled], now, versions)
    _move(user, [c.card_id for c in plan.postponed], clock.day_start(day + timedelta(days=1)), versions)
    _refresh_exam_recall(user, [*due, *plan.pulled], scheduler, exam_at, profile.stability_scale)
    return plan


def _reviews_done(user, day: date) -> int:
    """Reviews answered since the study day began: a plan made mid-session
    (the hourly plan meeting a session that crossed the day's start) leaves
    the day only the rest of its budget."""
    return ReviewLog.objects.filter(user=user, study_day=day, previous_state=S.REVIEW).count()


def review_rows(user, now: datetime) -> list[_Row]:
    """The learner's review cards that today's plan may touch: in scope, not
    suspended, not buried."""
    states = CardState.objects.filter(user=user, in_scope=True, suspended=False, state=S.REVIEW).filter(
        Q(buried_until__isnull=True) | Q(buried_until__lte=now)
    )
    return [
        _Row(*values)
        for values in states.values_list("id", "version", "stability", "difficulty", "due", "last_review")
        if None not in values
    ]


def review_cards(rows: list[_Row], clock) -> dict[int, Card]:
    """The states as fsrs cards in fsrs time, each card_id the state's id."""
    return {
        row.id: fsrs_card(
            card_id=row.id,
            state=S.REVIEW,
            step=None,
            stability=row.stability,
            difficulty=row.difficulty,
            due=row.due,
            last_review=row.last_review,
            clock=clock,
        )
        for row in rows
    }


def _past_daily_reviews(user, day: date) -> list[int]:
    """Reviews per past study day (zeros for days without), oldest first,
    from the learner's first answer (at most HISTORY_DAYS back)."""
    since = day - timedelta(days=HISTORY_DAYS)
    counts = dict(
        ReviewLog.objects.filter(user=user, study_day__gte=since, study_day__lt=day, previous_state=S.REVIEW)
        .values("study_day")
        .annotate(n=Count("id"))
        .values_list("study_day", "n")
    )
    first = (
        ReviewLog.objects.filter(user=user, study_day__gte=since)
        .order_by("study_day")
        .values_list("study_day", flat=True)
        .first()
    )
    if first is None:
        return []
    return [counts.get(first + timedelta(days=i), 0) for i in range((day - first).days)]


def _move(user, state_ids: list[int], due: datetime, versions: dict[int, int]) -> None:
    """Set the due date of the planned states, each only while it is still at
    the version the plan read (an answer in between wins)."""
    for state_id in state_ids:
        CardState.objects.filter(pk=state_id, user=user, version=versions[state_id]).update(
            due=due, version=F("version") + 1
        )


def _refresh_exam_recall(user, cards: list[Card], scheduler, exam_at: datetime, scale: float) -> None:
    """Today's predicted exam-day recall of the cards due: the final weeks
    show the lowest first, and yesterday's calibration may have changed it."""
    states = [
        CardState(
            pk=card.card_id,
            exam_recall=exam.predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=scale),
        )
        for card in cards
    ]
    if states:
        CardState.objects.filter(user=user).bulk_update(states, ["exam_recall"], batch_size=500)
