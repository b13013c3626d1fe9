"""The importer hands the repair the vocabulary of the notes it already
holds (issue 14, finding 8): a katakana AWS term that general Japanese
would read as a commoner word comes back as the notes write it."""

import pytest

from studyapp.noteformat.repair import DROPPED_BYTES
from studyapp.notes import repair_vocabulary
from studyapp.notes.models import Note
from studyapp.notes.services import NoteReport, note_import
from tests import samples

pytestmark = pytest.mark.django_db

BUCKET = "- **保存先**: 各アカウントの S3 バケット数千個を調べる。"
TICKET = BUCKET.replace("バケット", "チケット")


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    """Each test's database starts anew; so does the process's vocabulary."""
    monkeypatch.setattr(repair_vocabulary, "_cached", None)


def damaged(text: str) -> bytes:
    return bytes(b for b in text.encode("utf-8") if b not in DROPPED_BYTES).decode("cp1252").encode("utf-8")


def with_line(note_id: str, line: str) -> str:
    text = samples.with_id(samples.CANONICAL, note_id)
    return text.replace("    - **運用負荷**", f"    {line}\n    - **運用負荷**", 1)


def imported(text: bytes, path: str) -> Note:
    report = note_import(raw=text, report=NoteReport(path=path))
    assert report.status == "created", report.errors
    return Note.objects.get(note_id=report.id)


def test_without_stored_notes_the_commoner_word_wins():
    # What the finding saw: nothing tells the repair that notes say "bucket".
    note = imported(damaged(with_line("TST-8", BUCKET)), "TST-8.md")
    assert TICKET in note.source


def test_a_stored_note_that_writes_the_term_decides_the_damaged_one():
    imported(with_line("TST-7", "- **ライフサイクル**: S3 バケットの古いオブジェクトを移す。").encode(), "TST-7.md")
    note = imported(damaged(with_line("TST-8", BUCKET)), "TST-8.md")
    assert BUCKET in note.source and TICKET not in note.source


def test_notes_with_uncertain_characters_teach_the_vocabulary_nothing():
    uncertain = Note.objects.create(note_id="U-1", title="u", source="S3 チケット数千個", repair_report=[{"line": 1}])
    clean = Note.objects.create(note_id="C-1", title="c", source="S3 バケットの設定")
    vocabulary = repair_vocabulary.vocabulary_current()
    assert vocabulary.count("バケッ") == 1 and vocabulary.count("チケッ") == 0
    assert vocabulary.notes == 1
    assert uncertain.pk != clean.pk


def test_the_vocabulary_is_drawn_again_only_when_the_notes_change(monkeypatch):
    Note.objects.create(note_id="C-1", title="c", source="S3 バケットの設定")
    calls = []
    real = repair_vocabulary.vocabulary_from_texts
    monkeypatch.setattr(repair_vocabulary, "vocabulary_from_texts", lambda texts: calls.append(1) or real(texts))
    first = repair_vocabulary.vocabulary_current()
    assert repair_vocabulary.vocabulary_current() is first and calls == [1]
    Note.objects.create(note_id="C-2", title="c", source="バケットポリシー")
    assert repair_vocabulary.vocabulary_current().count("ポリシ") == 1 and calls == [1, 1]
