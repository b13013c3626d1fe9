"""A note that arrived with a damaged encoding: the editor lists every
character the repair was unsure of, in context, with its candidates; the
instructor confirms or picks one, and the pick is kept in the stored source
as a new version."""

import ftfy.bad_codecs  # noqa: F401  (the "sloppy-windows-1252" codec)
import pytest
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import NoteVersion, RepairDoubt
from studyapp.noteformat.repair import DROPPED_BYTES
from studyapp.notes.models import Note
from studyapp.notes.services import NoteReport, note_import
from tests import samples

pytestmark = pytest.mark.django_db


def damaged(text: str) -> bytes:
    """UTF-8 read as Windows-1252 and written out again, the bytes it cannot
    show dropped: the damage of the seed note."""
    return bytes(b for b in text.encode("utf-8") if b not in DROPPED_BYTES).decode("cp1252").encode("utf-8")


@pytest.fixture
def repaired_note(db):
    report = note_import(raw=damaged(samples.CANONICAL), report=NoteReport(path="damaged.md"))
    assert report.status == "created" and report.repaired and report.uncertain
    return Note.objects.get(note_id="TST-1")


def original_char(doubt: RepairDoubt) -> str:
    return samples.CANONICAL.split("\n")[doubt.line - 1][doubt.column - 1]


def test_the_import_records_each_doubtful_character_with_its_context(repaired_note):
    doubts = list(RepairDoubt.objects.filter(note=repaired_note).order_by("line", "column"))
    assert [(d.line, d.column, d.char, d.candidates) for d in doubts] == [
        (u["line"], u["column"], u["char"], u["candidates"]) for u in repaired_note.repair_report
    ]
    for doubt in doubts:
        line = repaired_note.source.split("\n")[doubt.line - 1]
        assert doubt.before + doubt.char + doubt.after in line


def test_the_page_lists_them_in_context_with_their_candidates(client, ines, repaired_note):
    client.force_login(ines)
    body = client.get(reverse("authoring_repair", args=["TST-1"])).content.decode()
    for doubt in RepairDoubt.objects.filter(note=repaired_note):
        assert f"{doubt.before}<mark>{doubt.char}</mark>{doubt.after}" in body
        for candidate in doubt.candidates:
            assert f'name="doubt-{doubt.pk}" value="{candidate}"' in body
    editor = client.get(reverse("authoring_editor", args=["TST-1"])).content.decode()
    assert "repaired characters to check" in editor


def test_picking_the_right_characters_restores_the_text_as_a_new_version(client, ines, repaired_note):
    assert repaired_note.source != samples.CANONICAL  # the repair guessed wrong somewhere
    client.force_login(ines)
    doubts = RepairDoubt.objects.filter(note=repaired_note)
    picks = {f"doubt-{d.pk}": original_char(d) for d in doubts}
    assert all(picks[f"doubt-{d.pk}"] in d.candidates for d in doubts)
    response = client.post(reverse("authoring_repair", args=["TST-1"]), picks)
    assert response.status_code == 302
    # The note is published: the picks wait in a draft, as any edit does, until published.
    latest = NoteVersion.objects.filter(note=repaired_note).order_by("-number").first()
    assert (latest.origin, latest.author, latest.applied, latest.source) == ("repair", ines, False, samples.CANONICAL)
    client.post(reverse("authoring_publish", args=["TST-1"]), {"version": latest.number})
    repaired_note.refresh_from_db()
    assert repaired_note.source == samples.CANONICAL
    assert not RepairDoubt.objects.filter(note=repaired_note, decided_at__isnull=True).exists()
    assert {d.choice for d in RepairDoubt.objects.filter(note=repaired_note)} == set(picks.values())


def test_confirming_the_repairs_choice_changes_no_text(client, ines, repaired_note):
    client.force_login(ines)
    doubts = list(RepairDoubt.objects.filter(note=repaired_note))
    client.post(reverse("authoring_repair", args=["TST-1"]), {f"doubt-{d.pk}": d.char for d in doubts})
    assert NoteVersion.objects.filter(note=repaired_note).count() == 1
    assert RepairDoubt.objects.filter(note=repaired_note, decided_by=ines).count() == len(doubts)


def test_a_pick_that_is_not_a_candidate_is_ignored(client, ines, repaired_note):
    client.force_login(ines)
    doubt = RepairDoubt.objects.filter(note=repaired_note).first()
    client.post(reverse("authoring_repair", args=["TST-1"]), {f"doubt-{doubt.pk}": "<"})
    doubt.refresh_from_db()
    assert doubt.decided_at is None and NoteVersion.objects.filter(note=repaired_note).count() == 1


def test_a_pick_still_finds_its_character_after_lines_moved(ines, repaired_note):
    services.note_save(user=ines, note=repaired_note, text="\n\n" + repaired_note.source, publish=True)
    wrong = [d for d in RepairDoubt.objects.filter(note=repaired_note) if original_char(d) != d.char]
    outcome = services.repair_choices_apply(
        user=ines, note=repaired_note, choices={d.pk: original_char(d) for d in wrong}
    )
    assert outcome.decided == len(wrong) == 2 and not outcome.not_found
    assert outcome.save.version.source == "\n\n" + samples.CANONICAL
