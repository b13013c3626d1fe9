"""Study cards derived from a parsed note, each with a stable key.

A key is ``<note id>:<role>:<identity>``, e.g. ``SAP-56:trigger:504``. The
identity is the part of the content a learner would call "the same card"
(a trigger word's term, a table row's first cell), so a re-import of an edited
note finds the card again and the learner keeps its history. Pure Python."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from studyapp.noteformat.blocks import plain
from studyapp.noteformat.model import ParsedNote

KEY_MAX = 190
IDENTITY_MAX = 48


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
    """Every card of a note, in reading order, with unique keys."""
    builder = _Builder(note.meta.id)
    title = note.meta.title
    for word in note.trigger_words:
        gloss = f" ({word.gloss})" if word.gloss else ""
        builder.add("trigger", word.term, f"**“{word.term}”**{gloss}", word.explanation, answer=word.explanation)
    for table in note.tables:
        for row in table.rows:
            front = f"**{plain(table.header[0])}: {row[0]}**"
            back = "\n".join(f"- **{plain(h)}**: {c}" for h, c in zip(table.header[1:], row[1:], strict=False))
            builder.add("compare", row[0], front, back, answer="|".join(row[1:]))
    exam = note.exam_note
    if exam.concept or exam.concept_points:
        back = "\n".join([exam.concept, "", *(f"- {p.text}" for p in exam.concept_points)]).strip()
        builder.add("concept", "core", f"**{title}**: core concept?", back, answer=back)
    for practice in exam.best_practices:
        builder.add("practice", practice.trigger, practice.trigger, practice.practice, answer=practice.practice)
    for pitfall in exam.pitfalls:
        front, back = _split_first_sentence(pitfall.text)
        builder.add("pitfall", pitfall.text, front, back, answer=pitfall.text)
    for shortcut in exam.shortcuts:
        left, sep, right = shortcut.text.partition("=")
        if sep and left.strip() and right.strip():
            builder.add("shortcut", left, f"{left.strip()} = ?", right.strip(), answer=right)
        else:
            builder.add("shortcut", shortcut.text, f"**{title}**: shortcut?", shortcut.text, answer=shortcut.text)
    if note.correct_letters:
        # Another correct set is another answer; a typo in an option's text is not.
        texts = "\n".join(o.text for o in note.options if o.correct)
        answer = ",".join(note.correct_letters) + EXACT + texts
        builder.add("question", "scenario", title, ", ".join(note.correct_letters), answer=answer)
    return builder.cards


def _split_first_sentence(text: str) -> tuple[str, str]:
    """A pitfall's first sentence asks, the rest answers; a single sentence stands whole."""
    match = re.match(r"^(.+?[。.!?！？])\s*(.+)$", text, re.S)
    if match:
        return match.group(1), match.group(2)
    return text, text


class _Builder:
    def __init__(self, note_id: str):
        self.note_id = note_id
        self.cards: list[CardSpec] = []
        self.keys: set[str] = set()

    def add(self, kind: str, identity: str, front: str, back: str, *, answer: str) -> None:
        base = f"{self.note_id}:{kind}:{slug(identity)}"[:KEY_MAX]
        key, n = base, 2
        while key in self.keys:
            key, n = f"{base}~{n}", n + 1
        self.keys.add(key)
        self.cards.append(CardSpec(key, kind, front, back, answer, len(self.cards)))
