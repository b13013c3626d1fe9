"""Where the exam-date policy (studyapp.scheduling.exam, pure Python) meets a
learner's rows. docs/scheduling.md explains the policy and its figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from fsrs import Card, Scheduler, State

from studyapp.accounts.models import latest_exam_date
from studyapp.scheduling import exam
from studyapp.study.fsrs_bridge import scheduler_for
from studyapp.study.models import CardState, ReviewLog

# The calibration reads at most this many of the learner's latest review
# answers: enough to see how they forget, bounded so that opening the study
# page never grows with the history.
CALIBRATION_REVIEWS = 400
# The exam policy may raise the learner's new-card pace, to at most this many
# times their own setting (and never beyond NEW_HARD_LIMIT).
NEW_PACE_FACTOR = 3
NEW_HARD_LIMIT = 100


def planned_exam_date(profile) -> date | None:
    """The learner's exam date, when the policy plans for it: None without
    one, and None for a date beyond the settings' horizon that reached the
    database some other way (the shell, a restore): fsrs adds intervals to
    dates, and near year 9999 that overflows. Such a date is ignored, so the
    learner studies with plain FSRS instead of meeting an error page.

    Without a date of their own, the nearest exam date of their team
    assignments (kept on the profile by the teams app) is theirs."""
    exam_date = profile.exam_date or profile.assigned_exam_date
    # A day of slack: the learner's today may be a day ahead of UTC's.
    if exam_date is None or exam_date > latest_exam_date(timezone.now().date()) + timedelta(days=1):
        return None
    return exam_date


def exam_moment(profile) -> datetime | None:
    """When the exam starts (its date, the learner's own or their team
    assignment's, at the learner's exam time), or None."""
    exam_date = planned_exam_date(profile)
    return profile.exam_moment(exam_date) if exam_date else None


def exam_fsrs_time(profile) -> datetime | None:
    """The exam in fsrs time: its study day (studyapp.scheduling.clock). The
    policy plans in whole study days, as fsrs counts them."""
    moment = exam_moment(profile)
    return profile.clock.fsrs_time(moment) if moment else None


def target_recall(profile) -> float:
    """Recall aimed at on the exam day: the policy's default, or the learner's
    desired retention when that is higher."""
    return max(exam.DEFAULT_TARGET_RECALL, profile.desired_retention)


def exam_due(*, profile, scheduler: Scheduler, card: Card, fsrs_now: datetime) -> datetime:
    """The due date after an answer, in fsrs time: plain FSRS without an exam
    date, the exam policy's plan with one. ``card`` is fsrs's answer."""
    exam_at = exam_fsrs_time(profile)
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


def exam_recall(*, profile, scheduler: Scheduler, card: Card) -> float | None:
    """Predicted recall on the exam's study day (fsrs time), for ordering."""
    exam_at = exam_fsrs_time(profile)
    if exam_at is None:
        return None
    return exam.predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=profile.stability_scale)


def in_final_phase(profile, now: datetime) -> bool:
    """The last weeks before the exam, when reviews go lowest recall first."""
    exam_at = exam_moment(profile)
    if exam_at is None or now >= exam_at:
        return False
    days_left = (profile.study_day(exam_at) - profile.study_day(now)).days
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
    clock = profile.clock
    for before, reviewed_at, rating in reversed(list(logs)):
        card = _card_from_snapshot(before, clock)
        if card is not None:
            calibration.observe(card_before=card, reviewed_at=clock.fsrs_time(reviewed_at), recalled=rating > 1)
    return calibration.scale


def _card_from_snapshot(before: dict, clock) -> Card | None:
    """The card before an answer, in fsrs time, from the log's snapshot."""
    if before.get("stability") is None or not before.get("last_review"):
        return None
    due = datetime.fromisoformat(before["due"]) if before.get("due") else None
    return Card(
        card_id=1,
        state=State(before["state"]),
        step=before.get("step"),
        stability=before["stability"],
        difficulty=before["difficulty"],
        due=clock.fsrs_time(due) if due else None,
        last_review=clock.fsrs_time(datetime.fromisoformat(before["last_review"])),
    )
