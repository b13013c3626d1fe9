"""The vocabulary of the stored notes for the encoding repair, kept per
process and drawn again only when the notes changed.

Notes whose repair left characters uncertain are left out: a wrong guess
must not teach the next repair to guess the same. See
studyapp.noteformat.note_vocabulary and docs/note-format.md."""

from __future__ import annotations

import hashlib
import threading

from studyapp.noteformat.note_vocabulary import NoteVocabulary, vocabulary_from_texts
from studyapp.notes.models import Note

_lock = threading.Lock()
_cached: tuple[str, NoteVocabulary] | None = None


def _fingerprint() -> str:
    """The notes' ids and text hashes: one query of two short columns."""
    digest = hashlib.sha256()
    for pk, source_hash in Note.objects.order_by("pk").values_list("pk", "source_hash").iterator():
        digest.update(f"{pk}:{source_hash};".encode())
    return digest.hexdigest()


def _texts():
    for source, doubts in Note.objects.order_by("pk").values_list("source", "repair_report").iterator():
        if not doubts:
            yield source


def vocabulary_current() -> NoteVocabulary:
    global _cached
    key = _fingerprint()
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
    vocabulary = vocabulary_from_texts(_texts())
    with _lock:
        _cached = (key, vocabulary)
    return vocabulary
