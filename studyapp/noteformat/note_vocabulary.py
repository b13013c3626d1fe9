"""The vocabulary of the notes already imported, as data for the encoding
repair.

wordfreq's general Japanese prefers "チケット" (ticket) to "バケット"
(bucket), and a lost byte leaves exactly that choice open. The notes an
installation already holds say which words its notes use: the character
trigrams and four-grams of their text (those with a character that is not
ASCII: katakana service names, AWS terms, the brackets and commas
around them) are counted here, and the repair's second reading weighs each
doubtful candidate by how often the n-grams it would make occur in them
(studyapp.noteformat.repair, docs/note-format.md).

Pure Python, no Django: the importer passes the stored notes' texts in.
Bounded: at most MAX_CHARS characters are read (a note's text at most
MAX_NOTE_CHARS of them) and at most MAX_GRAMS distinct n-grams kept, so
memory and time stay linear in what is read, whatever the notes hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from studyapp.noteformat.repair import looks_damaged

# Bigrams were tried too and made more wrong choices on the tuning notes of
# bench/repair_vocabulary.py: "バケ" from "バケット" voted for "バケーション"
# where "ロケーション" was meant.
ORDERS = (3, 4)
MAX_CHARS = 4_000_000
MAX_NOTE_CHARS = 200_000
MAX_GRAMS = 400_000


@dataclass(frozen=True)
class NoteVocabulary:
    grams: dict[str, int] = field(default_factory=dict)
    notes: int = 0  # how many texts it was drawn from
    orders: tuple[int, ...] = ORDERS  # the lengths of the n-grams counted

    def count(self, gram: str) -> int:
        return self.grams.get(gram, 0)

    def __bool__(self) -> bool:
        return bool(self.grams)


def vocabulary_from_texts(texts: Iterable[str]) -> NoteVocabulary:
    """Count the n-grams of ``texts`` (the stored notes' Markdown, already
    repaired). A line with U+FFFD or mojibake left in it teaches nothing and
    is skipped: only text that reads as written counts."""
    grams: dict[str, int] = {}
    budget = MAX_CHARS
    notes = 0
    for text in texts:
        if budget <= 0:
            break
        text = text[: min(MAX_NOTE_CHARS, budget)]
        budget -= len(text)
        notes += 1
        for line in text.split("\n"):
            if line.isascii() or "\ufffd" in line or looks_damaged(line):
                continue
            _count_line(grams, line)
    return NoteVocabulary(grams, notes)


def _count_line(grams: dict[str, int], line: str) -> None:
    full = len(grams) >= MAX_GRAMS
    for n in ORDERS:
        for i in range(len(line) - n + 1):
            gram = line[i : i + n]
            if gram.isascii():
                continue
            seen = grams.get(gram)
            if seen is not None:
                grams[gram] = seen + 1
            elif not full:
                grams[gram] = 1
                full = len(grams) >= MAX_GRAMS
