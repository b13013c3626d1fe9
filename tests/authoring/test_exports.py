"""Exports: Markdown that imports back to the same content for every note
shipped in notes/, an Anki package whose notes keep their ids from one
export to the next, a CSV of the cards, and the same from the command line."""

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from studyapp.authoring import exports, services
from studyapp.authoring.uploads import Entry
from studyapp.notes.models import Card, Note
from studyapp.notes.services import notes_import
from tests import samples
from tests.conftest import NOTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    run = notes_import(paths=[NOTES])
    assert not run.failed
    return {n.note_id: n.source_hash for n in Note.objects.all()}


def delete_every_note():
    Card.objects.all().delete()
    Note.objects.all().delete()


def test_markdown_of_every_shipped_note_imports_back_to_the_same_content(shipped, ines):
    archive = exports.notes_markdown_zip(notes=Note.objects.all())
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        entries = [Entry(name, zf.read(name)) for name in zf.namelist()]
    assert sorted(e.name for e in entries) == sorted(f"notes/{i}.md" for i in shipped)
    delete_every_note()
    job = services.upload_job_create(user=ines, entries=entries)
    services.upload_job_run(job_id=job.pk)
    assert {n.note_id: n.source_hash for n in Note.objects.all()} == shipped
    assert len(shipped) == len(list(Path(NOTES).glob("*.md")))


def test_one_notes_markdown_is_its_stored_text(client, ines, shipped):
    client.force_login(ines)
    response = client.get(reverse("authoring_export_md", args=["SAP-56"]))
    assert response["Content-Disposition"] == 'attachment; filename="SAP-56.md"'
    assert response.content.decode() == Note.objects.get(note_id="SAP-56").source


def open_collection(apkg: bytes, tmp_path: Path, name: str) -> sqlite3.Connection:
    with zipfile.ZipFile(io.BytesIO(apkg)) as zf:
        assert "collection.anki2" in zf.namelist() and "media" in zf.namelist()
        path = tmp_path / f"{name}.anki2"
        path.write_bytes(zf.read("collection.anki2"))
    return sqlite3.connect(path)


def test_the_anki_package_is_a_collection_whose_notes_keep_their_ids(tmp_path, ines, ines_note):
    first = open_collection(exports.deck_apkg(notes=Note.objects.all()), tmp_path, "first")
    cards = list(Card.objects.active().order_by("key"))
    rows = first.execute("SELECT id, guid, mid, flds FROM notes").fetchall()
    assert len(rows) == len(cards)
    by_guid = {guid: (mid, flds) for _id, guid, mid, flds in rows}
    assert set(by_guid) == {exports.card_guid(c.key) for c in cards}
    for card in cards:
        mid, fields = by_guid[exports.card_guid(card.key)]
        assert mid == exports.MODEL_ID
        assert fields.split("\x1f")[3] == card.key  # the Key field
    anki_cards = first.execute("SELECT nid, did FROM cards").fetchall()
    assert len(anki_cards) == len(cards) and {did for _nid, did in anki_cards} == {exports.DECK_ID}
    models = json.loads(first.execute("SELECT models FROM col").fetchone()[0])
    assert str(exports.MODEL_ID) in models
    decks = json.loads(first.execute("SELECT decks FROM col").fetchone()[0])
    assert str(exports.DECK_ID) in decks and decks[str(exports.DECK_ID)]["name"] == "studyapp"

    # An edit, then a second export: the same ids, the new text.
    fixed = samples.CANONICAL.replace(
        "レプリケーションには KMS 権限が必要。", "レプリケーションには KMS の権限が必要。"
    )
    services.note_save(user=ines, note=ines_note, text=fixed, publish=True)
    second = open_collection(exports.deck_apkg(notes=Note.objects.all()), tmp_path, "second")
    again = {guid: flds for guid, flds in second.execute("SELECT guid, flds FROM notes")}
    assert set(again) == set(by_guid)
    assert "KMS の権限" in again[exports.card_guid("TST-1:trigger:sse-kms")]
    assert json.loads(second.execute("SELECT models FROM col").fetchone()[0]).keys() == models.keys()


def test_anki_fields_are_sanitized_html(tmp_path, ines):
    text = samples.CANONICAL.replace("マネージド機能を選ぶ。", "マネージド機能を選ぶ。<script>alert(1)</script>")
    from tests.authoring.conftest import create_note

    create_note(ines, text)
    collection = open_collection(exports.deck_apkg(notes=Note.objects.all()), tmp_path, "x")
    fields = " ".join(f for (f,) in collection.execute("SELECT flds FROM notes"))
    assert "<script" not in fields and "マネージド機能を選ぶ。" in fields


def test_the_csv_has_every_active_card_and_no_formulas(ines):
    text = samples.CANONICAL.replace('- **"最小限の運用" (least effort)**', '- **"=HYPERLINK()" (least effort)**')
    from tests.authoring.conftest import create_note

    create_note(ines, text)
    rows = list(csv.DictReader(io.StringIO(exports.cards_csv(notes=Note.objects.all()))))
    assert [r["key"] for r in rows] == list(Card.objects.active().order_by("position").values_list("key", flat=True))
    formula = next(r for r in rows if "HYPERLINK" in r["front"])
    assert not formula["front"].startswith("=")
    question = next(r for r in rows if r["kind"] == "question")
    assert question["answer"].startswith("A,C | ")


def test_the_command_line_exports_every_format(shipped, tmp_path):
    call_command("export_notes", "--format", "zip", "--out", str(tmp_path / "all.zip"), stderr=io.StringIO())
    with zipfile.ZipFile(tmp_path / "all.zip") as zf:
        assert len(zf.namelist()) == len(shipped)
    call_command("export_notes", "--format", "apkg", "--out", str(tmp_path / "deck.apkg"), stderr=io.StringIO())
    assert zipfile.is_zipfile(tmp_path / "deck.apkg")
    out = io.StringIO()
    call_command("export_notes", "SAP-56", "--format", "csv", stdout=out)
    assert out.getvalue().startswith("key,note_id,") and "SAP-56:" in out.getvalue()
    out = io.StringIO()
    call_command("export_notes", "SAP-56", "--format", "md", stdout=out)
    assert out.getvalue() == Note.objects.get(note_id="SAP-56").source


def test_a_binary_export_needs_a_file(shipped):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("export_notes", "--format", "apkg")
    assert error.value.returncode == 2


def test_the_export_links_download_files(client, ines, ines_note):
    client.force_login(ines)
    response = client.get(reverse("authoring_export_apkg"))
    assert response["Content-Disposition"] == 'attachment; filename="studyapp.apkg"'
    assert zipfile.is_zipfile(io.BytesIO(response.content))
    response = client.get(reverse("authoring_export_csv") + "?note=TST-1")
    assert response["Content-Type"].startswith("text/csv") and "TST-1:" in response.content.decode()


def test_a_question_row_in_the_csv_has_the_question_and_the_correct_options_text(ines):
    from tests.authoring.conftest import create_note

    create_note(ines, samples.CANONICAL)
    rows = list(csv.DictReader(io.StringIO(exports.cards_csv(notes=Note.objects.all()))))
    question = next(r for r in rows if r["kind"] == "question")
    assert question["front"] == "A company must replicate SSE-KMS encrypted objects to another Region. (Choose two.)"
    assert question["back"].splitlines() == [
        "A. Enable S3 Replication with a KMS key in the destination Region.",
        "C. Grant the replication role kms:Decrypt and kms:Encrypt.",
    ]
