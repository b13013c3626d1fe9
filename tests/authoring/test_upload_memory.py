"""Peak memory of an upload is bounded: at most 64 MB above the worker's
baseline (docs/authoring.md), whatever the archive hides.

Each hostile archive holds two good notes and one entry whose headers
declare 900 bytes and which unpacks to 256 MB of zeros: deflate, bzip2 and
LZMA (the latter two compressed with the zipfile module's own compressors).
A child process uploads them through the real view (middleware, multipart
parsing, the reader, the database) after a warm-up upload, and reports its
peak resident memory (``ru_maxrss``) after each; the good notes must be
imported and the liar listed as refused. Runs on the suite's database
engine: a database of its own on PostgreSQL, a file on SQLite."""

from __future__ import annotations

from bench import hostile_zips as zips
from bench.upload_memory import child_database, measure
from tests import samples

BOUND_KB = 64 * 1024
HIDDEN = 256 << 20


def good_notes() -> list[zips.Member]:
    notes = ("GOOD-1", "GOOD-2")
    return [zips.member(f"notes/{n}.md", samples.with_id(samples.CANONICAL, n).encode()) for n in notes]


def test_lying_deflate_bzip2_and_lzma_entries_stay_within_64_mb_of_the_baseline(tmp_path):
    paths = zips.hostile_uploads(tmp_path, good_notes(), HIDDEN)
    env, cleanup = child_database(tmp_path)
    try:
        figures = measure(paths, env)
    finally:
        cleanup()
    assert figures["warm"]["status"] == 302 and figures["warm"]["imported"] == 2
    grown = {u["file"]: u["peak_kb"] - figures["baseline_kb"] for u in figures["uploads"]}
    assert all(kb <= BOUND_KB for kb in grown.values()), f"peak kB above the baseline: {grown}"
    for upload in figures["uploads"]:
        label = upload["file"].removesuffix(".zip")
        assert upload["status"] == 302 and upload["refused"] == [f"{label}.zip/notes/{label}.md"], upload
