"""Files and the app agree, and the app's edits win (issue 14, finding 1).

The folder import (``import_notes notes/``, run at every ``make db``) adds new
notes and updates a note only when its file changed since that file's last
import and nobody edited the note in the app since; otherwise the note stays
as the app has it and the report says "kept". ``--overwrite`` makes the file
win, through the normal versioned path; a pending draft is never published
by an import. Each branch: file unchanged/changed x app-edited or not x
draft pending, and --overwrite."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from studyapp.authoring import services
from studyapp.authoring.models import NoteVersion
from studyapp.notes.models import Note
from studyapp.notes.services import Catalog, NoteReport, note_import, notes_import
from tests import samples

FILE_TEXT = samples.with_id(samples.CANONICAL, "TST-2")
# The instructor's edit in the app: the correct answers become A only.
APP_TEXT = samples.with_id(samples.SINGLE_CORRECT, "TST-2")
# Someone edits the file meanwhile: another title.
FILE_CHANGED = FILE_TEXT.replace('title: "S3 Cross-Region Replication"', 'title: "S3 CRR, from the file"')
DRAFT_TEXT = APP_TEXT.replace("マネージドな複製機能。", "マネージドな複製機能 (draft)。")


@pytest.fixture
def notes_dir(tmp_path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    return folder


def write(folder: Path, text: str) -> Path:
    path = folder / "TST-2.md"
    path.write_text(text, encoding="utf-8")
    return path


def import_folder(folder: Path, **options) -> NoteReport:
    (report,) = notes_import(paths=[folder], **options).notes
    return report


def stored() -> Note:
    return Note.objects.get(note_id="TST-2")


def correct() -> list[str]:
    return stored().correct_letters


@pytest.fixture
def imported(db, notes_dir):
    """TST-2 imported from notes/ (a house note: every instructor writes it)."""
    write(notes_dir, FILE_TEXT)
    assert import_folder(notes_dir).status == "created"
    return stored()


def publish_app_edit(user, note: Note, text: str = APP_TEXT):
    outcome = services.note_save(user=user, note=note, text=text, publish=True)
    assert outcome.status == "applied", outcome.report.errors
    return outcome


def save_draft(user, note: Note, text: str = DRAFT_TEXT):
    outcome = services.note_save(user=user, note=note, text=text)
    assert outcome.status == "draft", outcome.report.errors
    return outcome


def kept_message(report: NoteReport) -> str:
    messages = [w.message for w in report.warnings if w.message.startswith("kept:")]
    assert len(messages) == 1, report.warnings
    return messages[0]


# -- file unchanged --------------------------------------------------------


def test_file_unchanged_and_no_app_edit_is_unchanged(imported, notes_dir):
    report = import_folder(notes_dir)
    assert report.status == "unchanged"
    assert not [w for w in report.warnings if w.message.startswith("kept:")]


def test_file_unchanged_after_an_app_edit_keeps_the_app_edit(imported, notes_dir, ines):
    publish_app_edit(ines, imported)
    versions = NoteVersion.objects.filter(note=imported).count()

    report = import_folder(notes_dir)

    assert report.status == "kept"
    assert correct() == ["A"]
    assert stored().source == APP_TEXT
    assert NoteVersion.objects.filter(note=imported).count() == versions
    message = kept_message(report)
    assert str(notes_dir / "TST-2.md") in message and "--overwrite" in message
    assert "/author/notes/TST-2/versions/" in message


def test_file_unchanged_with_a_pending_draft_keeps_the_draft_a_draft(imported, notes_dir, ines):
    save_draft(ines, imported)

    report = import_folder(notes_dir)

    assert report.status == "kept"
    assert "a pending draft" in kept_message(report)
    latest = NoteVersion.objects.filter(note=imported).order_by("-number").first()
    assert latest.is_draft and latest.source == DRAFT_TEXT
    assert stored().source == FILE_TEXT


# -- file changed ----------------------------------------------------------


def test_file_changed_and_no_app_edit_updates_the_note(imported, notes_dir):
    write(notes_dir, FILE_CHANGED)
    report = import_folder(notes_dir)
    assert report.status == "updated"
    assert stored().title == "S3 CRR, from the file"
    # Changed again later: still the file's note, still updated.
    write(notes_dir, FILE_CHANGED.replace("from the file", "from the file again"))
    assert import_folder(notes_dir).status == "updated"


def test_file_changed_after_an_app_edit_keeps_the_app_edit_and_says_so(imported, notes_dir, ines):
    publish_app_edit(ines, imported)
    write(notes_dir, FILE_CHANGED)

    report = import_folder(notes_dir)

    assert report.status == "kept"
    note = stored()
    assert note.source == APP_TEXT and note.title == "S3 Cross-Region Replication"
    assert correct() == ["A"]
    assert "this file changed too" in kept_message(report)
    assert report.correct == [] and report.counts == {}


def test_file_changed_with_a_pending_draft_publishes_nothing(imported, notes_dir, ines):
    save_draft(ines, imported)
    write(notes_dir, FILE_CHANGED)

    report = import_folder(notes_dir)

    assert report.status == "kept"
    assert stored().source == FILE_TEXT
    latest = NoteVersion.objects.filter(note=imported).order_by("-number").first()
    assert latest.is_draft and latest.source == DRAFT_TEXT


def test_a_file_equal_to_the_pending_draft_does_not_publish_it(imported, notes_dir, ines):
    """The restore case of the finding: a draft that restores the file's
    text, and the file then imported again."""
    publish_app_edit(ines, imported)
    first = NoteVersion.objects.filter(note=imported).order_by("number").first()
    assert services.note_revert(user=ines, note=stored(), version=first).status == "draft"

    report = import_folder(notes_dir)

    assert report.status == "kept"
    assert correct() == ["A"]
    latest = NoteVersion.objects.filter(note=imported).order_by("-number").first()
    assert latest.is_draft and latest.origin == NoteVersion.Origin.REVERT


def test_dry_run_reports_kept_and_writes_nothing(imported, notes_dir, ines):
    publish_app_edit(ines, imported)
    write(notes_dir, FILE_CHANGED)
    report = import_folder(notes_dir, dry_run=True)
    assert report.status == "kept"
    assert stored().source == APP_TEXT


def test_an_app_edit_after_the_catalog_was_read_still_wins(imported, notes_dir, ines):
    """The import checks again under the note's row lock: an edit published
    between the catalog's load and the write is not overwritten."""
    catalog = Catalog.load()
    publish_app_edit(ines, imported)
    report = NoteReport(path=str(notes_dir / "TST-2.md"))

    note_import(raw=FILE_CHANGED.encode(), report=report, catalog=catalog, keep_app_edits=True)

    assert report.status == "kept"
    assert stored().source == APP_TEXT


def test_an_upload_counts_as_an_app_edit(imported, notes_dir, ines):
    report = NoteReport(path="upload.md")
    note_import(raw=APP_TEXT.encode(), report=report, origin=NoteVersion.Origin.UPLOAD, actor=ines)
    assert report.status == "updated"
    write(notes_dir, FILE_CHANGED)
    assert import_folder(notes_dir).status == "kept"
    assert correct() == ["A"]


def test_a_repair_choice_counts_as_an_app_edit(imported, notes_dir, ines):
    """A settled repair is saved as any edit (note_save, origin "repair")."""
    services.note_save(user=ines, note=imported, text=APP_TEXT, publish=True, origin=NoteVersion.Origin.REPAIR)
    write(notes_dir, FILE_CHANGED)
    assert import_folder(notes_dir).status == "kept"


def test_a_new_file_is_created(db, notes_dir):
    write(notes_dir, FILE_TEXT)
    assert import_folder(notes_dir).status == "created"


# -- --overwrite -----------------------------------------------------------


def test_overwrite_makes_the_file_win_through_a_new_version(imported, notes_dir, ines):
    publish_app_edit(ines, imported)
    editor_versions = list(NoteVersion.objects.filter(note=imported).values_list("number", "origin"))

    report = import_folder(notes_dir, overwrite=True)

    assert report.status == "updated"
    assert stored().source == FILE_TEXT and correct() == ["A", "C"]
    history = list(NoteVersion.objects.filter(note=imported).order_by("number").values_list("number", "origin"))
    assert history[: len(editor_versions)] == sorted(editor_versions)
    assert history[-1][1] == NoteVersion.Origin.IMPORT
    # The file and the app agree again: the next start-up import has nothing to do,
    # and a later change of the file is applied.
    assert import_folder(notes_dir).status == "unchanged"
    write(notes_dir, FILE_CHANGED)
    assert import_folder(notes_dir).status == "updated"


def test_overwrite_with_a_changed_file(imported, notes_dir, ines):
    publish_app_edit(ines, imported)
    write(notes_dir, FILE_CHANGED)
    assert import_folder(notes_dir, overwrite=True).status == "updated"
    assert stored().title == "S3 CRR, from the file"


def test_overwrite_keeps_a_pending_draft_pending(imported, notes_dir, ines):
    publish_app_edit(ines, imported)
    save_draft(ines, stored())

    assert import_folder(notes_dir, overwrite=True).status == "updated"

    assert stored().source == FILE_TEXT
    versions = list(NoteVersion.objects.filter(note=imported).order_by("-number"))
    assert versions[0].is_draft and versions[0].source == DRAFT_TEXT
    assert versions[1].origin == NoteVersion.Origin.IMPORT and versions[1].applied
    # Publish still offers the author's draft, and publishes exactly it.
    assert services.note_publish(user=ines, note=stored()).ok
    assert stored().source == DRAFT_TEXT


# -- the command -----------------------------------------------------------


def test_the_command_reports_kept_and_takes_overwrite(imported, notes_dir, ines):
    publish_app_edit(ines, imported)
    write(notes_dir, FILE_CHANGED)

    out = StringIO()
    call_command("import_notes", str(notes_dir), stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0].startswith("kept")
    assert f"{notes_dir / 'TST-2.md'}:2: warning: kept: TST-2 was edited in the app" in text
    assert "1 kept as edited in the app" in text
    assert correct() == ["A"]

    out = StringIO()
    call_command("import_notes", str(notes_dir), "--overwrite", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("updated")
    assert stored().title == "S3 CRR, from the file"
