"""Scheduling policies on top of FSRS (pure Python, no Django).

``studyapp.scheduling.exam`` schedules for an exam date; docs/scheduling.md
describes the policy and the simulation that tunes it."""

from studyapp.scheduling.exam import (
    DEFAULT_TARGET_RECALL,
    DEFAULT_TUNING,
    DayPlan,
    ExamTuning,
    StabilityCalibration,
    day_cap,
    new_cards_for_today,
    plan_day,
    plan_next_review,
    predicted_recall,
    typical_day,
)

__all__ = [
    "DEFAULT_TARGET_RECALL",
    "DEFAULT_TUNING",
    "ExamTuning",
    "StabilityCalibration",
    "DayPlan",
    "day_cap",
    "plan_day",
    "typical_day",
    "new_cards_for_today",
    "plan_next_review",
    "predicted_recall",
]
