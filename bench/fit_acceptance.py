"""How often a fit that ``studyapp.scheduling.fitting.fit`` accepts predicts the
answers after it no worse than FSRS's defaults: the measurement behind
``fitting.MIN_GAIN``, ``TEST_BLOCKS``, ``MIN_TEST_ITEMS`` and ``MIN_PAIRED_Z``.

Run from the repository root:

    .venv/bin/python bench/fit_acceptance.py [--seeds 10] [--json]

Simulated learners (no Django; bench/fit_threshold.learner): 300 cards over
120 days, scheduled by plain FSRS for a retention of 0.9 or 0.95 (the exam
policy keeps recall high, which leaves few lapses to learn from), a true
memory whose stability is ``truth`` times the default model's with a per-card
spread. For each learner and each count N of answers, ``fitting.fit`` decides
on the first N (the rule the app runs); when it accepts, its parameters and
the defaults are scored on the next 1,000 answers, which it never saw.

Figures: ``fit_acceptance_no_worse_share`` (accepted fits whose log loss on
the later answers is no worse than the defaults'; issue 17 asks 95 % of the
app's changes of parameters), the accepted share per true memory (learners
whose memory follows the defaults should keep them; learners who forget
faster should get their fit), and the mean log-loss difference.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fit_threshold import HELD_OUT, learner  # noqa: E402
from studyapp.scheduling import fitting  # noqa: E402

TRUTHS = (1.0, 0.6, 0.4, 1.4)
RETENTIONS = (0.9, 0.95)
COUNTS = (800, 1600, 2400)
DAYS = 120
SEED_BASE = 1000  # other learners than bench/fit_threshold.py's


def decide(truth: float, retention: float, seed: int, count: int) -> dict | None:
    answers = learner(truth, SEED_BASE + seed, days=DAYS, retention=retention)
    if len(answers) < count + HELD_OUT:
        return None
    outcome = fitting.fit(answers=answers[:count])
    if not outcome.accepted:
        return {"accepted": False}
    window, later_day = answers[: count + HELD_OUT], answers[count].day
    fitted = fitting.evaluate_after(outcome.parameters, window, since_day=later_day)
    default = fitting.evaluate_after(fitting.DEFAULT_PARAMETERS, window, since_day=later_day)
    return {"accepted": True, "delta": fitted.log_loss - default.log_loss}


def run(seeds: int = 10) -> dict:
    started = time.perf_counter()
    by_truth: dict[float, list[dict]] = {truth: [] for truth in TRUTHS}
    for truth in TRUTHS:
        for retention in RETENTIONS:
            for seed in range(seeds):
                for count in COUNTS:
                    decided = decide(truth, retention, seed, count)
                    if decided is not None:
                        by_truth[truth].append(decided)
    accepted = [d for rows in by_truth.values() for d in rows if d["accepted"]]
    figures: dict = {
        "fit_acceptance_fits_accepted": len(accepted),
        "fit_acceptance_no_worse_share": round(sum(d["delta"] <= 1e-9 for d in accepted) / len(accepted), 3)
        if accepted
        else 1.0,
        "fit_acceptance_log_loss_delta_mean": round(mean(d["delta"] for d in accepted), 4) if accepted else 0.0,
    }
    for truth, rows in by_truth.items():
        if rows:
            figures[f"fit_acceptance_truth_{truth}_accepted_share"] = round(mean(d["accepted"] for d in rows), 3)
    figures["fit_acceptance_setup"] = {
        "seeds": seeds,
        "truths": TRUTHS,
        "retentions": RETENTIONS,
        "counts": COUNTS,
        "days": DAYS,
        "held_out": HELD_OUT,
        "min_gain": fitting.MIN_GAIN,
        "test_blocks": fitting.TEST_BLOCKS,
        "min_test_items": fitting.MIN_TEST_ITEMS,
        "min_paired_z": fitting.MIN_PAIRED_Z,
        "seconds": round(time.perf_counter() - started),
    }
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.seeds)
    print(json.dumps(figures, indent=None if args.json else 2))
    return figures


if __name__ == "__main__":
    main()
