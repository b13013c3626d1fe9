"""An upload whose encoding the repair restored with characters it is unsure
of (issue 14, finding 8): the report lists those characters first with a
link to the repair page, and the note waits as a draft, even with "publish at
once" ticked, until an instructor settles them; then it publishes as usual."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import NoteVersion, RepairDoubt, UploadJob
from studyapp.noteformat.repair import DROPPED_BYTES
from studyapp.notes.models import Note
from tests import samples
from tests.authoring.test_uploads import md, upload

pytestmark = pytest.mark.django_db

# The sample note with one more damaged-prone line, so that an upload of it
# changes a published copy of the sample.
CHANGED = samples.CANONICAL.replace(
    "# S3 Cross-Region Replication",
    "# S3 Cross-Region Replication\n\nバケットを別のリージョンへ複製する。",
    1,
)


def damaged(text: str) -> bytes:
    """The seed note's damage: UTF-8 read as Windows-1252, unmapped bytes dropped."""
    return bytes(b for b in text.encode("utf-8") if b not in DROPPED_BYTES).decode("cp1252").encode("utf-8")


def original_char(text: str, doubt: RepairDoubt) -> str:
    return text.split("\n")[doubt.line - 1][doubt.column - 1]


@pytest.fixture
def as_ines(client, ines):
    client.force_login(ines)
    return client


def report_of(client) -> str:
    return client.get(reverse("authoring_upload_job", args=[UploadJob.objects.get().pk])).content.decode()


def test_the_report_lists_uncertain_characters_first_with_a_link_to_the_repair_page(as_ines):
    upload(as_ines, md("TST-1.md", damaged(samples.CANONICAL)))
    row = UploadJob.objects.get().report["notes"][0]
    assert row["status"] == "created" and row["repaired"] and row["uncertain"]
    body = report_of(as_ines)
    link = reverse("authoring_repair", args=["TST-1"])
    assert f'href="{link}"' in body
    uncertain_at = body.index('class="uncertain"')
    first_warning = body.index(": warning: ")
    assert uncertain_at < first_warning
    for doubt in row["uncertain"]:
        assert f"TST-1.md:{doubt['line']}: “{doubt['char']}”" in body[uncertain_at:first_warning]
    # One warning says what was repaired, not one per repaired line.
    assert body.count("repaired mojibake") == 1
    assert len(row["repaired_lines"]) > 1


def shown_version(note) -> int:
    """The version the editor shows, which its publish form carries."""
    return NoteVersion.objects.filter(note=note).order_by("-number").values_list("number", flat=True).first()


def test_a_new_note_with_uncertain_characters_stays_a_draft_although_publish_at_once_is_on(as_ines, ines):
    upload(as_ines, md("TST-1.md", damaged(samples.CANONICAL)), publish=True)
    note = Note.objects.get(note_id="TST-1")
    assert not note.is_published
    assert not Note.objects.published().filter(pk=note.pk).exists()
    assert UploadJob.objects.get().report["summary"]["held"] == 1
    body = report_of(as_ines)
    assert "kept from learners as a draft until its uncertain characters are settled" in body
    assert "Kept as a draft" in body

    # Settled on the repair page, the note publishes as any other.
    doubts = RepairDoubt.objects.filter(note=note)
    picks = {f"doubt-{d.pk}": original_char(samples.CANONICAL, d) for d in doubts}
    as_ines.post(reverse("authoring_repair", args=["TST-1"]), picks)
    assert not RepairDoubt.objects.filter(note=note, decided_at__isnull=True).exists()
    as_ines.post(reverse("authoring_publish", args=["TST-1"]), {"version": shown_version(note)})
    note.refresh_from_db()
    assert note.is_published and note.source == samples.CANONICAL


def test_a_clean_upload_with_publish_at_once_is_still_published(as_ines):
    upload(as_ines, md("TST-1.md", samples.CANONICAL.encode("utf-8")), publish=True)
    assert Note.objects.get(note_id="TST-1").is_published
    assert UploadJob.objects.get().report["summary"]["held"] == 0


def test_a_published_note_keeps_its_text_and_the_uncertain_upload_becomes_a_draft(as_ines, ines):
    published = services.note_create(user=ines, text=samples.CANONICAL.replace("S3", "Amazon S3"), publish=True).note
    before = Note.objects.get(pk=published.pk).source
    upload(as_ines, md("TST-1.md", damaged(CHANGED)), publish=True)
    row = UploadJob.objects.get().report["notes"][0]
    assert row["uncertain"] and row["held"]
    note = Note.objects.get(pk=published.pk)
    assert note.is_published and note.source == before  # learners keep what they study
    draft = NoteVersion.objects.filter(note=note).order_by("-number").first()
    assert (draft.origin, draft.applied, draft.author) == ("upload", False, ines)
    doubts = RepairDoubt.objects.filter(note=note, decided_at__isnull=True)
    assert doubts.count() == len(row["uncertain"]) and {d.version_id for d in doubts} == {draft.pk}
    assert f'href="{reverse("authoring_repair", args=["TST-1"])}"' in report_of(as_ines)

    picks = {f"doubt-{d.pk}": original_char(CHANGED, d) for d in doubts}
    as_ines.post(reverse("authoring_repair", args=["TST-1"]), picks)
    as_ines.post(reverse("authoring_publish", args=["TST-1"]), {"version": shown_version(note)})
    note.refresh_from_db()
    assert note.is_published and note.source == CHANGED


def test_the_editor_does_not_publish_a_new_note_with_uncertain_characters(ines):
    text = damaged(samples.CANONICAL).decode("utf-8")
    outcome = services.note_create(user=ines, text=text, publish=True)
    assert outcome.ok and outcome.report.held and not outcome.published_now
    assert not Note.objects.get(note_id="TST-1").is_published


def test_the_command_line_report_puts_uncertain_characters_first(tmp_path):
    (tmp_path / "TST-1.md").write_bytes(damaged(samples.CANONICAL))
    out = io.StringIO()
    call_command("import_notes", str(tmp_path), stdout=out)
    lines = out.getvalue().splitlines()
    uncertain = [i for i, line in enumerate(lines) if ": uncertain: " in line]
    warnings = [i for i, line in enumerate(lines) if ": warning: " in line]
    assert uncertain and warnings and max(uncertain) < min(warnings)
    assert any(reverse("authoring_repair", args=["TST-1"]) in line for line in lines)
    assert sum("repaired mojibake" in line for line in lines) == 1


def test_the_report_speaks_japanese():
    from django.utils.translation import ngettext, override

    with override("ja"):
        assert (
            ngettext("%(n)s repaired character is uncertain", "%(n)s repaired characters are uncertain", 3) % {"n": 3}
            == "修復した文字のうち 3 文字が不確かです"
        )
