"""Where a card comes from in its note's text: the line the editor opens at
when an author follows a learner's report. Cards are made in a fixed order
(noteformat.cards.cards_for); the same walk over the parsed note gives each
card's line."""

from __future__ import annotations

from studyapp.noteformat.cards import cards_for
from studyapp.noteformat.model import ParsedNote
from studyapp.noteformat.parser import parse_note


def _lines_in_card_order(note: ParsedNote) -> list[int]:
    lines = [w.line for w in note.trigger_words]
    for table in note.tables:
        lines.extend(table.line + 2 + i for i in range(len(table.rows)))
    exam = note.exam_note
    if exam.concept or exam.concept_points:
        lines.append(exam.concept_line)
    lines.extend(p.line for p in exam.best_practices)
    lines.extend(p.line for p in exam.pitfalls)
    lines.extend(s.line for s in exam.shortcuts)
    if note.correct_letters:
        lines.append(min((o.line for o in note.options if o.correct and o.line), default=1))
    return lines


def card_lines(source: str) -> dict[str, int]:
    """Card key -> line in ``source`` (empty when the text does not parse)."""
    result = parse_note(source)
    if not result.ok:
        return {}
    specs = cards_for(result.note)
    lines = _lines_in_card_order(result.note)
    if len(lines) != len(specs):
        return {}
    return {spec.key: line for spec, line in zip(specs, lines, strict=True)}
