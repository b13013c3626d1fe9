"""Encoding repair with and without the vocabulary of the other notes.

Run from the repository root:

    .venv/bin/python bench/repair_vocabulary.py                 held-out notes (what make bench records)
    .venv/bin/python bench/repair_vocabulary.py --set tuning --errors   tuning notes, every wrong choice shown
    .venv/bin/python bench/repair_vocabulary.py --weight 0.25   another weight of the vocabulary

Each note of ``notes/SAP-1*.md`` is damaged exactly as the seed was (see
bench/encoding_repair.py, whose split of files into tuning and held-out set
this reuses) and repaired twice: without a vocabulary, as before, and with
the vocabulary drawn from every OTHER note in ``notes/`` (never from the note
itself), as an upload meets the notes already imported. Figures per 1,000
ambiguous positions (characters that lost a byte):

* ``repair_vocab_{set}_wrong_per_1000_before`` / ``..._after``: characters
  that differ from the original;
* ``..._silent_wrong_per_1000_before`` / ``..._after``: those wrong and not
  reported as uncertain;
* ``..._flagged_share_before`` / ``..._after``: characters reported
  uncertain, per position;
* ``..._positions``, ``..._notes``.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.encoding_repair import Tally, held_out, score  # noqa: E402
from bench.encoding_repair import _note_documents as note_documents  # noqa: E402
from studyapp.noteformat import repair  # noqa: E402
from studyapp.noteformat.note_vocabulary import vocabulary_from_texts  # noqa: E402


def _others(name: str) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((ROOT / "notes").glob("*.md")) if path.name != name]


def measure(which: str, weight: float | None = None) -> tuple[dict, Tally, Tally]:
    if weight is not None:
        repair._VOCABULARY_WEIGHT = weight
    before, after = Tally(), Tally()
    for document in note_documents():
        if held_out(document.file) != (which == "heldout"):
            continue
        vocabulary = vocabulary_from_texts(_others(Path(document.file).name))
        before.add(score(document, repair.repair_text))
        after.add(score(document, functools.partial(repair.repair_text, vocabulary=vocabulary)))
    prefix = f"repair_vocab_{which}_"
    figures = {f"{prefix}positions": before.positions, f"{prefix}notes": before.documents}
    for label, tally in (("before", before), ("after", after)):
        positions = max(tally.positions, 1)
        figures[f"{prefix}wrong_per_1000_{label}"] = round(1000 * tally.wrong / positions, 2)
        figures[f"{prefix}silent_wrong_per_1000_{label}"] = round(
            1000 * (tally.wrong - tally.wrong_flagged) / positions, 2
        )
        figures[f"{prefix}flagged_share_{label}"] = round(tally.flagged / positions, 4)
    return figures, before, after


def run() -> dict:
    figures, _, _ = measure("heldout")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["heldout", "tuning"], default="heldout")
    parser.add_argument("--weight", type=float, help="the vocabulary's weight (default: the repair's)")
    parser.add_argument("--errors", action="store_true", help="list every wrong choice (tuning set only)")
    args = parser.parse_args(argv)
    if args.errors and args.set == "heldout":
        parser.error("the held-out notes' mistakes are not shown: tune on --set tuning")
    figures, before, after = measure(args.set, args.weight)
    if args.errors:
        for label, tally in (("before", before), ("after", after)):
            print(f"--- {label}")
            for name, line, expected, chosen, context, flagged in tally.errors:
                print(f"{'flagged' if flagged else 'SILENT':7} {name}:{line} {expected!r}->{chosen!r}  {context}")
            counts = Counter((e[2], e[3]) for e in tally.errors)
            print("most frequent:", ", ".join(f"{a}->{b} x{n}" for (a, b), n in counts.most_common(10)))
    for key, value in figures.items():
        print(f"{key:<48} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
