"""Scheduling policies on top of FSRS (pure Python, no Django).

``studyapp.scheduling.exam`` schedules for an exam date; docs/scheduling.md
describes the policy and the simulation that tunes it."""

from studyapp.scheduling.exam import (
    DEFAULT_TARGET_RECALL,
    DEFAULT_TUNING,
    ExamTuning,
    StabilityCalibration,
    choose_reviews,
    new_cards_for_today,
    plan_next_review,
    predicted_recall,
)

__all__ = [
    "DEFAULT_TARGET_RECALL",
    "DEFAULT_TUNING",
    "ExamTuning",
    "StabilityCalibration",
    "choose_reviews",
    "new_cards_for_today",
    "plan_next_review",
    "predicted_recall",
]
