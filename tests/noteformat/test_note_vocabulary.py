"""The vocabulary the repair draws from the notes already imported: what it
counts, what it leaves out, and its bounds."""

from studyapp.noteformat import note_vocabulary
from studyapp.noteformat.note_vocabulary import vocabulary_from_texts
from studyapp.noteformat.repair import DROPPED_BYTES


def damage(text: str) -> str:
    return bytes(b for b in text.encode("utf-8") if b not in DROPPED_BYTES).decode("cp1252")


def test_counts_the_ngrams_of_japanese_text_across_notes():
    vocabulary = vocabulary_from_texts(["S3 バケット", "バケットポリシー"])
    assert vocabulary.notes == 2
    assert vocabulary.count("バケッ") == 2
    assert vocabulary.count("バケット") == 2
    assert vocabulary.count("トポリ") == 1
    assert vocabulary.count("S3 ") == 0  # ASCII only: nothing to decide there


def test_damaged_and_unreadable_lines_teach_nothing():
    vocabulary = vocabulary_from_texts([damage("チケットの予約") + "\n" + "壊れ\ufffdた行"])
    assert not vocabulary
    assert vocabulary.grams == {}


def test_reads_at_most_its_bound_of_characters(monkeypatch):
    monkeypatch.setattr(note_vocabulary, "MAX_CHARS", 10)
    vocabulary = vocabulary_from_texts(["あいうえおかきくけこ", "さしすせそ"])
    assert vocabulary.notes == 1
    assert vocabulary.count("さしす") == 0


def test_keeps_at_most_its_bound_of_ngrams(monkeypatch):
    monkeypatch.setattr(note_vocabulary, "MAX_GRAMS", 5)
    vocabulary = vocabulary_from_texts(["あいうえおかきくけこさしすせそ" * 3])
    assert len(vocabulary.grams) == 5
    assert vocabulary.count("あいう") == 3  # grams already kept go on counting
