"""A note makes at most MAX_CARDS cards (issue 14, finding 6: 20,000 trigger
words made 20,005 cards). The importer refuses a note that would make more,
at the line the first card too many comes from; the other notes of the run
still import, and the editor's check shows the error at that line."""

from pathlib import Path

import pytest
from django.urls import reverse

from studyapp.noteformat.cards import MAX_CARDS, cards_for
from studyapp.noteformat.parser import parse_note
from studyapp.notes.models import Card, Note
from tests import samples
from tests.authoring.conftest import HTMX, make_instructor
from tests.notes.test_import_notes import run_import

pytestmark = pytest.mark.django_db

ANCHOR = '- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。'
CANONICAL_CARDS = 11
CANONICAL_TRIGGERS = 2


def with_triggers(extra: int, note_id: str = "BIG-1") -> str:
    """The canonical note with ``extra`` more trigger words after its own
    (short ones: 20,000 of them stay under the 1 MB file limit)."""
    words = "".join(f'\n- **"t{i}"**: e{i}.' for i in range(extra))
    text = samples.with_id(samples.CANONICAL, note_id)
    assert ANCHOR in text
    return text.replace(ANCHOR, ANCHOR + words)


def line_of_trigger(text: str, number: int) -> int:
    """The line of the note's ``number``-th trigger word (1-based)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("## 3."))
    found = [i + 1 for i in range(start, len(lines)) if lines[i].startswith('- **"')]
    return found[number - 1]


def test_a_note_of_exactly_the_limit_imports(write_note):
    text = with_triggers(MAX_CARDS - CANONICAL_CARDS)
    assert len(cards_for(parse_note(text).note)) == MAX_CARDS
    code, report = run_import(write_note("notes/big.md", text))
    assert code == 0, report
    assert Card.objects.filter(note__note_id="BIG-1").count() == MAX_CARDS


def test_one_card_too_many_fails_at_its_line_and_the_other_notes_import(write_note):
    good = write_note("notes/good.md", samples.with_id(samples.CANONICAL, "GOOD-1"))
    # Trigger words come first: the 1,001st card is the 1,001st trigger word.
    text = with_triggers(MAX_CARDS + 1 - CANONICAL_TRIGGERS)
    write_note("notes/big.md", text)
    code, report = run_import(good.parent)
    assert code == 1
    by_name = {Path(n["path"]).name: n for n in report["notes"]}
    assert by_name["good.md"]["status"] == "created"
    big = by_name["big.md"]
    assert big["status"] == "failed"
    assert [e["line"] for e in big["errors"]] == [line_of_trigger(text, MAX_CARDS + 1)]
    assert f"at most {MAX_CARDS} cards" in big["errors"][0]["message"]
    assert not Note.objects.filter(note_id="BIG-1").exists()
    assert not Card.objects.filter(key__startswith="BIG-1:").exists()
    assert Card.objects.filter(note__note_id="GOOD-1").count() == CANONICAL_CARDS


def test_twenty_thousand_trigger_words_make_no_cards(write_note):
    """The finding's shape: refused at the 1,001st card, nothing stored."""
    text = with_triggers(20_000)
    code, report = run_import(write_note("notes/huge.md", text))
    assert code == 1
    (note,) = report["notes"]
    assert note["status"] == "failed"
    assert [e["line"] for e in note["errors"]] == [line_of_trigger(text, MAX_CARDS + 1)]
    assert Card.objects.count() == 0


def test_a_table_row_too_many_is_named_by_its_line(write_note):
    rows = "".join(f"\n| **Row {i}** | Yes | Yes |" for i in range(MAX_CARDS))
    anchor = "| **Lambda copy** | No | Yes |"
    text = samples.with_id(samples.CANONICAL, "ROWS-1").replace(anchor, anchor + rows)
    code, report = run_import(write_note("notes/rows.md", text))
    (note,) = report["notes"]
    assert note["status"] == "failed"
    # 2 trigger words and 3 rows come first: row i added is card 6 + i.
    row = MAX_CARDS + 1 - (CANONICAL_TRIGGERS + 3) - 1
    expected = text.split("\n").index(f"| **Row {row}** | Yes | Yes |") + 1
    assert [e["line"] for e in note["errors"]] == [expected]


def test_the_editors_check_shows_the_error_at_the_line(client):
    ines = make_instructor("ines")
    client.force_login(ines)
    text = with_triggers(MAX_CARDS + 1 - CANONICAL_TRIGGERS)
    response = client.post(reverse("authoring_preview_new"), {"text": text}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<li class="error" data-line="{line_of_trigger(text, MAX_CARDS + 1)}"' in body
    assert f"at most {MAX_CARDS} cards" in body
    assert "Does not import yet" in body
