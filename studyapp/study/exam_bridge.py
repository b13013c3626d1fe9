"""Where the exam-date policy (studyapp.scheduling.exam, pure Python) meets a
learner's rows. docs/scheduling.md explains the policy and its figures."""

from __future__ import annotations

from datetime import datetime

from fsrs import Card, Scheduler

from studyapp.scheduling import exam
from studyapp.scheduling.clock import StudyClock
from studyapp.study.fsrs_bridge import fsrs_card, scheduler_for
from studyapp.study.models import CardState, ReviewLog

# The calibration reads at most this many of the learner's latest review
# answers: enough to see how they forget, bounded so that opening the study
# page never grows with the history.
CALIBRATION_REVIEWS = 400
# The exam policy may raise the learner's new-card pace, to at most this many
# times their own setting (and never beyond NEW_HARD_LIMIT).
NEW_PACE_FACTOR = 3
NEW_HARD_LIMIT = 100


def target_recall(profile) -> float:
    """Recall aimed at on the exam day: the policy's default, or the learner's
    desired retention when that is higher."""
    return max(exam.DEFAULT_TARGET_RECALL, profile.desired_retention)


def exam_due(*, profile, clock: StudyClock, scheduler: Scheduler, card: Card, fsrs_now: datetime) -> datetime:
    """The due date after an answer, in fsrs time: plain FSRS without an exam
    date, the exam policy's plan with one. ``card`` is fsrs's answer."""
    exam_at = clock.exam_fsrs
    if exam_at is None or exam_at <= fsrs_now:
        return card.due
    return exam.plan_next_review(
        scheduler=scheduler,
        card=card,
        reviewed_at=fsrs_now,
        exam_at=exam_at,
        target_recall=target_recall(profile),
        stability_scale=profile.stability_scale,
    )


def exam_recall(*, profile, clock: StudyClock, scheduler: Scheduler, card: Card) -> float | None:
    """Predicted recall on the exam's study day (fsrs time), for ordering."""
    exam_at = clock.exam_fsrs
    if exam_at is None:
        return None
    return exam.predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=profile.stability_scale)


def in_final_phase(clock: StudyClock, now: datetime) -> bool:
    """The last weeks before the exam, when reviews go lowest recall first."""
    exam_at = clock.exam_at
    if exam_at is None or now >= exam_at:
        return False
    days_left = (clock.study_day(exam_at) - clock.study_day(now)).days
    return days_left <= exam.DEFAULT_TUNING.final_phase_days


def calibrated_scale(user, profile) -> float:
    """How long the learner's memories last against the parameters they are
    scheduled with, from their latest review answers (StabilityCalibration)."""
    calibration = exam.StabilityCalibration(scheduler_for(profile, fuzz=False))
    logs = (
        ReviewLog.objects.filter(user=user, previous_state=CardState.State.REVIEW)
        .order_by("-id")
        .values_list("state_before", "reviewed_at", "rating")[:CALIBRATION_REVIEWS]
    )
    clock = profile.clock()
    for before, reviewed_at, rating in reversed(list(logs)):
        card = _card_from_snapshot(before, clock)
        if card is not None:
            calibration.observe(card_before=card, reviewed_at=clock.fsrs_time(reviewed_at), recalled=rating > 1)
    return calibration.scale


def _card_from_snapshot(before: dict, clock) -> Card | None:
    """The card before an answer, in fsrs time, from the log's snapshot."""
    if before.get("stability") is None or not before.get("last_review"):
        return None
    due = before.get("due")
    return fsrs_card(
        card_id=1,
        state=before["state"],
        step=before.get("step"),
        stability=before["stability"],
        difficulty=before["difficulty"],
        due=datetime.fromisoformat(due) if due else None,
        last_review=datetime.fromisoformat(before["last_review"]),
        clock=clock,
    )
