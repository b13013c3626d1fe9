"""Hostile note files: time and peak memory of importing and of rendering them,
at two sizes, for each class of hostile input (issue 6, section 2).

Run from the repository root:

    .venv/bin/python bench/hostile_inputs.py        (prints the tables; --quick: fewer shapes)
    .venv/bin/python bench/hostile_inputs.py --uploads   (the uploads only)
    (or: make bench, which runs every benchmark and records bench/results.json)

Classes, each a handful of shapes (docs/benchmarks.md lists them):

* yaml: alias bombs (billion laughs, merge keys), deep flow collections,
  long scalars, in front matter filled up to the size;
* regex: text that made a regular expression or Python-Markdown backtrack or
  rescan (``[``, ``[](``, ``![[``, ``*a``, ``<a``, headings, quotes, lists...),
  in paragraphs of the context section and in one trigger word;
* control: NUL and other characters no database or page can hold, literally
  and through YAML escapes;
* files: sparse files over the size limit, /dev/zero, a FIFO;
* uploads: zip archives whose entries lie about their size (deflate, bzip2,
  LZMA), uploaded through the real view in a child process
  (bench/hostile_uploads.py; ``--uploads`` runs only this part).

For each shape and size (10,000 and 100,000 characters): **import** is
``notes_import`` of the file into a fresh SQLite database (read, decode,
repair, parse, cards, write); **render** is what the note page and a study
session render: the note's body, then every card's front and back, its
options and the highlighted question (only the body for a note that fails).
Times are the best of three, in CPU seconds of this process (other processes
on a shared machine disturb them less than the wall clock); peak memory is
tracemalloc's (Python's allocations) in a separate run. The ratio of the
100,000-character figure to the 10,000-character one is about 10 when the
work is linear. A class's figures are those of its slowest shape at 100,000;
``*_worst_ratio`` is the largest ratio of any shape whose 100,000 figure is
over 20 ms (below that, timer noise decides the ratio).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    busy_warning,
    django_with_sqlite,
    print_table,
    quiet_queries,
    temporary_folder,
)

SIZES = {"10k": 10_000, "100k": 100_000}
REPEATS = 3
NOISE_FLOOR_S = 0.02
TARGET_RATIO = 15  # linear is 10; more than this is worth a look

NOTE = """---
id: "{id}"
title: "Hostile input"
category: "Security"
domain: "Design for New Solutions"
tags: ["bench"]
created_at: "2026-03-01"
{front}---

# Hostile input ({id})

## 1. 状況の読み解き (Context & Requirements)

- **構成図の分析**: CloudFront -> ALB -> EKS
- **必須要件**:
    - **可用性**: 単一 AZ の障害でもサービスを継続する。

{body}

## 2. 問題と選択肢 (Question & Options)

Which TWO causes should the architect investigate? (Choose two.)

- **A**: The pods fail the health checks.
- **B**: The listener port is wrong.
- **C**: The origin certificate expired.
- **D**: The backend is slower than the origin timeout.

## 3. 勝負を決めるキーワード (Trigger Words)

- **"504" (Gateway Timeout)**: the origin did not answer in time.
{trigger}

## 4. なぜその答えか (Reasoning)

- **論理的根拠 (A & D)**:
    - **A (health checks)**: 502 comes from failing targets.
    - **D (timeout)**: 504 comes from a slow origin.
- **選択肢の分析**:
    - **B (port)**: that fails every request.
    - **C (certificate)**: that is a 502 at once.

## 5. 比較と公式資料 (Comparison)

| Code | Meaning |
| :--- | :--- |
| 502 | Bad Gateway |
| 504 | Gateway Timeout |

## 6. 学習メモ (Exam Note)

> ### ⚠️ Pitfall / Anti-Pattern
> - 504 はオリジンの遅延であって CloudFront の障害ではない。
"""


def note(note_id: str, *, front: str = "", body: str = "", trigger: str = "") -> str:
    return NOTE.format(id=note_id, front=front, body=body, trigger=trigger)


def filled(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def paragraphs(unit: str, size: int, every: int = 4_000) -> str:
    text = filled(unit, size)
    return "\n\n".join(text[i : i + every] for i in range(0, len(text), every))


def lines_of(make: Callable[[int], str], size: int) -> str:
    out, length, i = [], 0, 0
    while length < size:
        line = make(i)
        out.append(line)
        length += len(line) + 1
        i += 1
    return "\n".join(out)


# -- the shapes of each class: size -> note text ---------------------------


def _yaml_shapes() -> dict[str, Callable[[str, int], str]]:
    laughs = 'lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
        f"l{i}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
    )
    merge = "m0: &m0 {a: 1, b: 2}\n" + "".join(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}\n" for i in range(1, 40))

    def front(head: str, tail: str, size: int) -> str:
        return head + "filler: [" + filled("x, ", max(size - len(head) - 12, 0)) + "x]\n" + tail

    return {
        "billion laughs": lambda i, n: note(i, front=front(laughs, "x: *i\n", n)),
        "merge keys": lambda i, n: note(i, front=front(merge, "", n)),
        "deep flow": lambda i, n: note(i, front="deep: " + "[" * (n // 2) + "]" * (n // 2) + "\n"),
        "long scalar": lambda i, n: note(i, front='category: "' + filled("長い", n) + '"\n'),
        "many keys": lambda i, n: note(i, front=lines_of(lambda k: f"k{k}: v{k}", n) + "\n"),
    }


# Repeated to fill paragraphs of the context section.
REGEX_UNITS = ["[", "[](", "![[", "[a](", '[a](b "', "*a", "*a* ", "_a", "`", "`a` ", "<a", "<div>", "<!--", "\\", "&"]
# Repeated to fill one trigger word (keys and slugs go through plain()).
TRIGGER_UNITS = ["[", "[a](", "*a ", "  "]
REGEX_LINES = {
    "nested quotes": lambda k: ">" * (k + 1) + " a",
    "nested lists": lambda k: "  " * k + "- a",
    "lists on one line": lambda k: "1. " * (k + 1) + "a",
    "headings": lambda k: "# a",
    "reference definitions": lambda k: f"[r{k}]: https://example.com/{k}",
    "lazy quote lines": lambda k: "> a" if k % 2 == 0 else "b",
    "hard breaks": lambda k: "a  ",
    "table rows": lambda k: "| a | b |" if k != 1 else "| - | - |",
}


def _regex_shapes() -> dict[str, Callable[[str, int], str]]:
    shapes: dict[str, Callable[[str, int], str]] = {}
    for unit in REGEX_UNITS:
        shapes[f"{unit!r} in paragraphs"] = lambda i, n, u=unit: note(i, body=paragraphs(u, n))
    for unit in TRIGGER_UNITS:
        shapes[f"{unit!r} in a trigger word"] = lambda i, n, u=unit: note(
            i, trigger=f'- **"x{filled(u, n)}x" (x)**: {filled(u, 1000)}'
        )
    for name, make in REGEX_LINES.items():
        shapes[name] = lambda i, n, m=make: note(i, body=lines_of(m, n))
    return shapes


def _control_shapes() -> dict[str, Callable[[str, int], str]]:
    return {
        "NUL in the body": lambda i, n: note(i, body=filled("a\x00", n)),
        "escape characters": lambda i, n: note(i, body=filled("a\x1b[0m", n)),
        "C1 controls": lambda i, n: note(i, body=filled("a\x85\x9d", n)),
        "NUL through YAML": lambda i, n: note(i, front='title2: "' + filled("a\\0", min(n, 60_000)) + '"\n'),
        "surrogates through YAML": lambda i, n: note(i, front='title2: "' + filled("\\ud800", min(n, 60_000)) + '"\n'),
    }


CLASSES = {"yaml": _yaml_shapes, "regex": _regex_shapes, "control": _control_shapes}


# -- measuring -------------------------------------------------------------


def _best_cpu(work: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def _peak_kb(work: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


class _Counter:
    value = 0

    def next_id(self, prefix: str) -> str:
        self.value += 1
        return f"{prefix}-{self.value}"


def _import(folder: Path, text: str):
    """Write the note to its own file and import it; returns the report."""
    from studyapp.notes.services import notes_import

    path = folder / f"{time.monotonic_ns()}.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        (report,) = notes_import(paths=[path]).notes
    finally:
        path.unlink()
    return report


def _render(text: str) -> None:
    """What the note page and a study session render of the note."""
    from studyapp.noteformat.cards import cards_for
    from studyapp.noteformat.parser import body_of, parse_note
    from studyapp.sanitizer import render_highlighted, render_inline, render_markdown

    render_markdown(body_of(text))
    result = parse_note(text)
    if not result.ok:
        return
    parsed = result.note
    terms = [w.term for w in parsed.trigger_words]
    for card in cards_for(parsed):
        render_markdown(card.front)
        render_markdown(card.back)
    for option in parsed.options:
        render_inline(option.text)
        render_highlighted(option.reasoning, terms)
    render_highlighted(parsed.question, terms)
    render_markdown(parsed.context.text)


def measure_shape(make: Callable[[str, int], str], folder: Path, ids: _Counter, repeats: int) -> dict:
    figures: dict = {}
    for label, size in SIZES.items():
        figures.update(_measure_size(make, size, label, folder, ids, repeats))
    for phase in ("import", "render"):
        figures[f"{phase}_ratio"] = figures[f"{phase}_100k_s"] / max(figures[f"{phase}_10k_s"], 1e-4)
        figures[f"{phase}_peak_ratio"] = figures[f"{phase}_100k_peak_kb"] / max(figures[f"{phase}_10k_peak_kb"], 1)
    return figures


def _measure_size(make, size: int, label: str, folder: Path, ids: _Counter, repeats: int) -> dict:
    # Every import gets a note of its own id: an unchanged file would not be parsed again.
    texts = iter([make(ids.next_id("HOS"), size) for _ in range(repeats + 2)])
    text = make(ids.next_id("HOS"), size)
    return {
        f"import_{label}_s": _best_cpu(lambda: _import(folder, next(texts)), repeats),
        f"import_{label}_peak_kb": _peak_kb(lambda: _import(folder, next(texts))),
        f"status_{label}": _import(folder, next(texts)).status,
        f"render_{label}_s": _best_cpu(lambda: _render(text), repeats),
        f"render_{label}_peak_kb": _peak_kb(lambda: _render(text)),
    }


def measure_files(folder: Path, repeats: int) -> dict:
    """Files that must be refused before they are read."""
    from studyapp.notes.services import notes_import

    figures: dict = {}
    for label, size in (("10mb", 10_000_000), ("100mb", 100_000_000)):
        path = folder / f"big-{label}.md"
        with open(path, "wb") as f:
            f.truncate(size)  # sparse
        figures[f"import_{label}_s"] = _best_cpu(lambda p=path: notes_import(paths=[p]), repeats)
        figures[f"import_{label}_peak_kb"] = _peak_kb(lambda p=path: notes_import(paths=[p]))
        path.unlink()
    figures["import_ratio"] = figures["import_100mb_s"] / max(figures["import_10mb_s"], 1e-4)
    figures["import_peak_ratio"] = figures["import_100mb_peak_kb"] / max(figures["import_10mb_peak_kb"], 1)
    fifo = folder / "pipe.md"
    os.mkfifo(fifo)
    figures["fifo_s"] = _best_cpu(lambda: notes_import(paths=[fifo]), repeats)
    fifo.unlink()
    figures["dev_zero_s"] = _best_cpu(lambda: notes_import(paths=[Path("/dev/zero")]), repeats)
    figures["dev_zero_peak_kb"] = _peak_kb(lambda: notes_import(paths=[Path("/dev/zero")]))
    return figures


def _worst(shapes: dict[str, dict], phase: str) -> tuple[str, dict]:
    name = max(shapes, key=lambda n: shapes[n][f"{phase}_100k_s"])
    return name, shapes[name]


def run_uploads(repeats: int = REPEATS) -> dict:
    """The uploads part: hostile_uploads_<method>_<10|100>_ms, _peak_kb, _ratio."""
    from bench.hostile_uploads import SIZES, measure_uploads

    with temporary_folder("studyapp-bench-hostile-uploads-") as workdir:
        measured = measure_uploads(workdir, repeats)
    results: dict = {}
    rows = []
    for method, f in measured.items():
        for label in SIZES:
            results[f"hostile_uploads_{method}_{label}_ms"] = round(f[f"{label}_s"] * 1000, 1)
            results[f"hostile_uploads_{method}_{label}_peak_kb"] = f[f"{label}_peak_kb"]
        results[f"hostile_uploads_{method}_ratio"] = round(f["ratio"], 1)
        results[f"hostile_uploads_{method}_all_refused"] = f["all_refused"]
        rows.append(
            (method, f"{f['10_s'] * 1000:.1f}", f"{f['100_s'] * 1000:.1f}", f"{f['ratio']:.1f}")
            + (f"{f['10_peak_kb']}", f"{f['100_peak_kb']}", "yes" if f["all_refused"] else "NO")
        )
    header = ("liar entries", "10 ms", "100 ms", "ratio", "10 peak KB", "100 peak KB", "all refused")
    print_table(f"hostile_inputs: uploads (CPU, best of {repeats}; peak RSS above the baseline)", header, rows)
    results["hostile_uploads_worst_ratio"] = max(results[f"hostile_uploads_{m}_ratio"] for m in measured)
    return results


def run(quick: bool = False, repeats: int = REPEATS) -> dict:
    with temporary_folder("studyapp-bench-hostile-") as workdir:
        django_with_sqlite(workdir / "hostile.sqlite3")
        folder = workdir / "notes"
        folder.mkdir()
        ids = _Counter()
        details: dict[str, dict] = {}
        results: dict = {}
        with quiet_queries():
            _render(note("WARM-1"))
            _import(folder, note("WARM-2"))
            for cls, shapes_of in CLASSES.items():
                shapes = shapes_of()
                if quick:
                    shapes = dict(list(shapes.items())[:4])
                measured = {name: measure_shape(make, folder, ids, repeats) for name, make in shapes.items()}
                details[cls] = measured
                for phase in ("import", "render"):
                    name, worst = _worst(measured, phase)
                    prefix = f"hostile_{cls}_{phase}"
                    results[f"{prefix}_10k_ms"] = round(worst[f"{phase}_10k_s"] * 1000, 1)
                    results[f"{prefix}_100k_ms"] = round(worst[f"{phase}_100k_s"] * 1000, 1)
                    results[f"{prefix}_ratio"] = round(worst[f"{phase}_ratio"], 1)
                    results[f"{prefix}_10k_peak_kb"] = round(worst[f"{phase}_10k_peak_kb"])
                    results[f"{prefix}_100k_peak_kb"] = round(worst[f"{phase}_100k_peak_kb"])
                    results[f"{prefix}_peak_ratio"] = round(worst[f"{phase}_peak_ratio"], 1)
                    timed = [f for f in measured.values() if f[f"{phase}_100k_s"] >= NOISE_FLOOR_S]
                    results[f"{prefix}_worst_ratio"] = round(max((f[f"{phase}_ratio"] for f in timed), default=0), 1)
                    details.setdefault("slowest", {})[prefix] = name
            files = measure_files(folder, repeats)
            details["files"] = files
            for key, value in files.items():
                if key.endswith("_s"):
                    results[f"hostile_files_{key[:-2]}_ms"] = round(value * 1000, 1)
                else:
                    results[f"hostile_files_{key}"] = round(value, 1)
            results.update(_one_megabyte(details, folder, ids))
            results.update(measure_bounds(details, folder, ids, repeats))
    _report(results, details)
    results.update(run_uploads(repeats))
    results["hostile_details"] = _rounded(details)
    return results


def _one_megabyte(details: dict, folder: Path, ids: _Counter) -> dict:
    """The slowest regex shape at 100,000 characters, once more at 1,000,000
    (the import's size limit): the figure a user would wait for."""
    shapes = _regex_shapes()
    figures = {}
    for phase in ("import", "render"):
        name = details["slowest"][f"hostile_regex_{phase}"]
        text = shapes[name](ids.next_id("HOS"), 990_000)
        if phase == "import":
            seconds = _best_cpu(lambda t=text: _import(folder, t), 1)
        else:
            seconds = _best_cpu(lambda t=text: _render(t), 1)
        figures[f"hostile_regex_{phase}_1mb_s"] = round(seconds, 2)
    return figures


# -- the editor's check and the note page (issue 14, finding 6) -------------


def _bounds_shapes(details: dict) -> dict[str, Callable[[str, int], str]]:
    """Ordinary prose, and the regex shape slowest to render above."""
    shapes = _regex_shapes()
    slowest = details["slowest"]["hostile_regex_render"]
    prose = "The **origin** answered `slowly`; see [docs](https://example.com). 日本語の説明も入る。 "
    return {"prose": lambda i, n: note(i, body=paragraphs(prose, n, 600)), slowest: shapes[slowest]}


def measure_bounds(details: dict, folder: Path, ids: _Counter, repeats: int) -> dict:
    """The editor's check (the preview view, as the author's typing sends it)
    and an anonymous view of a published note's page, at 10,000 and 100,000
    characters: CPU time (best of ``repeats``) and tracemalloc peak of one
    request, in this process through Django's test client. The note page
    serves HTML stored at import (rendered once: ``render``, also given)."""
    from django.contrib.auth.models import User
    from django.test import Client, override_settings

    from studyapp.accounts.services import instructors_group_ensure
    from studyapp.notes.rendering import notes_render

    author = User.objects.create_user(f"bench-author-{ids.next_id('U')}")
    author.groups.add(instructors_group_ensure())
    editor = Client(HTTP_HX_REQUEST="true", HTTP_HOST="localhost")
    editor.force_login(author)
    visitor = Client(HTTP_HOST="localhost")
    figures: dict = {}
    rows = []
    # The per-author budget would refuse the repeats: this measures the work of one check.
    with override_settings(EDITOR_CHECK_THROTTLE_PER_USER=(1_000_000, 1)):
        for name, make in _bounds_shapes(details).items():
            shape: dict = {}
            for label, size in SIZES.items():
                text = make(ids.next_id("EDT"), size)

                def check(t=text):
                    response = editor.post("/author/new/preview/", {"text": t})
                    assert response.status_code == 200, response.status_code

                shape[f"check_{label}_s"] = _best_cpu(check, repeats)
                shape[f"check_{label}_peak_kb"] = _peak_kb(check)
                report = _import(folder, make(note_id := ids.next_id("PAGE"), size))
                assert report.status == "created", report.errors
                started = time.process_time()
                notes_render()  # what the task does once after the import
                shape[f"render_once_{label}_s"] = time.process_time() - started

                def page(i=note_id):
                    response = visitor.get(f"/notes/{i}/")
                    assert response.status_code == 200, response.status_code

                shape[f"page_{label}_s"] = _best_cpu(page, repeats)
                shape[f"page_{label}_peak_kb"] = _peak_kb(page)
            for phase in ("check", "page"):
                shape[f"{phase}_ratio"] = shape[f"{phase}_100k_s"] / max(shape[f"{phase}_10k_s"], 1e-4)
                shape[f"{phase}_peak_ratio"] = shape[f"{phase}_100k_peak_kb"] / max(shape[f"{phase}_10k_peak_kb"], 1)
            details.setdefault("bounds", {})[name] = shape
            rows.append(
                (name,)
                + tuple(f"{shape[f'{p}_{s}_s'] * 1000:.1f}" for p in ("check", "page") for s in SIZES)
                + tuple(f"{shape[f'{p}_ratio']:.1f}" for p in ("check", "page"))
                + tuple(f"{shape[f'{p}_{s}_peak_kb']:.0f}" for p in ("check", "page") for s in SIZES)
                + tuple(f"{shape[f'{p}_peak_ratio']:.1f}" for p in ("check", "page"))
                + (f"{shape['render_once_100k_s'] * 1000:.1f}",)
            )
    for phase in ("check", "page"):
        name = max(details["bounds"], key=lambda n: details["bounds"][n][f"{phase}_100k_s"])
        worst = details["bounds"][name]
        for label in SIZES:
            figures[f"hostile_editor_{phase}_{label}_ms"] = round(worst[f"{phase}_{label}_s"] * 1000, 1)
            figures[f"hostile_editor_{phase}_{label}_peak_kb"] = round(worst[f"{phase}_{label}_peak_kb"])
        figures[f"hostile_editor_{phase}_ratio"] = round(worst[f"{phase}_ratio"], 1)
        figures[f"hostile_editor_{phase}_peak_ratio"] = round(worst[f"{phase}_peak_ratio"], 1)
    header = ("shape", "check 10k ms", "100k ms", "page 10k ms", "100k ms", "check ratio", "page ratio")
    header += ("check 10k KB", "100k KB", "page 10k KB", "100k KB", "ratio", "ratio", "render once 100k ms")
    print_table(f"hostile_inputs: editor check and note page (CPU, best of {repeats})", header, rows)
    return figures


# The regex shape slowest to render in the last full run (bench/results.json).
SLOWEST_RENDER = "'*a' in paragraphs"


def bounds_main(repeats: int = REPEATS) -> dict:
    """Only the editor's check and the note page: ``--bounds``."""
    with temporary_folder("studyapp-bench-bounds-") as workdir:
        django_with_sqlite(workdir / "bounds.sqlite3")
        folder = workdir / "notes"
        folder.mkdir()
        ids = _Counter()
        with quiet_queries():
            _render(note("WARM-1"))
            _import(folder, note("WARM-2"))
            details: dict = {"slowest": {"hostile_regex_render": SLOWEST_RENDER}}
            return measure_bounds(details, folder, ids, repeats)


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _report(results: dict, details: dict) -> None:
    for cls in CLASSES:
        rows = []
        for name, f in details[cls].items():
            rows.append(
                (
                    name,
                    f"{f['import_10k_s'] * 1000:.1f}",
                    f"{f['import_100k_s'] * 1000:.1f}",
                    f"{f['import_ratio']:.1f}",
                    f"{f['import_100k_peak_kb']:.0f}",
                    f"{f['render_10k_s'] * 1000:.1f}",
                    f"{f['render_100k_s'] * 1000:.1f}",
                    f"{f['render_ratio']:.1f}",
                    f"{f['render_100k_peak_kb']:.0f}",
                    f"{f['status_100k']}",
                )
            )
        header = ("shape", "import 10k ms", "100k ms", "ratio", "peak KB", "render 10k ms", "100k ms", "ratio")
        header += ("peak KB", "")
        print_table(f"hostile_inputs: {cls} (CPU, best of {REPEATS})", header, rows)
    files = details["files"]
    print(
        f"\nfiles: 10 MB {files['import_10mb_s'] * 1000:.1f} ms ({files['import_10mb_peak_kb']:.0f} KB), "
        f"100 MB {files['import_100mb_s'] * 1000:.1f} ms ({files['import_100mb_peak_kb']:.0f} KB), "
        f"FIFO {files['fifo_s'] * 1000:.1f} ms, /dev/zero {files['dev_zero_s'] * 1000:.1f} ms "
        f"({files['dev_zero_peak_kb']:.0f} KB)"
    )
    print(
        f"1 MB, slowest shapes: import {results['hostile_regex_import_1mb_s']} s, "
        f"render {results['hostile_regex_render_1mb_s']} s"
    )
    over = [k for k, v in results.items() if k.endswith("_worst_ratio") and v > TARGET_RATIO]
    print(f"ratios above {TARGET_RATIO}: {', '.join(over) if over else 'none'}")
    warning = busy_warning()
    if warning:
        print(warning)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="four shapes per class")
    parser.add_argument("--repeat", type=int, default=REPEATS)
    parser.add_argument("--bounds", action="store_true", help="only the editor's check and the note page")
    parser.add_argument("--uploads", action="store_true", help="only the hostile uploads")
    args = parser.parse_args(argv)
    if args.bounds:
        return bounds_main(args.repeat)
    if args.uploads:
        return run_uploads(args.repeat)
    return run(args.quick, args.repeat)


if __name__ == "__main__":
    main()
