"""The card the study page would show a learner now, for tests that walk
through a study session without HTTP (the page itself asks
``studyapp.study.queue.next_two``)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from studyapp.study.queue import next_state
from studyapp.study.services import today_for


def study_next(*, user, profile, now: datetime | None = None):
    """The card to show now and how many answers are left today."""
    now = now or timezone.now()
    return next_state(user, today_for(user=user, profile=profile, now=now))
