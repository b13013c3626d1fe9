"""How many answers a learner needs before FSRS parameters fitted to them
predict their next answers better than the defaults: the measurement behind
``studyapp.study.memory.MIN_ANSWERS``.

Run from the repository root:

    .venv/bin/python bench/fit_threshold.py [--seeds 5] [--json]

Simulated learners (no Django): 300 cards, one session a day for 90 days,
plain FSRS scheduling, a true memory whose stability is ``truth`` times the
default model's with a per-card log-normal spread (sigma 0.3). For each
learner and each count N, the parameters are fitted with fsrs-rs on the first
N answers (studyapp.scheduling.fitting.fit, which keeps the defaults unless
the fit predicts its own later answers better) and both the kept parameters
and the defaults are scored on the next 1,000 answers, which neither saw.
Figures: mean log loss and RMSE over bins of the kept parameters minus the
defaults' (negative: better), and how often the kept parameters were worse.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fsrs import Card, Rating, Scheduler, State  # noqa: E402

from studyapp.scheduling import fitting  # noqa: E402
from studyapp.scheduling.clock import fractional_recall  # noqa: E402

COUNTS = (100, 200, 400, 800, 1600)
TRUTHS = (1.0, 0.6, 0.4, 1.4)
HELD_OUT = 1000
START = datetime(2025, 1, 6, tzinfo=UTC)


def learner(truth: float, seed: int, cards: int = 300, days: int = 90, retention: float = 0.9) -> list[fitting.Answer]:
    """Answers in time order (by day, then card), scheduled by plain FSRS for
    ``retention``."""
    rng = random.Random(seed)
    model = Scheduler(desired_retention=retention, enable_fuzzing=False)
    answers: list[tuple[int, int, fitting.Answer]] = []
    for card_id in range(1, cards + 1):
        factor = truth * math.exp(0.3 * rng.gauss(0, 1))
        card, day, order = Card(card_id=card_id), rng.randrange(30), 0
        while day < days:
            at = START + timedelta(days=day)
            if card.stability is None:
                rating = Rating.Good if rng.random() < 0.75 else Rating.Again
            else:
                elapsed = (at - card.last_review).days
                recall = fractional_recall(
                    parameters=model.parameters, stability=card.stability * factor, elapsed_days=elapsed
                )
                rating = Rating.Good if rng.random() < recall else Rating.Again
            card, _ = model.review_card(card, rating, review_datetime=at)
            answers.append((day, order, fitting.Answer(card_id, int(rating), day)))
            order += 1
            while card.state != State.Review:
                card, _ = model.review_card(card, Rating.Good, review_datetime=at)
                answers.append((day, order, fitting.Answer(card_id, int(Rating.Good), day)))
                order += 1
            day = (card.due - START).days
    answers.sort(key=lambda item: (item[0], item[2].card, item[1]))
    return [answer for _, _, answer in answers]


def score(truth: float, seed: int, count: int) -> dict | None:
    answers = learner(truth, seed)
    if len(answers) < count + HELD_OUT:
        return None
    seen = answers[:count]
    outcome = fitting.fit(answers=seen)
    later_day = answers[count].day
    window = answers[: count + HELD_OUT]
    kept = fitting.evaluate_after(outcome.parameters, window, since_day=later_day)
    default = fitting.evaluate_after(fitting.DEFAULT_PARAMETERS, window, since_day=later_day)
    raw_parameters = fitting.candidate(answers=seen)
    raw = fitting.evaluate_after(raw_parameters, window, since_day=later_day) if raw_parameters else None
    if kept is None or default is None:
        return None
    return {
        "accepted": outcome.accepted,
        "log_loss_delta": kept.log_loss - default.log_loss,
        "rmse_delta": kept.rmse_bins - default.rmse_bins,
        # The same fit without the test on later reviews.
        "unchecked_log_loss_delta": raw.log_loss - default.log_loss if raw else 0.0,
    }


def run(seeds: int = 5) -> dict:
    started = time.perf_counter()
    figures: dict = {}
    details: dict = {}
    for truth in TRUTHS:
        for count in COUNTS:
            results = [r for r in (score(truth, seed, count) for seed in range(seeds)) if r]
            if not results:
                continue
            key = f"truth_{truth}_answers_{count}"
            details[key] = {
                "accepted_share": round(mean(r["accepted"] for r in results), 2),
                "log_loss_delta": round(mean(r["log_loss_delta"] for r in results), 4),
                "rmse_delta": round(mean(r["rmse_delta"] for r in results), 4),
                "worse_than_default": sum(r["log_loss_delta"] > 1e-9 for r in results),
                "unchecked_log_loss_delta": round(mean(r["unchecked_log_loss_delta"] for r in results), 4),
                "unchecked_worse_than_default": sum(r["unchecked_log_loss_delta"] > 1e-9 for r in results),
                "learners": len(results),
            }
    for count in COUNTS:
        rows = [d for k, d in details.items() if k.endswith(f"_answers_{count}")]
        if rows:
            figures[f"fit_threshold_{count}_worse_than_default"] = sum(r["worse_than_default"] for r in rows)
            figures[f"fit_threshold_{count}_log_loss_delta"] = round(mean(r["log_loss_delta"] for r in rows), 4)
    figures["fit_threshold_details"] = details
    figures["fit_threshold_setup"] = {
        "seeds": seeds,
        "held_out": HELD_OUT,
        "seconds": round(time.perf_counter() - started),
    }
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.seeds)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{'learner / answers fitted on':<30} {'accepted':>8} {'log loss Δ':>10} {'RMSE Δ':>8} {'worse':>6}"
            f" {'unchecked fit: log loss Δ':>26} {'worse':>6}"
        )
        for key, d in figures["fit_threshold_details"].items():
            print(
                f"{key:<30} {d['accepted_share']:>8.2f} {d['log_loss_delta']:>10.4f} {d['rmse_delta']:>8.4f} "
                f"{d['worse_than_default']:>3}/{d['learners']} {d['unchecked_log_loss_delta']:>26.4f} "
                f"{d['unchecked_worse_than_default']:>3}/{d['learners']}"
            )
    return figures


if __name__ == "__main__":
    main()
