"""Notes out of studyapp: Markdown (one note, or a .zip of many) that imports
back to the same text, an Anki package (.apkg) and a CSV of the cards.

Anki recognises a note it has seen by its GUID. Each card's GUID is derived
from its key (``<note id>:<role>:<identity>``), which an edit keeps, so
importing a later export into Anki updates the cards of the first instead
of adding copies; the model and deck ids are fixed numbers for the same
reason."""

from __future__ import annotations

import hashlib
import io
import zipfile

import genanki

from studyapp.noteformat.cards import EXACT
from studyapp.notes.models import Card, Note
from studyapp.sanitizer import render_inline, render_markdown
from studyapp.spreadsheet import csv_writer

DECK_NAME = "studyapp"
CSV_COLUMNS = ["key", "note_id", "note_title", "kind", "front", "back", "answer", "updated_at"]


def _stable_id(name: str) -> int:
    """A 31-bit id that depends only on ``name`` (Anki wants ids below 2**63;
    genanki's examples use this range)."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF | 1 << 30


MODEL_ID = _stable_id("studyapp card model v1")
DECK_ID = _stable_id(f"studyapp deck {DECK_NAME}")


def card_guid(key: str) -> str:
    return genanki.guid_for("studyapp", key)


def note_markdown(*, note: Note) -> str:
    """The note's text as studyapp stores it (repaired, UTF-8, LF): an
    import of it gives the note it came from (the same content hash)."""
    return note.source


def notes_markdown_zip(*, notes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for note in notes.order_by("note_id").only("note_id", "source"):
            archive.writestr(f"notes/{note.note_id}.md", note_markdown(note=note).encode("utf-8"))
    return buffer.getvalue()


def _cards(notes):
    return Card.objects.active().filter(note__in=notes).select_related("note").order_by("note__note_id", "position")


def cards_csv(*, notes) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for card in _cards(notes):
        answer = card.answer.replace(EXACT, " | ")
        front, back = _question_csv_sides(card) if card.kind == Card.Kind.QUESTION else (card.front, card.back)
        writer.writerow(
            (
                card.key,
                card.note.note_id,
                card.note.title,
                card.kind,
                front,
                back,
                answer,
                card.updated_at.isoformat(),
            )
        )
    return buffer.getvalue()


def _question_csv_sides(card: Card) -> tuple[str, str]:
    """A question card in the CSV: the question asked (its Markdown), and the
    correct options, one a line as "A. their text" (the card itself keeps
    the note's title and the letters, which say nothing out of the app)."""
    parsed = card.note.parsed
    stem = parsed.get("question") or parsed.get("context", {}).get("text") or card.front
    correct = [
        f"{o['letter']}. {o.get('text') or o.get('label') or ''}".rstrip()
        for o in parsed.get("options", [])
        if o.get("correct")
    ]
    return stem, "\n".join(correct) or card.back


ANKI_CSS = """.card { font-family: system-ui, "Hiragino Sans", "Noto Sans JP", sans-serif; font-size: 18px;
  text-align: left; color: #1d2430; background: #fff; line-height: 1.6; }
.meta { color: #5b6576; font-size: 13px; }
table { border-collapse: collapse; } td, th { border: 1px solid #dfe3ea; padding: 2px 6px; }
.right { color: #1d7a46; } .wrong { color: #b3261e; }"""


def anki_model() -> genanki.Model:
    return genanki.Model(
        MODEL_ID,
        "studyapp card",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Note"}, {"name": "Key"}],
        templates=[
            {
                "name": "Card",
                "qfmt": '<div class="meta">{{Note}}</div>{{Front}}',
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
        css=ANKI_CSS,
    )


def _question_sides(card: Card) -> tuple[str, str]:
    parsed = card.note.parsed
    context = parsed.get("context", {})
    parts = []
    if context.get("architecture"):
        parts.append(f"<p><b>Architecture:</b> {render_inline(context['architecture'])}</p>")
    requirements = [*context.get("requirements", []), *context.get("points", [])]
    if requirements:
        items = "".join(
            f"<li><b>{render_inline(r.get('label', ''))}</b> {render_inline(r.get('detail', ''))}</li>"
            for r in requirements
        )
        parts.append(f"<ul>{items}</ul>")
    for text in (context.get("text", ""), parsed.get("question", "")):
        if text:
            parts.append(render_markdown(text))
    options = parsed.get("options", [])
    correct = [o["letter"] for o in options if o.get("correct")]
    if options and all(o.get("text") for o in options):
        items = "".join(f"<li><b>{o['letter']}.</b> {render_inline(o['text'])}</li>" for o in options)
        parts.append(f"<ol>{items}</ol><p>Choose {len(correct)}.</p>")
    else:
        which = "Which option is" if len(correct) == 1 else f"Which {len(correct)} options are"
        parts.append(f"<p>{which} correct, and why?</p>")
    back = [f"<p><b>Correct: {', '.join(correct)}</b></p><ul>"]
    for o in options:
        verdict = "right" if o.get("correct") else "wrong"
        label = f" ({render_inline(o['label'])})" if o.get("label") else ""
        back.append(f'<li class="{verdict}"><b>{o["letter"]}{label}</b>: {render_inline(o.get("reasoning", ""))}</li>')
    back.append("</ul>")
    return "".join(parts), "".join(back)


def anki_note(card: Card, model: genanki.Model) -> genanki.Note:
    if card.kind == Card.Kind.QUESTION:
        front, back = _question_sides(card)
    else:
        front, back = str(render_markdown(card.front)), str(render_markdown(card.back))
    note = card.note
    tags = [f"studyapp::{note.note_id}", f"studyapp::{card.kind}"]
    return genanki.Note(
        model=model,
        fields=[front, back, f"{note.note_id} · {render_inline(note.title)}", card.key],
        guid=card_guid(card.key),
        tags=[t.replace(" ", "_") for t in tags],
    )


def deck_apkg(*, notes) -> bytes:
    model = anki_model()
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for card in _cards(notes):
        deck.add_note(anki_note(card, model))
    buffer = io.BytesIO()
    genanki.Package(deck).write_to_file(buffer)
    return buffer.getvalue()
