"""The figures of an attempt's report, from its items: pure functions, no
Django (the page's reads are in report_views.py, the chart in
report_chart.py).

What the report estimates, and what it rests on (docs/exams.md, "The
report"): the percent correct, with its Wilson 95 % interval (the questions
are a sample of the bank: the interval says how far the percent may be from
the learner's true rate); and beside it the learner's memory model's
prediction for the same questions (mean predicted recall of each question's
card when it was answered), so the learner sees whether the model over- or
under-states them. No scaled score: AWS does not publish how raw answers
map to its 100-1000 scale."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# The normal quantile for a two-sided 95 % interval.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class ItemFigures:
    """What the report reads of one answered (or unanswered) question."""

    domain: str
    correct: bool
    answered: bool
    time_ms: int = 0
    # None: the memory model knows nothing of the card (never studied).
    predicted_recall: float | None = None


@dataclass(frozen=True)
class Interval:
    """Percent, 0-100."""

    low: float
    high: float


@dataclass(frozen=True)
class Tally:
    questions: int
    correct: int
    answered: int
    # Percent correct of all questions (unanswered ones count as wrong, as in the exam).
    percent: float | None
    interval: Interval | None
    # Questions whose card the model has a prediction for, its mean predicted
    # recall over them (percent), and the percent correct of those same questions.
    predicted_questions: int
    predicted: float | None
    observed_on_predicted: float | None


def wilson_interval(successes: int, trials: int, *, z: float = Z95) -> Interval | None:
    """Wilson's score interval for a proportion, in percent; None for no trials.
    Unlike the normal approximation it stays inside 0-100 and is sensible
    for 0 or all successes and for small samples (a 15-question diagnostic)."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes of {trials} trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return Interval(max(0.0, centre - half) * 100, min(1.0, centre + half) * 100)


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def tally(items: Iterable[ItemFigures]) -> Tally:
    items = list(items)
    correct = sum(1 for i in items if i.correct)
    predicted = [i for i in items if i.predicted_recall is not None]
    return Tally(
        questions=len(items),
        correct=correct,
        answered=sum(1 for i in items if i.answered),
        percent=_percent(correct, len(items)),
        interval=wilson_interval(correct, len(items)),
        predicted_questions=len(predicted),
        predicted=100 * sum(i.predicted_recall for i in predicted) / len(predicted) if predicted else None,
        observed_on_predicted=_percent(sum(1 for i in predicted if i.correct), len(predicted)),
    )


def tallies_by_domain(items: Iterable[ItemFigures], order: Sequence[str] = ()) -> list[tuple[str, Tally]]:
    """One tally per domain met, in ``order`` (the blueprint's), any other
    domain after them by name."""
    by_domain: dict[str, list[ItemFigures]] = {}
    for item in items:
        by_domain.setdefault(item.domain, []).append(item)
    rank = {name: i for i, name in enumerate(order)}
    names = sorted(by_domain, key=lambda name: (rank.get(name, len(rank)), name))
    return [(name, tally(by_domain[name])) for name in names]


@dataclass(frozen=True)
class TimeFigures:
    used_seconds: float
    limit_seconds: float | None
    # The time used over the number of questions (as a candidate paces an exam).
    per_question_seconds: float | None
    # The time the page counted on the answered questions, over their number.
    per_answered_seconds: float | None


def time_figures(
    *,
    started_at: datetime,
    submitted_at: datetime,
    deadline: datetime | None,
    items: Sequence[ItemFigures],
) -> TimeFigures:
    """Time from the start to the submission (never beyond the deadline)."""
    end = min(submitted_at, deadline) if deadline is not None else submitted_at
    used = max(0.0, (end - started_at).total_seconds())
    answered = [i for i in items if i.answered]
    return TimeFigures(
        used_seconds=used,
        limit_seconds=(deadline - started_at).total_seconds() if deadline is not None else None,
        per_question_seconds=used / len(items) if items else None,
        per_answered_seconds=sum(i.time_ms for i in answered) / 1000 / len(answered) if answered else None,
    )


@dataclass(frozen=True)
class TrendPoint:
    """One submitted attempt of the blueprint, for the trend."""

    attempt_id: int
    submitted_at: datetime
    questions: int
    correct: int

    @property
    def percent(self) -> float | None:
        return _percent(self.correct, self.questions)

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.correct, self.questions)
