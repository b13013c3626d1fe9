"""Benchmarks: each module with a run() -> dict is run by bench/run_all.py (make bench)."""
