"""The mock exam benchmark's question bank: copies of the 100 notes in
notes/ (each a scenario question with options and reasoning, in one of
SAP-C02's four domains by the exam's weights) under new ids, imported
through ``notes_import`` as the command line imports; and learners."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from bench.common import ROOT

NOTES = ROOT / "notes"
ID = re.compile(r"SAP-\d+")


def bank_texts(first: int, last: int) -> list[tuple[str, str]]:
    """(file name, text) of copies ``first``..``last - 1`` (MOCK-00000 on):
    copy n is notes/ file n % 100 with every note id in it renamed, so that
    the copies are distinct notes and questions."""
    sources = sorted(NOTES.glob("*.md"))
    texts = []
    for number in range(first, last):
        source = sources[number % len(sources)]
        note_id = f"MOCK-{number:05d}"
        text = ID.sub(note_id, source.read_text(encoding="utf-8"))
        texts.append((f"{note_id}.md", text))
    return texts


def bank_grow(*, to: int) -> int:
    """Import copies until the bank holds ``to`` notes; returns how many question cards it has."""
    from studyapp.notes.models import Card, Note
    from studyapp.notes.rendering import cards_render
    from studyapp.notes.services import notes_import

    have = Note.objects.filter(note_id__startswith="MOCK-").count()
    if to > have:
        with tempfile.TemporaryDirectory(prefix="mock-bank-") as folder:
            for name, text in bank_texts(have, to):
                (Path(folder) / name).write_text(text, encoding="utf-8")
            run = notes_import(paths=[Path(folder)])
        failed = [r.path for r in run.notes if r.status != "created"]
        if failed:
            raise RuntimeError(f"{len(failed)} bank notes did not import, e.g. {failed[0]}")
        # What the task worker does after an import: each card's HTML, once.
        cards_render()
        _analyze()
    return Card.objects.active().filter(kind=Card.Kind.QUESTION, note__note_id__startswith="MOCK-").count()


def learners_create(prefix: str, count: int) -> list:
    """Users with their profiles (the signal makes them), password unusable."""
    from django.contrib.auth.models import User

    return [User.objects.create_user(f"{prefix}{i:03d}") for i in range(count)]


def _analyze() -> None:
    """The planner's statistics, as autovacuum keeps them after a large import."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
