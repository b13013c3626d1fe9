"""Exam-date scheduling on top of FSRS. Pure Python, no Django.

Plain FSRS keeps every card near its desired retention (say 90 %) forever; a
learner with an exam date wants something else: every card as high as possible
on one day. This module adjusts FSRS's due dates for that, and only its due
dates: every stability, difficulty and recall figure comes from the fsrs
library (``review_card``, ``get_card_retrievability``), so the memory model stays
the one FSRS fits.

The policy, in short (docs/scheduling.md has the long form and the figures):

* a card whose predicted recall on the exam day is already at or above the
  target keeps its FSRS due date (that date is after the exam);
* any other card gets its next review before the exam: on the earliest day from
  which one successful review lifts its exam-day recall to the target (spreads
  the final reviews over the last weeks instead of bunching them on the eve),
  or, when no single review can do that yet, at its regular FSRS interval;
* each day's reviews are taken lowest predicted exam-day recall first, within
  the daily budget;
* predictions are corrected by a per-learner stability scale estimated from the
  learner's own review outcomes (``StabilityCalibration``), so a learner who
  forgets faster than the FSRS parameters say is still brought to target.

All datetimes must be timezone-aware UTC, as fsrs requires.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

ONE_DAY = timedelta(days=1)
DEBUG = {}
CAP = 99.0

# The recall a learner aims for on the exam day when they have not chosen one.
DEFAULT_TARGET_RECALL = 0.97


def predicted_recall(*, scheduler: Scheduler, card: Card, at: datetime, stability_scale: float = 1.0) -> float:
    """FSRS's predicted recall of ``card`` at ``at``, for a learner whose memory
    lasts ``stability_scale`` times what the FSRS parameters predict.

    Why the scale: FSRS's parameters describe an average learner (or this
    learner's past); ``StabilityCalibration`` measures how far the current
    reviews stray from them. The curve itself stays the library's: we hand it a
    copy of the card with the stability scaled."""
    if card.stability is None or card.last_review is None:
        return 0.0  # never reviewed: nothing to recall
    if stability_scale != 1.0:
        card = copy(card)
        card.stability = card.stability * stability_scale
    return scheduler.get_card_retrievability(card, at)


def plan_next_review(
    *,
    scheduler: Scheduler,
    card: Card,
    reviewed_at: datetime,
    exam_at: datetime | None,
    target_recall: float = DEFAULT_TARGET_RECALL,
    stability_scale: float = 1.0,
    interim_retention: float | None = None,
    planning_recall: float | None = None,
    scale_interim: bool = True,
    near_retention: float | None = None,
    ramp_days: int = 14,
    midpoint: bool = False,
    two_level: bool = False,
    planned_load=None,
    level_span: int = 3,
    final_floor: float | None = None,
) -> datetime:
    """The due date of ``card`` just after it was reviewed at ``reviewed_at``.

    ``card`` is the card as ``scheduler.review_card`` returned it; its ``due``
    is plain FSRS's answer, and it is what we return when there is no exam, when
    the exam is too close for another review, while the card is in a same-day
    (re)learning step, or when its predicted exam-day recall already reaches
    ``target_recall``.

    Otherwise the card must be seen again before the exam, on a whole number of
    days after ``reviewed_at`` and no later than the day before the exam:

    * ``safe``: the last day on which its (scaled) predicted recall is still
      at least the scheduler's desired retention -- the regular FSRS interval,
      shortened for a learner who forgets faster than the parameters say;
    * ``final``: the first day on which a Good review, previewed with
      ``review_card``, would leave the card at ``target_recall`` or more on the
      exam day.

    If ``final`` exists and comes no later than ``safe``, the card is due on
    ``final``: the earliest final review leaves the most time to relearn a card
    that is forgotten there, and because ``final`` depends on each card's
    stability, the final reviews spread over the weeks before the exam instead
    of piling up on its eve. If not, the card is due on ``safe`` (an ordinary
    FSRS review that builds stability first), and the plan is made again after
    that review."""
    if exam_at is None or card.state != State.Review:
        return card.due
    last_day = _days_between(reviewed_at, exam_at - ONE_DAY)
    if last_day < 1:
        return card.due  # no whole day is left before the exam
    if predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=stability_scale) >= target_recall:
        return card.due

    plan = planning_recall or target_recall
    far = interim_retention or scheduler.desired_retention
    near = near_retention or far
    interim_scale = stability_scale if scale_interim else 1.0

    def floor_at(day: int) -> float:
        days_left = last_day + 1 - day
        if days_left >= ramp_days:
            return far
        return near + (far - near) * days_left / ramp_days

    safe = _last_day_at_or_above(
        lambda day: (
            predicted_recall(
                scheduler=scheduler, card=card, at=reviewed_at + day * ONE_DAY, stability_scale=interim_scale
            )
            >= floor_at(day)
        ),
        last_day,
    )
    safe = max(safe, 1)
    def exam_recall_if_good(day: int) -> float:
        return _exam_recall_after_good_review(
            scheduler=scheduler,
            card=card,
            review_at=reviewed_at + day * ONE_DAY,
            exam_at=exam_at,
            stability_scale=stability_scale,
        )

    final = _first_day_at_or_above(lambda day: exam_recall_if_good(day) >= plan, last_day)
    if final is None and two_level:
        final = _first_day_at_or_above(lambda day: exam_recall_if_good(day) >= target_recall, last_day)
    if final is not None and final > safe and final_floor is not None:
        reach = _last_day_at_or_above(
            lambda day: predicted_recall(
                scheduler=scheduler, card=card, at=reviewed_at + day * ONE_DAY, stability_scale=stability_scale
            )
            >= final_floor,
            last_day,
        )
        safe = max(safe, min(reach, final))
    if final is not None and final <= safe:
        latest = min(safe, last_day)
        if planned_load is not None and latest > final:
            day = min(
                range(final, min(latest, final + level_span) + 1),
                key=lambda d: (planned_load.get((reviewed_at + d * ONE_DAY).date(), 0), d),
            )
        else:
            day = final
        kind = "final"
    elif final is None and midpoint:
        day = min(safe, max(1, (last_day + 1) // 2))
        kind = "mid"
    else:
        day = safe
        kind = "safe" if final is not None else "safe-nofinal"
    DEBUG[card.card_id] = kind
    return reviewed_at + day * ONE_DAY


def choose_reviews(
    *,
    scheduler: Scheduler,
    due_cards: Sequence[Card],
    budget: int,
    exam_at: datetime | None,
    stability_scale: float = 1.0,
    today: datetime | None = None,
    not_due_cards: Sequence[Card] = (),
    daily_level: int | None = None,
    refresh_days: int = 7,
    refresh_below: float = 1.0,
    cap_due: bool = False,
    fill_by_gain: bool = False,
    min_gain: float = 0.0,
    fill_above: float = 0.0,
) -> list[Card]:
    """Today's reviews: at most ``budget`` of ``due_cards``, in the order to show them.

    With an exam date, the lowest predicted exam-day recall comes first: when
    the budget cannot cover every due card, the ones left for tomorrow are those
    that matter least for the exam. Without one, the oldest due date comes first
    (plain FSRS's usual order: the longest-overdue card is the most at risk).
    Ties go to the lower ``card_id`` so the order is reproducible."""
    if budget <= 0:
        return []
    if exam_at is None:
        ordered = sorted(due_cards, key=lambda card: (card.due, card.card_id))
    else:
        ordered = sorted(
            due_cards,
            key=lambda card: (
                predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=stability_scale),
                card.due,
                card.card_id,
            ),
        )
    if exam_at is None or today is None or daily_level is None or _days_between(today, exam_at) > refresh_days:
        return ordered[:budget]
    limit = min(budget, daily_level) if cap_due else budget
    chosen = ordered[:limit]
    room = min(budget, daily_level) - len(chosen)
    if room <= 0:
        return chosen
    eligible = [c for c in not_due_cards if c.last_review is not None and _days_between(c.last_review, today) >= 1]
    if fill_by_gain:
        scored = []
        for card in eligible:
            now_exam = predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=stability_scale)
            if now_exam >= refresh_below or now_exam < fill_above:
                continue
            p = predicted_recall(scheduler=scheduler, card=card, at=today, stability_scale=stability_scale)
            good, _ = scheduler.review_card(card, Rating.Good, review_datetime=today)
            again, _ = scheduler.review_card(card, Rating.Again, review_datetime=today)
            while again.state != State.Review:
                again, _ = scheduler.review_card(again, Rating.Good, review_datetime=today)
            gain = p * predicted_recall(scheduler=scheduler, card=good, at=exam_at, stability_scale=stability_scale) + (1 - p) * predicted_recall(scheduler=scheduler, card=again, at=exam_at, stability_scale=stability_scale) - now_exam
            if gain >= min_gain:
                scored.append((-gain, card.card_id, card))
        scored.sort()
    else:
        scored = [
            (predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=stability_scale), card.card_id, card)
            for card in eligible
        ]
        scored = sorted(s for s in scored if s[0] < refresh_below)
    return chosen + [card for _, _, card in scored[:room]]


def new_cards_for_today(
    *,
    remaining: int,
    new_per_day: int,
    today: datetime,
    exam_at: datetime | None,
    max_new_per_day: int | None = None,
    finish_days_before_exam: int = 14,
) -> int:
    """How many new cards to introduce today.

    A card never introduced has zero recall on the exam day, and a card
    introduced late has had no time to build stability, so with an exam date
    the learner's ``new_per_day`` is raised, up to ``max_new_per_day``, to the
    pace that introduces every remaining card ``finish_days_before_exam`` days
    before the exam (or, with less time than that left, as soon as possible).
    The learner's own pace is never lowered: introducing early is what leaves
    time for the reviews."""
    if remaining <= 0:
        return 0
    pace = new_per_day
    if exam_at is not None:
        days_left = _days_between(today, exam_at)
        days_to_introduce = max(1, days_left - finish_days_before_exam)
        pace = max(pace, math.ceil(remaining / days_to_introduce))
    if max_new_per_day is not None:
        pace = min(pace, max_new_per_day)
    return max(0, min(remaining, pace))


@dataclass
class StabilityCalibration:
    """How long this learner's memories last compared with what FSRS predicts.

    Why: FSRS's parameters may not fit this learner (default parameters, or a
    learner who forgets faster in the weeks before an exam). The review log
    shows it: more lapses than the predicted recall implies. We estimate one
    factor ``scale`` so that the learner's recall at elapsed time t is FSRS's
    curve with stability ``scale * S``, by maximum likelihood over their
    reviews, on a fixed grid of candidate scales (accumulated review by review,
    so it costs a few curve evaluations per review), with a log-normal prior
    centred on 1 so that a handful of reviews cannot swing it.

    Feed it every review of a card in the Review state made at least a day after
    the previous one (same-day steps say nothing about forgetting)."""

    prior_sigma: float = 0.35
    grid: tuple[float, ...] = field(default_factory=lambda: tuple(0.3 * 1.06**i for i in range(30)))
    log_likelihood: list[float] = field(default_factory=list)
    reviews: int = 0

    def __post_init__(self) -> None:
        if not self.log_likelihood:
            self.log_likelihood = [0.0] * len(self.grid)

    def observe(self, *, scheduler: Scheduler, card_before: Card, reviewed_at: datetime, recalled: bool) -> None:
        """Add one review outcome; ``card_before`` is the card as it was before the review."""
        if card_before.state != State.Review or card_before.last_review is None:
            return
        if _days_between(card_before.last_review, reviewed_at) < 1:
            return
        self.reviews += 1
        for index, scale in enumerate(self.grid):
            recall = predicted_recall(scheduler=scheduler, card=card_before, at=reviewed_at, stability_scale=scale)
            recall = min(max(recall, 1e-6), 1 - 1e-6)
            self.log_likelihood[index] += math.log(recall if recalled else 1 - recall)

    @property
    def scale(self) -> float:
        """The most likely stability scale given the reviews seen so far (1.0 with none)."""
        best_index = max(
            range(len(self.grid)),
            key=lambda i: self.log_likelihood[i] - math.log(self.grid[i]) ** 2 / (2 * self.prior_sigma**2),
        )
        return min(CAP, self.grid[best_index])


def _exam_recall_after_good_review(
    *, scheduler: Scheduler, card: Card, review_at: datetime, exam_at: datetime, stability_scale: float
) -> float:
    """Exam-day recall if the card were reviewed at ``review_at`` and recalled
    (Good). A preview: ``review_card`` works on a copy, ``card`` is untouched."""
    after, _ = scheduler.review_card(card, Rating.Good, review_datetime=review_at)
    return predicted_recall(scheduler=scheduler, card=after, at=exam_at, stability_scale=stability_scale)


def _days_between(start: datetime, end: datetime) -> int:
    """Whole days from ``start`` to ``end``, counted as fsrs counts them."""
    return (end - start).days


def _last_day_at_or_above(holds, last_day: int) -> int:
    """The largest day in 1..last_day for which ``holds`` (true on a prefix of
    days) is true, or 0 when it holds on none. Binary search: recall falls as
    days pass, so ``holds`` flips once."""
    low, high = 0, last_day
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _first_day_at_or_above(holds, last_day: int) -> int | None:
    """The smallest day in 1..last_day for which ``holds`` (true on a suffix of
    days) is true, or None. A later final review is both nearer the exam and,
    the recall at the review being lower, a larger stability gain, so exam-day
    recall after it rises with the day and ``holds`` flips once."""
    low, high = 1, last_day + 1
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low if low <= last_day else None


def iter_due(cards: Iterable[Card], now: datetime) -> list[Card]:
    """The cards of ``cards`` due at or before ``now``."""
    return [card for card in cards if card.due <= now]
