"""Simulated learners: plain FSRS at 90 % against the exam-date policy.

Run from the repository root:

    .venv/bin/python bench/exam_sim.py [--seeds N] [--json]

Setup (docs/scheduling.md explains the choices):

* 400 cards, at most 30 new cards a day, at most 120 reviews a day, exam on
  day 45 (the learner studies on days 0..44, the exam is the next morning).
  New cards do not count in the review budget, for both policies (Anki's
  "new cards/day" and "maximum reviews/day"); a review is one due card shown on
  a day, its same-day relearning step included.
* Ground truth: the FSRS power forgetting curve with the true stability equal
  to the model's (``fitted``) or 0.6 times it (``misfitted``: the learner
  forgets faster than the model thinks). Recall at a review is drawn from it.
* The learner grades Again on a failure; on a success Hard, Good or Easy with
  the FSRS simulator's default shares (22.4 / 63.1 / 14.5 %); a new card's
  first grade is drawn from that simulator's first-rating shares
  (24 / 9.4 / 49.5 / 17.1 %). Same-day (re)learning steps are graded Good.
* A day's session happens at one instant (08:00 UTC): py-fsrs counts whole
  days, so the minutes between learning steps change no figure. Fuzz is off so
  both policies see the same intervals for the same history.
* Each card has its own random stream per seed, so both policies face the same
  learner.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from copy import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fsrs import Card, Rating, Scheduler, State  # noqa: E402

from studyapp.scheduling.exam import (  # noqa: E402
    StabilityCalibration,
    choose_reviews,
    new_cards_for_today,
    plan_next_review,
)

CARD_COUNT = 400
NEW_PER_DAY = 30
REVIEW_BUDGET = 120
EXAM_DAY = 45
LAST_WEEK = 7
TARGET_RECALL = 0.97
DEFAULT_SEEDS = 5
GROUND_TRUTHS = {"fitted": 1.0, "misfitted": 0.6}
KNOBS = {}
CHOOSE = {}
POLICIES = ("fsrs90", "exam")

FIRST_RATING_SHARES = ((Rating.Again, 0.24), (Rating.Hard, 0.094), (Rating.Good, 0.495), (Rating.Easy, 0.171))
SUCCESS_RATING_SHARES = ((Rating.Hard, 0.224), (Rating.Good, 0.631), (Rating.Easy, 0.145))

START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
EXAM_AT = START + timedelta(days=EXAM_DAY, hours=2)


@dataclass
class Learner:
    """The ground truth: how long this learner's memories really last."""

    scheduler: Scheduler
    stability_factor: float

    def true_recall(self, card: Card, at: datetime) -> float:
        if card.stability is None or card.last_review is None:
            return 0.0
        truth = copy(card)
        truth.stability = card.stability * self.stability_factor
        return self.scheduler.get_card_retrievability(truth, at)


@dataclass
class RunResult:
    exam_recalls: list[float]
    daily_reviews: list[int]
    presentations: int
    lapses: int
    stability_scale: float

    @property
    def mean_recall(self) -> float:
        return mean(self.exam_recalls)

    @property
    def share_at_90(self) -> float:
        return sum(r >= 0.9 for r in self.exam_recalls) / len(self.exam_recalls)

    @property
    def total_reviews(self) -> int:
        return sum(self.daily_reviews)

    @property
    def last_week_peak_to_mean(self) -> float:
        return max(self.daily_reviews[-LAST_WEEK:]) / mean(self.daily_reviews)


@dataclass
class _Deck:
    cards: list[Card]
    rngs: list[random.Random]
    introduced: int = 0
    presentations: int = 0
    lapses: int = 0
    calibration: StabilityCalibration = field(default_factory=StabilityCalibration)
    load: Counter = field(default_factory=Counter)
    daily: list = field(default_factory=list)


def simulate(*, policy: str, stability_factor: float, seed: int, card_count: int = CARD_COUNT) -> RunResult:
    """One learner, one policy, 45 days of study; returns what the exam finds."""
    scheduler = Scheduler(desired_retention=0.9, enable_fuzzing=False)
    learner = Learner(scheduler=scheduler, stability_factor=stability_factor)
    deck = _Deck(
        cards=[Card(card_id=i + 1, due=START) for i in range(card_count)],
        rngs=[random.Random(seed * 1_000_003 + i) for i in range(card_count)],
    )
    exam_at = EXAM_AT if policy == "exam" else None
    daily_reviews = []
    for day in range(EXAM_DAY):
        now = START + timedelta(days=day)
        daily_reviews.append(_review_day(deck, scheduler, learner, now, exam_at))
        deck.daily.append(daily_reviews[-1])
        _introduce_new(deck, scheduler, now, exam_at)
    recalls = [learner.true_recall(card, EXAM_AT) for card in deck.cards]
    return RunResult(recalls, daily_reviews, deck.presentations, deck.lapses, deck.calibration.scale)


def _review_day(deck: _Deck, scheduler: Scheduler, learner: Learner, now: datetime, exam_at: datetime | None) -> int:
    day_end = now + timedelta(days=1)
    due = [card for card in deck.cards[: deck.introduced] if card.due < day_end]
    scale = deck.calibration.scale
    extra = {}
    if exam_at is not None and "level_factor" in CHOOSE:
        past = deck.daily[: max(1, len(deck.daily))]
        extra = dict(
            today=now,
            not_due_cards=[card for card in deck.cards[: deck.introduced] if card.due >= day_end],
            daily_level=int(CHOOSE["level_factor"] * mean(past)) if deck.daily else 0,
            refresh_days=CHOOSE.get("refresh_days", 7),
            refresh_below=CHOOSE.get("refresh_below", 1.0),
            cap_due=CHOOSE.get("cap_due", False),
            fill_by_gain=CHOOSE.get("fill_by_gain", False),
            min_gain=CHOOSE.get("min_gain", 0.0),
            fill_above=CHOOSE.get("fill_above", 0.0),
        )
    chosen = choose_reviews(
        scheduler=scheduler, due_cards=due, budget=REVIEW_BUDGET, exam_at=exam_at, stability_scale=scale, **extra
    )
    for card in chosen:
        index = card.card_id - 1
        rng = deck.rngs[index]
        recalled = rng.random() < learner.true_recall(card, now)
        rating = _draw(rng, SUCCESS_RATING_SHARES) if recalled else Rating.Again
        deck.calibration.observe(scheduler=scheduler, card_before=card, reviewed_at=now, recalled=recalled)
        deck.lapses += not recalled
        deck.cards[index] = _finish_review(deck, scheduler, card, rating, now, exam_at, scale)
    return len(chosen)


def _introduce_new(deck: _Deck, scheduler: Scheduler, now: datetime, exam_at: datetime | None) -> None:
    remaining = len(deck.cards) - deck.introduced
    count = new_cards_for_today(
        remaining=remaining, new_per_day=NEW_PER_DAY, max_new_per_day=NEW_PER_DAY, today=now, exam_at=exam_at
    )
    for index in range(deck.introduced, deck.introduced + count):
        card = deck.cards[index]
        rating = _draw(deck.rngs[index], FIRST_RATING_SHARES)
        deck.cards[index] = _finish_review(deck, scheduler, card, rating, now, exam_at, deck.calibration.scale)
    deck.introduced += count


def _finish_review(
    deck: _Deck,
    scheduler: Scheduler,
    card: Card,
    rating: Rating,
    now: datetime,
    exam_at: datetime | None,
    scale: float,
) -> Card:
    """Review with ``rating``, then run the same-day (re)learning steps (graded
    Good: the answer was just shown) until the card is back in Review."""
    if card.last_review is not None:
        deck.load[card.due.date()] -= 1
    card, _ = scheduler.review_card(card, rating, review_datetime=now)
    deck.presentations += 1
    while card.state != State.Review:
        card, _ = scheduler.review_card(card, Rating.Good, review_datetime=now)
        deck.presentations += 1
    card.due = plan_next_review(
        scheduler=scheduler,
        card=card,
        reviewed_at=now,
        exam_at=exam_at,
        target_recall=TARGET_RECALL,
        stability_scale=scale,
        **{k: v for k, v in KNOBS.items() if k != "level"},
        **({"planned_load": deck.load} if KNOBS.get("level") else {}),
    )
    deck.load[card.due.date()] += 1
    return card


def _draw(rng: random.Random, shares: tuple[tuple[Rating, float], ...]) -> Rating:
    pick = rng.random() * sum(share for _, share in shares)
    for rating, share in shares:
        pick -= share
        if pick < 0:
            return rating
    return shares[-1][0]


def run(seeds: int = DEFAULT_SEEDS) -> dict:
    """Every policy on every ground truth and seed; the summary ``make bench`` reads."""
    started = time.perf_counter()
    results = {
        (policy, truth): [simulate(policy=policy, stability_factor=factor, seed=seed) for seed in range(seeds)]
        for policy in POLICIES
        for truth, factor in GROUND_TRUTHS.items()
    }
    details = {f"{policy}/{truth}": _summary(runs) for (policy, truth), runs in results.items()}
    ratios = [
        mean(r.total_reviews for r in results[("exam", truth)])
        / mean(r.total_reviews for r in results[("fsrs90", truth)])
        for truth in GROUND_TRUTHS
    ]
    return {
        "exam_recall_fitted": round(details["exam/fitted"]["mean_exam_recall"], 4),
        "exam_recall_misfitted": round(details["exam/misfitted"]["mean_exam_recall"], 4),
        "exam_reviews_to_fsrs90_ratio": round(mean(ratios), 3),
        "exam_last_week_peak_to_mean": round(
            max(details[f"exam/{truth}"]["worst_last_week_peak_to_mean"] for truth in GROUND_TRUTHS), 3
        ),
        "details": details,
        "setup": {
            "cards": CARD_COUNT,
            "new_per_day": NEW_PER_DAY,
            "review_budget": REVIEW_BUDGET,
            "exam_day": EXAM_DAY,
            "target_recall": TARGET_RECALL,
            "seeds": seeds,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }


def _summary(runs: list[RunResult]) -> dict:
    return {
        "mean_exam_recall": round(mean(r.mean_recall for r in runs), 4),
        "share_at_or_above_90": round(mean(r.share_at_90 for r in runs), 4),
        "total_reviews": round(mean(r.total_reviews for r in runs), 1),
        "presentations": round(mean(r.presentations for r in runs), 1),
        "lapses": round(mean(r.lapses for r in runs), 1),
        "max_daily_reviews": max(max(r.daily_reviews) for r in runs),
        "worst_last_week_peak_to_mean": round(max(r.last_week_peak_to_mean for r in runs), 3),
        "mean_last_week_peak_to_mean": round(mean(r.last_week_peak_to_mean for r in runs), 3),
        "stability_scale": round(mean(r.stability_scale for r in runs), 3),
        "daily_reviews_seed0": runs[0].daily_reviews,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS)
    parser.add_argument("--json", action="store_true", help="print only a JSON object")
    args = parser.parse_args(argv)
    result = run(args.seeds)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
