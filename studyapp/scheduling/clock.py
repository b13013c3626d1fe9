"""The time fsrs is given: study days, not clock time. Pure Python.

py-fsrs counts elapsed time as whole days of clock time,
``(now - last_review).days``: a card answered at 07:00 after an answer at
23:00 the evening before counts as reviewed "the same day" (0 days), and one
answered at 23:00 after 07:00 the day before as 1 day, though both are one
study day apart. The schedule would then depend on the time of day a learner
happens to study.

Anki counts elapsed time in study days (a day starts at 4 a.m. local time), and
so do fsrs-rs and its optimizer (``delta_t``). So does studyapp: fsrs never sees
the clock, only ``fsrs_time(moment)``, midnight UTC of the moment's study day.
Two answers on the same study day are the same instant to fsrs (a same-day
review, as it should be); answers on consecutive study days are exactly one
day apart, whatever their times.

What fsrs returns is moved back to the clock by the same offset:
``real = now + (fsrs_due - fsrs_time(now))``. Learning steps (minutes) thus
stay minutes after the answer, and an interval of N days lands on the study
day N days after the answer's.

Recall predicted for a moment that is not an answer (the exam's start) uses
fractional days of real time instead: ``fractional_recall``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Anki's convention: a study day ends at 4 a.m. local time, so a late-night
# session still counts for the evening it started in.
DAY_STARTS_AT = time(4, 0)


def zone_named(name: str) -> ZoneInfo:
    """The time zone ``name``; UTC for a name this system does not know."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class StudyClock:
    """A learner's time, the one answer to every time question: where they
    are (``zone``), when a study day starts, and when their exam starts
    (``exam_at``, aware; None without an exam planned). Build it once (per
    request, per answer) and pass it down: the exam moment and its fsrs time
    are then computed once."""

    zone: ZoneInfo
    day_starts_at: time = DAY_STARTS_AT
    exam_at: datetime | None = None
    # The exam in fsrs time (its study day): the exam policy plans in whole
    # study days, as fsrs counts them.
    exam_fsrs: datetime | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "exam_fsrs", self.fsrs_time(self.exam_at) if self.exam_at else None)

    @property
    def exam_date(self) -> date | None:
        return self.exam_at.date() if self.exam_at else None

    def study_day(self, moment: datetime) -> date:
        """The study day ``moment`` (aware) falls in."""
        local = moment.astimezone(self.zone)
        day = local.date()
        return day - timedelta(days=1) if local.time() < self.day_starts_at else day

    def day_start(self, day: date) -> datetime:
        """The aware moment the study day ``day`` begins."""
        return datetime.combine(day, self.day_starts_at, tzinfo=self.zone)

    def day_end(self, day: date) -> datetime:
        return self.day_start(day + timedelta(days=1))

    def fsrs_time(self, moment: datetime) -> datetime:
        """What fsrs is told instead of ``moment``: its study day, as midnight UTC."""
        return fsrs_day(self.study_day(moment))

    def to_clock(self, fsrs_moment: datetime, *, now: datetime) -> datetime:
        """A time fsrs returned for an answer given at ``now``, back on the clock."""
        return now + (fsrs_moment - self.fsrs_time(now))


def fsrs_day(day: date) -> datetime:
    """The fsrs time of the study day ``day``."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def fractional_recall(*, parameters, stability: float, elapsed_days: float) -> float:
    """FSRS-6's forgetting curve, R = (1 + f·t/S)^(−w20) with f = 0.9^(−1/w20) − 1,
    for a fractional ``elapsed_days`` (py-fsrs takes whole days only).

    The curve and the parameter are the library's; this evaluates it between
    whole days, for a moment that is not an answer: the exam's start, a few
    hours after an evening review on its eve, is not a whole day after it."""
    if stability <= 0:
        return 0.0
    decay = -float(parameters[20])
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** decay
