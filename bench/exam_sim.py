"""Simulated learners: plain FSRS at 90 % against the exam-date policy.

Run from the repository root:

    .venv/bin/python bench/exam_sim.py [--seeds N] [--json]

``run(seeds)`` is what ``make bench`` (bench/run_all.py) calls. The setup, in
short (docs/scheduling.md explains each choice):

* 400 cards, at most 30 new cards and 120 reviews a day, exam on day 45: the
  learner studies on days 0..44 and sits the exam on the morning of day 45.
  New cards do not count in the review budget, for both policies (Anki's
  separate "new cards/day" and "maximum reviews/day"). A review is one due
  card shown on a day, its same-day relearning step included.
* Ground truth: the FSRS power forgetting curve with the true stability equal
  to the model's (``fitted``) or 0.6 times it (``misfitted``: the learner
  forgets faster than the model thinks). Recall at each review is drawn from
  it; the exam-day figure is the true recall, not a draw.
* The learner grades Again on a failure; on a success Hard, Good or Easy with
  the FSRS simulator's default shares (22.4 / 63.1 / 14.5 %); a new card's
  first grade comes from that simulator's first-rating shares
  (24 / 9.4 / 49.5 / 17.1 %). Same-day (re)learning steps are graded Good.
* A day's session happens at one instant (08:00 UTC): py-fsrs counts whole
  days, so the minutes between learning steps would change no figure. Fuzz is
  off, so both policies see the same intervals for the same history.
* Every card has its own random stream per seed, so both policies face the
  same learner.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script, only bench/ is on the path

from fsrs import Card, Rating, Scheduler, State  # noqa: E402

from bench.exam_figures import ExamFigures  # noqa: E402
from studyapp.scheduling.exam import (  # noqa: E402
    StabilityCalibration,
    new_cards_for_today,
    plan_day,
    plan_next_review,
)

CARD_COUNT = 400
NEW_PER_DAY = 30
REVIEW_BUDGET = 120
EXAM_DAY = 45
TARGET_RECALL = 0.97
DEFAULT_SEEDS = 5
GROUND_TRUTHS = {"fitted": 1.0, "misfitted": 0.6}
POLICIES = ("fsrs90", "exam")

FIRST_GRADE_SHARES = ((Rating.Again, 0.24), (Rating.Hard, 0.094), (Rating.Good, 0.495), (Rating.Easy, 0.171))
SUCCESS_GRADE_SHARES = ((Rating.Hard, 0.224), (Rating.Good, 0.631), (Rating.Easy, 0.145))

START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
EXAM_AT = START + timedelta(days=EXAM_DAY, hours=1)


@dataclass
class RunResult(ExamFigures):
    """What one simulated learner ends with."""

    exam_recalls: list[float]
    daily_reviews: list[int]
    presentations: int
    lapses: int
    stability_scale: float


@dataclass
class _Learner:
    """The simulated learner: the true memory and the random draws."""

    scheduler: Scheduler
    stability_factor: float
    streams: list[random.Random]

    def true_recall(self, card: Card, at: datetime) -> float:
        if card.stability is None or card.last_review is None:
            return 0.0  # never introduced
        truth = copy(card)
        truth.stability = card.stability * self.stability_factor
        return self.scheduler.get_card_retrievability(truth, at)

    def grade(self, card: Card, at: datetime) -> Rating:
        stream = self.streams[card.card_id - 1]
        if card.last_review is None:
            return _draw(stream, FIRST_GRADE_SHARES)
        if stream.random() < self.true_recall(card, at):
            return _draw(stream, SUCCESS_GRADE_SHARES)
        return Rating.Again


@dataclass
class _Deck:
    scheduler: Scheduler
    exam_at: datetime | None
    cards: list[Card]
    calibration: StabilityCalibration
    introduced: int = 0
    presentations: int = 0
    lapses: int = 0
    daily_reviews: list[int] = field(default_factory=list)

    @property
    def scale(self) -> float:
        # Plain FSRS has no calibration: its figure is reported, not used.
        return self.calibration.scale if self.exam_at is not None else 1.0


def simulate(*, policy: str, stability_factor: float, seed: int, card_count: int = CARD_COUNT) -> RunResult:
    """One learner under one policy for the days before the exam."""
    scheduler = Scheduler(desired_retention=0.9, enable_fuzzing=False)
    learner = _Learner(
        scheduler=scheduler,
        stability_factor=stability_factor,
        streams=[random.Random(seed * 1_000_003 + card_id) for card_id in range(1, card_count + 1)],
    )
    deck = _Deck(
        scheduler=scheduler,
        exam_at=EXAM_AT if policy == "exam" else None,
        cards=[Card(card_id=card_id, due=START) for card_id in range(1, card_count + 1)],
        calibration=StabilityCalibration(scheduler=scheduler),
    )
    for day in range(EXAM_DAY):
        today = START + timedelta(days=day)
        deck.daily_reviews.append(_review_due_cards(deck, learner, today))
        _introduce_new_cards(deck, learner, today)
    return RunResult(
        exam_recalls=[learner.true_recall(card, EXAM_AT) for card in deck.cards],
        daily_reviews=deck.daily_reviews,
        presentations=deck.presentations,
        lapses=deck.lapses,
        stability_scale=deck.calibration.scale,
    )


def _review_due_cards(deck: _Deck, learner: _Learner, today: datetime) -> int:
    day_ends = today + timedelta(days=1)
    introduced = deck.cards[: deck.introduced]
    chosen = plan_day(
        scheduler=deck.scheduler,
        due_cards=[card for card in introduced if card.due < day_ends],
        not_due_cards=[card for card in introduced if card.due >= day_ends] if deck.exam_at else (),
        today=today,
        budget=REVIEW_BUDGET,
        exam_at=deck.exam_at,
        past_daily_reviews=deck.daily_reviews,
        stability_scale=deck.scale,
        target_recall=TARGET_RECALL,
    ).reviews
    for card in chosen:
        grade = learner.grade(card, today)
        deck.calibration.observe(card_before=card, reviewed_at=today, recalled=grade != Rating.Again)
        deck.lapses += grade == Rating.Again
        deck.cards[card.card_id - 1] = _review(deck, card, grade, today)
    return len(chosen)


def _introduce_new_cards(deck: _Deck, learner: _Learner, today: datetime) -> None:
    count = new_cards_for_today(
        remaining=len(deck.cards) - deck.introduced,
        new_per_day=NEW_PER_DAY,
        max_new_per_day=NEW_PER_DAY,
        today=today,
        exam_at=deck.exam_at,
    )
    for index in range(deck.introduced, deck.introduced + count):
        card = deck.cards[index]
        deck.cards[index] = _review(deck, card, learner.grade(card, today), today)
    deck.introduced += count


def _review(deck: _Deck, card: Card, grade: Rating, today: datetime) -> Card:
    """Review with ``grade``, run the same-day (re)learning steps (graded Good:
    the answer was just shown) until the card is back in Review, and let the
    policy set its due date."""
    card, _ = deck.scheduler.review_card(card, grade, review_datetime=today)
    deck.presentations += 1
    while card.state != State.Review:
        card, _ = deck.scheduler.review_card(card, Rating.Good, review_datetime=today)
        deck.presentations += 1
    card.due = plan_next_review(
        scheduler=deck.scheduler,
        card=card,
        reviewed_at=today,
        exam_at=deck.exam_at,
        target_recall=TARGET_RECALL,
        stability_scale=deck.scale,
    )
    return card


def _draw(stream: random.Random, shares: tuple[tuple[Rating, float], ...]) -> Rating:
    pick = stream.random() * sum(share for _, share in shares)
    for rating, share in shares:
        pick -= share
        if pick < 0:
            return rating
    return shares[-1][0]


def run(seeds: int = DEFAULT_SEEDS) -> dict:
    """Both policies on both ground truths, ``seeds`` learners each: the
    figures ``make bench`` merges into bench/results.json."""
    started = time.perf_counter()
    results = {
        (policy, truth): [simulate(policy=policy, stability_factor=factor, seed=seed) for seed in range(seeds)]
        for truth, factor in GROUND_TRUTHS.items()
        for policy in POLICIES
    }
    details = {f"{policy}/{truth}": _summary(runs) for (policy, truth), runs in results.items()}
    review_ratios = [
        details[f"exam/{truth}"]["total_reviews"] / details[f"fsrs90/{truth}"]["total_reviews"]
        for truth in GROUND_TRUTHS
    ]
    figures = {
        "exam_recall_fitted": details["exam/fitted"]["mean_exam_recall"],
        "exam_recall_misfitted": details["exam/misfitted"]["mean_exam_recall"],
        "exam_reviews_to_fsrs90_ratio": round(mean(review_ratios), 3),
        "exam_last_week_peak_to_mean": max(
            details[f"exam/{truth}"]["worst_last_week_peak_to_mean"] for truth in GROUND_TRUTHS
        ),
    }
    figures["exam_targets_met"] = {
        "recall_fitted_at_least_0.98": figures["exam_recall_fitted"] >= 0.98,
        "recall_misfitted_at_least_0.97": figures["exam_recall_misfitted"] >= 0.97,
        "reviews_at_most_1.25x_fsrs90": figures["exam_reviews_to_fsrs90_ratio"] <= 1.25,
        "no_day_above_budget": all(d["max_daily_reviews"] <= REVIEW_BUDGET for d in details.values()),
        "last_week_peak_at_most_1.5x_mean": figures["exam_last_week_peak_to_mean"] <= 1.5,
    }
    figures["exam_sim_details"] = details
    figures["exam_sim_setup"] = {
        "cards": CARD_COUNT,
        "new_per_day": NEW_PER_DAY,
        "review_budget": REVIEW_BUDGET,
        "new_cards_in_budget": False,
        "exam_day": EXAM_DAY,
        "target_recall": TARGET_RECALL,
        "ground_truth_stability_factors": GROUND_TRUTHS,
        "fuzz": False,
        "seeds": seeds,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return figures


def _summary(runs: Sequence[RunResult]) -> dict:
    return {
        "mean_exam_recall": round(mean(r.mean_recall for r in runs), 4),
        "worst_seed_exam_recall": round(min(r.mean_recall for r in runs), 4),
        "share_at_or_above_0.9": round(mean(r.share_at_90 for r in runs), 4),
        "total_reviews": round(mean(r.total_reviews for r in runs), 1),
        "presentations": round(mean(r.presentations for r in runs), 1),
        "lapses": round(mean(r.lapses for r in runs), 1),
        "max_daily_reviews": max(max(r.daily_reviews) for r in runs),
        "worst_last_week_peak_to_mean": round(max(r.last_week_peak_to_mean for r in runs), 3),
        "calibrated_stability_scale": round(mean(r.stability_scale for r in runs), 3),
        "daily_reviews_mean": [round(mean(day), 1) for day in zip(*(r.daily_reviews for r in runs), strict=True)],
    }


def _table(figures: dict) -> str:
    header = (
        f"{'policy/ground truth':<20} {'exam recall':>11} {'worst seed':>10} {'>=0.9':>6} "
        f"{'reviews':>8} {'max/day':>7} {'last wk peak/mean':>17}"
    )
    lines = [header, "-" * len(header)]
    for name, d in figures["exam_sim_details"].items():
        lines.append(
            f"{name:<20} {d['mean_exam_recall']:>11.4f} {d['worst_seed_exam_recall']:>10.4f} "
            f"{d['share_at_or_above_0.9']:>6.3f} {d['total_reviews']:>8.1f} {d['max_daily_reviews']:>7} "
            f"{d['worst_last_week_peak_to_mean']:>17.3f}"
        )
    lines.append("")
    for key in ("exam_recall_fitted", "exam_recall_misfitted", "exam_reviews_to_fsrs90_ratio"):
        lines.append(f"{key:<30} {figures[key]}")
    lines.append(f"{'exam_last_week_peak_to_mean':<30} {figures['exam_last_week_peak_to_mean']}")
    lines.extend(f"{'target ' + name:<45} {'yes' if ok else 'NO'}" for name, ok in figures["exam_targets_met"].items())
    lines.append(f"{figures['exam_sim_setup']['seeds']} seeds, {figures['exam_sim_setup']['seconds']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Plain FSRS at 90 % against the exam-date policy, simulated.")
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, help=f"learners per case (default {DEFAULT_SEEDS})")
    parser.add_argument("--json", action="store_true", help="print only a JSON object")
    parser.add_argument(
        "--mode",
        choices=["policy", "app"],
        default="policy",
        help="policy: the pure policy functions, sessions at 08:00; app: the app's own services "
        "with a fake clock and varying session times (bench/exam_app.py)",
    )
    args = parser.parse_args(argv)
    if args.mode == "app":
        from bench import exam_app

        return exam_app.main(["--seeds", str(args.seeds), *(["--json"] if args.json else [])])
    figures = run(args.seeds)
    print(json.dumps(figures) if args.json else _table(figures))
    return figures


if __name__ == "__main__":
    main()
