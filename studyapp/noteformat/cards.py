"""Study cards derived from a parsed note, each with a stable key.

A key is ``<note id>:<role>:<identity>``, e.g. ``SAP-56:trigger:504``. The
identity is the part of the content a learner would call "the same card"
(a trigger word's term, a table row's first cell), so a re-import of an edited
note finds the card again and the learner keeps its history. Pure Python."""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from studyapp.noteformat.blocks import plain
from studyapp.noteformat.model import ParsedNote, Problem

KEY_MAX = 190
IDENTITY_MAX = 48
# A note is one exam scenario: the notes we ship make 7 to 40 cards. 20,000
# trigger words made 20,005 cards, and the learner's next /study/ took 6.8 s
# to queue them; so a note makes at most this many, and the importer refuses
# one that would make more at the line the first card too many comes from.
MAX_CARDS = 1_000


@dataclass(frozen=True)
class CardSpec:
    key: str
    kind: str
    front: str
    back: str
    # What the learner is asked to recall; a change here resets the schedule,
    # a change elsewhere (wording of the front, a typo) does not.
    answer: str
    position: int
    # The line of the note the card comes from (0: not known).
    line: int = 0

    @property
    def content_hash(self) -> str:
        return digest(f"{self.front}\x00{self.back}")

    @property
    def answer_hash(self) -> str:
        return digest(normalize_answer(self.answer))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def normalize_answer(text: str) -> str:
    text = unicodedata.normalize("NFKC", plain(text)).casefold()
    return re.sub(r"[\s。、.,!?！？:：;；\"'“”「」()（）]+", "", text)


# An answer is "the same" after an edit when at least this alike (a typo fix,
# a reworded particle); below it the learner must learn something new.
SAME_ANSWER = 0.85
# Short answers ("403", "Gateway Timeout") have no room for typos: any change counts.
SHORT_ANSWER = 12
# SequenceMatcher takes time quadratic in the length (two 16,000-character
# answers took 9 s; a hostile note's megabyte, hours): past this length any
# change counts too.
LONG_ANSWER = 2_000
# Separates the part of an answer that must stay identical (a question's
# correct letters) from the part that may take small edits.
EXACT = "\x1f"


def answer_changed(old: str, new: str) -> bool:
    """Did an edit change what the learner must recall, or only its wording?"""
    old_exact, _, old_rest = old.rpartition(EXACT)
    new_exact, _, new_rest = new.rpartition(EXACT)
    if old_exact != new_exact:
        return True
    before, after = normalize_answer(old_rest), normalize_answer(new_rest)
    if before == after:
        return False
    if min(len(before), len(after)) < SHORT_ANSWER or max(len(before), len(after)) > LONG_ANSWER:
        return True
    return SequenceMatcher(None, before, after, autojunk=False).ratio() < SAME_ANSWER


def slug(text: str, limit: int = IDENTITY_MAX) -> str:
    text = unicodedata.normalize("NFKC", plain(text)).casefold()
    text = re.sub(r"[^\w/+.-]+", "-", text).strip("-")
    return text[:limit].strip("-") or "x"


def cards_for(note: ParsedNote) -> list[CardSpec]:
    """Every card of a note, in reading order, with unique keys; at most
    MAX_CARDS + 1 of them, since a note with more is refused anyway (see
    ``card_limit_problem``) and building them costs time for nothing."""
    builder = _Builder(note.meta.id, limit=MAX_CARDS + 1)
    with contextlib.suppress(_Full):
        _build(builder, note)
    return builder.cards


def card_limit_problem(specs: list[CardSpec]) -> Problem | None:
    """The error for a note that makes more than MAX_CARDS cards, at the line
    of the first card too many."""
    if len(specs) <= MAX_CARDS:
        return None
    return Problem(
        specs[MAX_CARDS].line,
        f"this line makes card {MAX_CARDS + 1} of the note; a note may make at most {MAX_CARDS} cards: "
        "split it into several notes",
    )


def _build(builder: _Builder, note: ParsedNote) -> None:
    title = note.meta.title
    for word in note.trigger_words:
        gloss = f" ({word.gloss})" if word.gloss else ""
        builder.add(
            "trigger", word.term, f"**“{word.term}”**{gloss}", word.explanation, answer=word.explanation, line=word.line
        )
    for table in note.tables:
        lines = table.row_lines or [table.line] * len(table.rows)
        for row, line in zip(table.rows, lines, strict=False):
            front = f"**{plain(table.header[0])}: {row[0]}**"
            back = "\n".join(f"- **{plain(h)}**: {c}" for h, c in zip(table.header[1:], row[1:], strict=False))
            builder.add("compare", row[0], front, back, answer="|".join(row[1:]), line=line)
    exam = note.exam_note
    if exam.concept or exam.concept_points:
        back = "\n".join([exam.concept, "", *(f"- {p.text}" for p in exam.concept_points)]).strip()
        builder.add("concept", "core", f"**{title}**: core concept?", back, answer=back, line=exam.concept_line)
    for practice in exam.best_practices:
        answer = practice.practice
        builder.add("practice", practice.trigger, practice.trigger, answer, answer=answer, line=practice.line)
    for pitfall in exam.pitfalls:
        front, back = _split_first_sentence(pitfall.text)
        builder.add("pitfall", pitfall.text, front, back, answer=pitfall.text, line=pitfall.line)
    for shortcut in exam.shortcuts:
        left, sep, right = shortcut.text.partition("=")
        if sep and left.strip() and right.strip():
            builder.add("shortcut", left, f"{left.strip()} = ?", right.strip(), answer=right, line=shortcut.line)
        else:
            text = shortcut.text
            builder.add("shortcut", text, f"**{title}**: shortcut?", text, answer=text, line=shortcut.line)
    if note.correct_letters:
        # Another correct set is another answer; a typo in an option's text is not.
        texts = "\n".join(o.text for o in note.options if o.correct)
        answer = ",".join(note.correct_letters) + EXACT + texts
        line = next((o.line for o in note.options if o.correct), 0)
        builder.add("question", "scenario", title, ", ".join(note.correct_letters), answer=answer, line=line)


def _split_first_sentence(text: str) -> tuple[str, str]:
    """A pitfall's first sentence asks, the rest answers; a single sentence stands whole."""
    match = re.match(r"^(.+?[。.!?！？])\s*(.+)$", text, re.S)
    if match:
        return match.group(1), match.group(2)
    return text, text


class _Full(Exception):
    """The builder holds as many cards as anyone will look at."""


class _Builder:
    def __init__(self, note_id: str, *, limit: int):
        self.note_id = note_id
        self.limit = limit
        self.cards: list[CardSpec] = []
        self.keys: set[str] = set()

    def add(self, kind: str, identity: str, front: str, back: str, *, answer: str, line: int) -> None:
        if len(self.cards) >= self.limit:
            raise _Full
        base = f"{self.note_id}:{kind}:{slug(identity)}"[:KEY_MAX]
        key, n = base, 2
        while key in self.keys:
            key, n = f"{base}~{n}", n + 1
        self.keys.add(key)
        self.cards.append(CardSpec(key, kind, front, back, answer, len(self.cards), line))
