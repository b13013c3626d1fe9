"""A question bank built straight in the database (no Markdown import):
``size`` notes spread over the four SAP-C02 domains by the given shares, each
with one question card and four options (one correct; every fifth note asks
for two of five)."""

from __future__ import annotations

from studyapp.noteformat.vocabulary import DOMAINS
from studyapp.notes.askable import cards_askable_refresh
from studyapp.notes.models import Card, Note, Option


def bank_build(*, size: int, per_domain: list[int] | None = None, prefix: str = "BNK") -> list[Note]:
    """``per_domain``: how many notes each domain gets (default: even)."""
    if per_domain is None:
        per_domain = [size // 4 + (1 if i < size % 4 else 0) for i in range(4)]
    domains = [DOMAINS[i].name for i, n in enumerate(per_domain) for _ in range(n)]
    notes = Note.objects.bulk_create(
        Note(
            note_id=f"{prefix}-{i}",
            title=f"Question {i}",
            domain=domain,
            source="",
            raw_hash=f"{prefix}{i}",
            source_hash=f"{prefix}{i}",
            parsed=_parsed(i),
            tasks=[f"{DOMAINS.index(next(d for d in DOMAINS if d.name == domain)) + 1}.1"],
        )
        for i, domain in enumerate(domains)
    )
    options, cards = [], []
    for i, note in enumerate(notes):
        for choice in _parsed(i)["options"]:
            options.append(
                Option(note=note, letter=choice["letter"], text=choice["text"], is_correct=choice["correct"])
            )
        cards.append(
            Card(
                note=note,
                key=f"{note.note_id}:question:scenario",
                kind=Card.Kind.QUESTION,
                front=f"Scenario {i}",
                back="A",
                content_hash=f"c{i}",
                answer_hash=f"a{i}",
            )
        )
    Option.objects.bulk_create(options)
    Card.objects.bulk_create(cards)
    # Built without the importer: decide what it decides on import.
    cards_askable_refresh(note_ids=[n.pk for n in notes])
    return notes


def _parsed(i: int) -> dict:
    multi = i % 5 == 4
    letters = "ABCDE" if multi else "ABCD"
    correct = {"A", "C"} if multi else {"B"}
    return {
        "question": "Choose two." if multi else "Which one?",
        "context": {"text": f"Scenario {i}"},
        "options": [
            {"letter": x, "text": f"Option {x} of {i}", "reasoning": f"Why {x}", "correct": x in correct}
            for x in letters
        ],
    }
