"""Where the exam-date policy (studyapp.scheduling.exam) meets a learner."""

from __future__ import annotations

from datetime import datetime

from fsrs import Card, Scheduler

from studyapp.scheduling import exam


def exam_due(*, profile, scheduler: Scheduler, card: Card, now: datetime) -> datetime:
    """The due date after an answer: plain FSRS without an exam date, the exam
    policy's plan with one."""
    exam_at = profile.exam_moment()
    if exam_at is None or exam_at <= now:
        return card.due
    return exam.plan_next_review(scheduler=scheduler, card=card, reviewed_at=now, exam_at=exam_at)
