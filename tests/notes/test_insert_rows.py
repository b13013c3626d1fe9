"""``studyapp.notes.card_sync.insert_rows`` stores exactly what ``bulk_create``
stores: the same rows with the same value in every column (the fields a row
leaves out filled with their defaults, the auto_now ones with the time), for
every model an import inserts that way (cards, the note's parts and its
tags), on
SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.utils import timezone

from studyapp.notes import card_sync
from studyapp.notes import models as notes
from studyapp.notes import services as notes_services
from tests import samples
from tests.study.conftest import import_note

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
INSERTED = {
    notes.Card,
    notes.TriggerWord,
    notes.Requirement,
    notes.Option,
    notes.ComparisonTable,
    notes.Reference,
    notes.ExamTip,
    notes.Note.tags.through,
}


@pytest.fixture
def inserted(monkeypatch):
    """The rows a note's import gives insert_rows, by model."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    real, recorded = card_sync.insert_rows, []

    def recording(model, rows):
        rows = list(rows)
        recorded.append((model, rows))
        return real(model, rows)

    monkeypatch.setattr(card_sync, "insert_rows", recording)
    monkeypatch.setattr(notes_services, "insert_rows", recording)
    import_note(samples.CANONICAL)
    return [(model, rows) for model, rows in recorded if rows]


def stored(model, rows: list[dict], insert) -> list[dict]:
    """Every column of the note's rows of ``model`` once ``insert`` wrote
    them in place of the import's (their ids aside), then rolled back."""
    note_ids = {row["note_id"] for row in rows}
    with transaction.atomic():
        model.objects.filter(note_id__in=note_ids).delete()
        assert insert() is not None
        found = [
            {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
            for obj in model.objects.filter(note_id__in=note_ids).order_by("pk")
        ]
        transaction.set_rollback(True)
    assert len(found) == len(rows)
    return found


def test_the_import_inserts_every_kind_of_row_through_insert_rows(inserted):
    assert {model for model, _rows in inserted} == INSERTED


def test_insert_rows_stores_what_bulk_create_stores(inserted):
    for model, rows in inserted:
        by_sql = stored(model, rows, lambda model=model, rows=rows: card_sync.insert_rows(model, rows))
        by_orm = stored(
            model, rows, lambda model=model, rows=rows: model.objects.bulk_create([model(**row) for row in rows])
        )
        assert by_sql == by_orm, model.__name__
