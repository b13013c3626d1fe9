"""Run the benchmarks and merge their figures into bench/results.json.

Run from the repository root:

    .venv/bin/python bench/run_all.py                  (or: make bench) every benchmark
    .venv/bin/python bench/run_all.py import_notes     only the ones named

A benchmark is a module ``bench/<name>.py`` with a top-level ``run()`` that
returns a dict of figures. Each runs in a process of its own: Django can be
set up only once per process (each benchmark brings its own database), and
one benchmark's caches and garbage must not slow the next one down.

results.json holds one top-level key per figure (a number a benchmark's
run() returns); what else it returns (setup, details) goes under
``_details.<benchmark>``. Keys that this run did not produce (a benchmark not
run, or not importable today) keep their earlier values; ``_meta`` says when
and where each benchmark last ran.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.json"
NOT_BENCHMARKS = {"run_all", "common", "__init__"}

# Exit status of the child process when the module cannot even be imported
# (a benchmark still being written, a missing dependency): the module is
# skipped, not failed.
NOT_IMPORTABLE = 3


@dataclass
class Outcome:
    name: str
    status: str  # "ok", "failed" or "skipped"
    seconds: float = 0.0
    figures: dict = field(default_factory=dict)


def discover() -> list[str]:
    """Modules of bench/ that define a top-level run(), found without importing them."""
    names = []
    for path in sorted(BENCH.glob("*.py")):
        if path.stem in NOT_BENCHMARKS:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            names.append(path.stem)  # let the child report it as not importable
            continue
        if any(isinstance(node, ast.FunctionDef) and node.name == "run" for node in tree.body):
            names.append(path.stem)
    return names


def run_in_child(name: str) -> Outcome:
    """Run one benchmark in a fresh interpreter; its output goes straight to the terminal."""
    print(f"\n=== {name}", flush=True)
    with tempfile.TemporaryDirectory(prefix="studyapp-bench-") as tmp:
        out = Path(tmp) / "figures.json"
        started = time.perf_counter()
        child = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", name, str(out)], cwd=ROOT)
        seconds = round(time.perf_counter() - started, 1)
        if child.returncode == NOT_IMPORTABLE:
            return Outcome(name, "skipped", seconds)
        if child.returncode != 0 or not out.exists():
            return Outcome(name, "failed", seconds)
        return Outcome(name, "ok", seconds, json.loads(out.read_text(encoding="utf-8")))


def child_main(name: str, out: Path) -> int:
    """Inside the child: import bench.<name>, call run(), write its dict as JSON."""
    sys.path.insert(0, str(ROOT))
    try:
        module = importlib.import_module(f"bench.{name}")
    except Exception as exc:  # noqa: BLE001 - any import failure means "skip this one"
        print(f"{name}: skipped, not importable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return NOT_IMPORTABLE
    if not callable(getattr(module, "run", None)):
        print(f"{name}: skipped, no run()", file=sys.stderr)
        return NOT_IMPORTABLE
    figures = module.run()
    if not isinstance(figures, dict):
        raise TypeError(f"{name}.run() returned {type(figures).__name__}, not a dict")
    out.write_text(json.dumps(figures), encoding="utf-8")
    return 0


def merge(outcomes: list[Outcome], previous: dict) -> dict:
    """Earlier figures, overwritten by this run's; _meta updated for the benchmarks that ran.

    A figure is a number (or string) and gets a top-level key. Anything
    nested a benchmark returns (its setup, per-case details) goes under
    ``_details.<benchmark>``: two benchmarks may both call theirs "setup"."""
    results = {key: value for key, value in previous.items() if key not in ("_meta", "_details")}
    details = dict(previous.get("_details", {}))
    ran = dict(previous.get("_meta", {}).get("benchmarks", {}))
    produced_by: dict[str, str] = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        figures = {k: v for k, v in outcome.figures.items() if not isinstance(v, dict | list)}
        for key, value in figures.items():
            if key in produced_by:
                print(f"warning: {outcome.name} and {produced_by[key]} both report {key!r}; keeping {outcome.name}'s")
            produced_by[key] = outcome.name
            results[key] = value
        nested = {k: v for k, v in outcome.figures.items() if k not in figures}
        if nested:
            details[outcome.name] = nested
        else:
            details.pop(outcome.name, None)
        ran[outcome.name] = {"date": now, "seconds": outcome.seconds, "figures": sorted(figures)}
    results["_details"] = details
    results["_meta"] = {
        "date": now,
        "python": platform.python_version(),
        "nproc": _nproc(),
        "machine": platform.machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "benchmarks": ran,
    }
    return results


def _nproc() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_previous() -> dict:
    try:
        return json.loads(RESULTS.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as exc:
        print(f"warning: {RESULTS} is not valid JSON ({exc}); starting afresh")
        return {}


def print_summary(outcomes: list[Outcome]) -> None:
    print(f"\n=== summary (written to {RESULTS.relative_to(ROOT)})")
    for outcome in outcomes:
        print(f"{outcome.name:<16} {outcome.status:<8} {outcome.seconds:>7.1f} s")
        for key, value in outcome.figures.items():
            if not isinstance(value, dict | list):  # nested details stay in the file
                print(f"    {key:<36} {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks in bench/ and update bench/results.json.")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: every one)")
    parser.add_argument("--child", nargs=2, metavar=("NAME", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child[0], Path(args.child[1]))
    available = discover()
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; there are: {', '.join(available)}")
    outcomes = [run_in_child(name) for name in args.names or available]
    RESULTS.write_text(
        json.dumps(merge(outcomes, load_previous()), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print_summary(outcomes)
    # A benchmark named on the command line must run; one found by looking
    # around may be skipped while it is being written.
    failed = [o for o in outcomes if o.status == "failed" or (o.status == "skipped" and o.name in args.names)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
