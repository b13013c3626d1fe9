"""Hostile uploads: time and peak memory of uploading archives whose
entries lie about their size, at two sizes (10 and 100 lying entries per
archive, each declaring 900 bytes and hiding 64 MB of zeros), for deflate,
bzip2 and LZMA entries. Part of bench/hostile_inputs.py (``--uploads``
runs only this part).

Each archive also holds two good notes, which must be imported while every
liar is refused. The uploads go through the real view in a child process
(bench/upload_memory.py) on a SQLite file: CPU seconds of the child, best
of three, and its peak resident memory (``ru_maxrss``) above its baseline
after a warm-up upload — the figure docs/authoring.md bounds at 64 MB. The
ratio of the 100-entry time to the 10-entry one is about 10 when the work
is linear in the archive."""

from __future__ import annotations

from pathlib import Path

from bench import hostile_zips
from bench.upload_memory import child_database, measure

SIZES = {"10": 10, "100": 100}
HIDDEN = 64 << 20
GOOD = """---
id: "{id}"
title: "Upload bench"
category: "Security"
domain: "Design for New Solutions"
tags: ["bench"]
created_at: "2026-03-01"
---

# Upload bench ({id})

Plain text.
"""


def measure_uploads(folder: Path, repeats: int) -> dict:
    """{method: {"<n>_s", "<n>_peak_kb", "ratio", "peak_ratio", "all_refused"}}."""
    good = [hostile_zips.member(f"notes/UP-{i}.md", GOOD.format(id=f"UP-{i}").encode()) for i in (1, 2)]
    paths = [folder / "warm.zip"]
    for count in SIZES.values():
        made = hostile_zips.hostile_uploads(folder, good, HIDDEN, liars=count)
        paths += made[1:]
    paths[0].write_bytes(hostile_zips.build(good))
    env, cleanup = child_database(folder)
    try:
        figures = measure(paths, env, repeats)
    finally:
        cleanup()
    by_file = {u["file"]: u for u in figures["uploads"]}
    results: dict = {}
    for method in hostile_zips.LIARS:
        row: dict = {}
        for label, count in SIZES.items():
            upload = by_file[f"{method}-{count}.zip"]
            row[f"{label}_s"] = upload["cpu_s"]
            row[f"{label}_peak_kb"] = max(upload["peak_kb"] - figures["baseline_kb"], 0)
            row.setdefault("all_refused", True)
            row["all_refused"] &= upload["status"] == 302 and len(upload["refused"]) == count
        row["ratio"] = row["100_s"] / max(row["10_s"], 1e-4)
        row["peak_ratio"] = row["100_peak_kb"] / max(row["10_peak_kb"], 1)
        results[method] = row
    return results
