"""Where the exam-date policy (studyapp.scheduling.exam, pure Python) meets a
learner's rows. docs/scheduling.md explains the policy and its figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from fsrs import Card, Scheduler, State

from studyapp.accounts.models import latest_exam_date
from studyapp.scheduling import exam
from studyapp.study.fsrs_bridge import scheduler_for
from studyapp.study.models import CardState, ReviewLog, StudyDay

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
    """When the exam is (noon on the exam day, see Profile.exam_moment), or None."""
    exam_date = planned_exam_date(profile)
    return profile.exam_moment(exam_date) if exam_date else None


def target_recall(profile) -> float:
    """Recall aimed at on the exam day: the policy's default, or the learner's
    desired retention when that is higher."""
    return max(exam.DEFAULT_TARGET_RECALL, profile.desired_retention)


def exam_due(*, profile, scheduler: Scheduler, card: Card, now: datetime) -> datetime:
    """The due date after an answer: plain FSRS without an exam date, the exam
    policy's plan with one."""
    exam_at = exam_moment(profile)
    if exam_at is None or exam_at <= now:
        return card.due
    return exam.plan_next_review(
        scheduler=scheduler,
        card=card,
        reviewed_at=now,
        exam_at=exam_at,
        target_recall=target_recall(profile),
        stability_scale=profile.stability_scale,
    )


def exam_recall(*, profile, scheduler: Scheduler, card: Card) -> float | None:
    exam_at = exam_moment(profile)
    if exam_at is None:
        return None
    return exam.predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=profile.stability_scale)


def in_final_phase(profile, now: datetime) -> bool:
    """The last weeks before the exam, when reviews go lowest recall first."""
    exam_at = exam_moment(profile)
    return exam_at is not None and now < exam_at and (exam_at - now).days <= exam.DEFAULT_TUNING.final_phase_days


def exam_day_plan(*, user, profile, now: datetime) -> None:
    """Once a study day, with an exam date: re-estimate how fast the learner
    forgets, and raise today's new-card limit when the remaining new cards
    would otherwise not all be introduced two weeks before the exam."""
    exam_at = exam_moment(profile)
    day = profile.study_day(now)
    if exam_at is None or exam_at <= now or profile.calibrated_on == day:
        return
    profile.stability_scale = _calibrated_scale(user, profile)
    profile.calibrated_on = day
    profile.save(update_fields=["stability_scale", "calibrated_on"])
    remaining = CardState.objects.filter(user=user, in_scope=True, suspended=False, state=CardState.State.NEW).count()
    limit = exam.new_cards_for_today(
        remaining=remaining,
        new_per_day=profile.new_per_day,
        max_new_per_day=max(profile.new_per_day, min(profile.new_per_day * NEW_PACE_FACTOR, NEW_HARD_LIMIT)),
        today=now,
        exam_at=exam_at,
    )
    # What was already introduced today counts against the raised limit too.
    limit = max(limit, profile.new_per_day)
    updated = StudyDay.objects.filter(user=user, day=day).update(new_limit=limit)
    if not updated:
        StudyDay.objects.get_or_create(user=user, day=day, defaults={"new_limit": limit})


def _calibrated_scale(user, profile) -> float:
    calibration = exam.StabilityCalibration(scheduler_for(profile, fuzz=False))
    logs = (
        ReviewLog.objects.filter(user=user, previous_state=CardState.State.REVIEW)
        .order_by("-id")
        .values_list("state_before", "reviewed_at", "rating")[:CALIBRATION_REVIEWS]
    )
    for before, reviewed_at, rating in reversed(list(logs)):
        card = _card_from_snapshot(before)
        if card is not None:
            calibration.observe(card_before=card, reviewed_at=reviewed_at, recalled=rating > 1)
    return calibration.scale


def _card_from_snapshot(before: dict) -> Card | None:
    if before.get("stability") is None or not before.get("last_review"):
        return None
    return Card(
        card_id=1,
        state=State(before["state"]),
        step=before.get("step"),
        stability=before["stability"],
        difficulty=before["difficulty"],
        due=datetime.fromisoformat(before["due"]) if before.get("due") else None,
        last_review=datetime.fromisoformat(before["last_review"]),
    )
