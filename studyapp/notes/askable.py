"""Whether a question card can be asked in a mock or a practice: its note
has at least two options, every one with a text, and at least one correct.

Decided once, when a note's options are written (the importer, every edit
goes through it), and kept on ``Card.askable``: drawing a mock then reads
only askable question cards through a partial index instead of joining every
option of the bank at every start (issue 16)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from studyapp.notes.models import Card, Option


def options_askable(options: Iterable[tuple[str, bool]]) -> bool:
    """``options``: (text, is correct) of one note's options."""
    options = list(options)
    return len(options) >= 2 and all(text for text, _ in options) and any(correct for _, correct in options)


def cards_askable_set(*, note_id: int, askable: bool) -> None:
    """One statement: the note's question cards take ``askable``."""
    Card.objects.filter(note_id=note_id, kind=Card.Kind.QUESTION).exclude(askable=askable).update(askable=askable)


def cards_askable_refresh(*, note_ids: Iterable[int]) -> None:
    """Recompute the flag from the stored options of ``note_ids`` (for rows
    written without the importer: fixtures, the data migration's logic)."""
    note_ids = list(note_ids)
    options: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for note_id, text, is_correct in Option.objects.filter(note_id__in=note_ids).values_list(
        "note_id", "text", "is_correct"
    ):
        options[note_id].append((text, is_correct))
    ok = [note_id for note_id in note_ids if options_askable(options[note_id])]
    questions = Card.objects.filter(note_id__in=note_ids, kind=Card.Kind.QUESTION)
    questions.filter(note_id__in=ok).update(askable=True)
    questions.exclude(note_id__in=ok).update(askable=False)
