"""Encoding repair on text it was not tuned on: accuracy, doubt and speed.

Run from the repository root:

    .venv/bin/python bench/encoding_repair.py                 held-out figures (what make bench records)
    .venv/bin/python bench/encoding_repair.py --set tuning --errors    tuning set, every wrong choice shown
    .venv/bin/python bench/encoding_repair.py --module /tmp/old_repair.py   the same figures for another
                                                                            version of repair.py

It applies the exact damage of the seed note (UTF-8 read as Windows-1252 and
written back as UTF-8, with the bytes 0x81 0x8D 0x8F 0x90 0x9D and 0xAD
dropped) to clean Japanese documents, repairs them with ``repair_text`` and
compares with the originals, character by character. The documents:

* ``notes``: our own notes, ``notes/SAP-1*.md`` (Japanese and English, like
  the notes users import); the seed SAP-56 is left out, its tests cover it;
* ``po``: the Japanese ``.po`` translations of installed packages
  (``.venv/lib/python3.11/site-packages/**/locale/ja*/LC_MESSAGES/*.po``);
* ``mo``: the Japanese message catalogues of the system
  (``/usr/share/locale/ja/LC_MESSAGES/*.mo`` and vim's), their translations
  joined one per line; whatever this machine's image has.

Long files are cut into documents of about a note's size (``DOCUMENT_CHARS``)
at line ends, since the repair uses what a document says elsewhere. Every
*file* goes into the tuning set or into the held-out set by a hash of its
name, so no held-out document shares a file with a tuning one. The held-out
set was not looked at while tuning the repair: ``--errors`` refuses to show
its mistakes.

Figures (held-out set unless the key says ``tuning``):

* positions: characters of the originals that lost a byte in the damage,
  the ones the repair has to choose for;
* ``wrong_per_1000``: characters of the repaired text that differ from the
  original, per 1,000 positions; ``silent_wrong_per_1000``: those not
  reported as uncertain; ``wrong_flagged_share``: the share of wrong choices
  that were reported, with the right character among the candidates;
* ``flagged_share``: characters reported uncertain, per position;
* ``ms_per_note``: repair time (CPU) per damaged note of ``notes`` (the
  character model already built), ``ms_per_kchar``: per 1,000 characters of
  all documents; ``model_build_s``: the one-off cost of the model (CPU): a
  load of the tables kept in var/repair-model/ when ``migrate`` prepared
  them, else their build (bench/repair_model_load.py measures both apart);
* ``clean_changed``: originals that the repair changed (must be 0).
"""

from __future__ import annotations

import argparse
import gettext
import hashlib
import importlib.util
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DROPPED_BYTES = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD))
DOCUMENT_CHARS = 6_000  # about the size of a note in notes/
MIN_JAPANESE = 50  # documents with fewer damaged characters tell nothing
SITE_PACKAGES = ROOT / ".venv/lib/python3.11/site-packages"
SYSTEM_CATALOGUES = [Path("/usr/share/locale/ja/LC_MESSAGES"), Path("/usr/share/vim")]
SPLIT_SALT = "studyapp-repair-bench-v1"


@dataclass(frozen=True)
class Document:
    source: str  # notes, po, mo
    file: str  # what the split is decided on
    name: str  # file plus chunk number
    text: str


# --------------------------------------------------------------------------
# The damage and the documents
# --------------------------------------------------------------------------


def damage(text: str) -> str:
    """The seed's damage: UTF-8 read as Windows-1252, unmapped bytes and the soft hyphen dropped."""
    return bytes(b for b in text.encode("utf-8") if b not in DROPPED_BYTES).decode("cp1252")


def lost_a_byte(ch: str) -> bool:
    return any(b in DROPPED_BYTES for b in ch.encode("utf-8"))


def held_out(file: str) -> bool:
    """Half the files, by a salted hash of the name: decided before any was looked at."""
    return hashlib.sha256(f"{SPLIT_SALT}:{file}".encode()).digest()[0] % 2 == 1


def _chunks(text: str, size: int = DOCUMENT_CHARS) -> list[str]:
    chunks, current, length = [], [], 0
    for line in text.split("\n"):
        current.append(line)
        length += len(line) + 1
        if length >= size:
            chunks.append("\n".join(current))
            current, length = [], 0
    if current:
        chunks.append("\n".join(current))
    return chunks


def _note_documents() -> list[Document]:
    return [
        Document("notes", f"notes/{path.name}", f"notes/{path.name}", path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "notes").glob("SAP-1*.md"))
    ]


def _po_documents() -> list[Document]:
    documents = []
    for path in sorted(SITE_PACKAGES.glob("**/locale/ja*/LC_MESSAGES/*.po")):
        file = str(path.relative_to(SITE_PACKAGES))
        for number, chunk in enumerate(_chunks(path.read_text(encoding="utf-8"))):
            documents.append(Document("po", file, f"{file}#{number}", chunk))
    return documents


def _mo_documents() -> list[Document]:
    documents = []
    paths = []
    for folder in SYSTEM_CATALOGUES:
        if folder.is_dir():
            paths.extend(p for p in folder.glob("**/*.mo") if "/ja/" in str(p) or p.parent.parent.name == "ja")
    for path in sorted(set(paths)):
        try:
            with path.open("rb") as handle:
                catalogue = gettext.GNUTranslations(handle)
        except (OSError, UnicodeDecodeError, ValueError, KeyError):  # a catalogue gettext cannot read
            continue
        messages = [value for key, value in sorted(catalogue._catalog.items(), key=str) if key and value]
        text = "\n".join(m.replace("\r", "") for m in messages if isinstance(m, str))
        for number, chunk in enumerate(_chunks(text)):
            documents.append(Document("mo", str(path), f"{path}#{number}", chunk))
    return documents


def documents(which: str) -> list[Document]:
    """The documents of one set ("tuning" or "heldout") with enough damage to matter."""
    wanted = which == "heldout"
    found = []
    for document in _note_documents() + _po_documents() + _mo_documents():
        if held_out(document.file) != wanted:
            continue
        if sum(map(lost_a_byte, document.text)) >= MIN_JAPANESE:
            found.append(document)
    return found


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


@dataclass
class Tally:
    documents: int = 0
    characters: int = 0
    positions: int = 0
    wrong: int = 0
    wrong_flagged: int = 0  # reported uncertain, with the right character among the candidates
    flagged: int = 0
    clean_changed: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, int, str, str, str, bool]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("documents", "characters", "positions", "wrong", "wrong_flagged", "flagged", "clean_changed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds
        self.errors.extend(other.errors)


def score(document: Document, repair_text: Callable) -> Tally:
    tally = Tally(documents=1, characters=len(document.text))
    tally.positions = sum(map(lost_a_byte, document.text))
    damaged = damage(document.text)
    started = time.process_time()  # CPU time: other work on the shared machine disturbs it far less
    result = repair_text(damaged)
    tally.seconds = time.process_time() - started
    if repair_text(document.text).text != document.text:
        tally.clean_changed = 1
    tally.flagged = len(result.uncertain)
    doubts = {(d.line, d.column): d for d in result.uncertain}
    originals, repaired = document.text.split("\n"), result.text.split("\n")
    if len(originals) != len(repaired):  # the repair keeps lines; anything else is all wrong
        tally.wrong = tally.positions
        return tally
    for number, (want, got) in enumerate(zip(originals, repaired, strict=True), start=1):
        if want == got:
            continue
        for column, expected, chosen in _differences(want, got):
            tally.wrong += 1
            doubt = doubts.get((number, column))
            flagged = doubt is not None and expected in doubt.candidates
            tally.wrong_flagged += flagged
            context = want[max(0, column - 12) : column + 11]
            tally.errors.append((document.name, number, expected, chosen, context, flagged))
    return tally


def _differences(want: str, got: str) -> list[tuple[int, str, str]]:
    """(1-based column in got, expected, chosen) for each wrong character."""
    if len(want) == len(got):
        return [(i, a, b) for i, (a, b) in enumerate(zip(want, got, strict=True), start=1) if a != b]
    found = []
    for op, a0, a1, b0, b1 in SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        if op != "equal":
            for k in range(max(a1 - a0, b1 - b0)):
                found.append(
                    (b0 + min(k, max(b1 - b0 - 1, 0)) + 1, want[a0 + k : a0 + k + 1], got[b0 + k : b0 + k + 1])
                )
    return found


def evaluate(module: ModuleType, which: str) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for document in documents(which):
        tally = score(document, module.repair_text)
        tallies.setdefault(document.source, Tally()).add(tally)
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    tallies["all"] = total
    return tallies


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def load_repair(path: str | None) -> ModuleType:
    """The repair module of this tree, or another version of it (a copy of an older repair.py)."""
    if path is None:
        from studyapp.noteformat import repair

        return repair
    spec = importlib.util.spec_from_file_location("repair_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build_seconds(module: ModuleType) -> float:
    """The one-off cost: the first repair of a damaged text builds the model."""
    started = time.process_time()
    module.repair_text(damage("状況の読み解き"))
    return time.process_time() - started


def figures(tallies: dict[str, Tally], prefix: str) -> dict[str, float]:
    result = {}
    for source, tally in tallies.items():
        key = f"{prefix}" if source == "all" else f"{prefix}{source}_"
        positions = max(tally.positions, 1)
        result[f"{key}positions"] = tally.positions
        result[f"{key}wrong_per_1000"] = round(1000 * tally.wrong / positions, 2)
        result[f"{key}silent_wrong_per_1000"] = round(1000 * (tally.wrong - tally.wrong_flagged) / positions, 2)
        result[f"{key}wrong_flagged_share"] = round(tally.wrong_flagged / tally.wrong, 3) if tally.wrong else 1.0
        result[f"{key}flagged_share"] = round(tally.flagged / positions, 4)
    return result


def measure(module: ModuleType, which: str) -> tuple[dict[str, float], dict[str, Tally]]:
    build = build_seconds(module)
    tallies = evaluate(module, which)
    prefix = "repair_" if which == "heldout" else "repair_tuning_"
    result = figures(tallies, prefix)
    notes = tallies.get("notes", Tally())
    total = tallies["all"]
    result[f"{prefix}ms_per_note"] = round(1000 * notes.seconds / max(notes.documents, 1), 1)
    result[f"{prefix}ms_per_kchar"] = round(1000 * total.seconds / max(total.characters / 1000, 1), 2)
    result[f"{prefix}documents"] = total.documents
    result[f"{prefix}clean_changed"] = total.clean_changed
    result["repair_model_build_s"] = round(build, 2)
    return result, tallies


def run() -> dict:
    """Held-out figures for bench/results.json (make bench)."""
    result, _ = measure(load_repair(None), "heldout")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["heldout", "tuning"], default="heldout")
    parser.add_argument("--module", help="path of another repair.py to measure instead of this tree's")
    parser.add_argument("--errors", action="store_true", help="list every wrong choice (tuning set only)")
    parser.add_argument("--json", action="store_true", help="print the figures only, as JSON")
    args = parser.parse_args(argv)
    if args.errors and args.set == "heldout":
        parser.error("the held-out set's mistakes are not shown: tune on --set tuning")
    result, tallies = measure(load_repair(args.module), args.set)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    if args.errors:
        for name, line, expected, chosen, context, flagged in tallies["all"].errors:
            mark = "flagged" if flagged else "SILENT"
            print(f"{mark:7} {name}:{line} {expected!r}->{chosen!r}  {context}")
    counts = Counter((e[2], e[3]) for e in tallies["all"].errors)
    if args.errors and counts:
        print("most frequent:", ", ".join(f"{a}->{b} x{n}" for (a, b), n in counts.most_common(15)))
    for key, value in sorted(result.items()):
        print(f"{key:<44} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
