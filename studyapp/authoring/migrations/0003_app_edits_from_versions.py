"""Notes edited in the app before the start-up import respected app edits:
their newest version (applied or a pending draft) did not come from a file,
so the next import must keep them (docs/authoring.md, "Files and the app")."""

from django.db import migrations


def app_edits_from_versions(apps, schema_editor):
    Note = apps.get_model("notes", "Note")
    NoteVersion = apps.get_model("authoring", "NoteVersion")
    newest: dict[int, tuple] = {}
    newest_applied: dict[int, str] = {}
    rows = NoteVersion.objects.order_by("note_id", "number").values_list("note_id", "origin", "applied", "created_at")
    for note_id, origin, applied, created_at in rows.iterator(chunk_size=500):
        newest[note_id] = (origin, applied, created_at)
        if applied:
            newest_applied[note_id] = origin
    for note_id, (origin, applied, created_at) in newest.items():
        if origin == "import" and applied:
            continue
        changes = {"app_edited_at": created_at}
        if newest_applied.get(note_id, "import") != "import":
            # The stored bytes are the app's, not a file's: which file bytes
            # came last is unknown, so any file counts as changed.
            changes["file_hash"] = ""
        Note.objects.filter(pk=note_id).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("authoring", "0002_note_versions_from_stored_notes"),
        ("notes", "0008_note_file_hash_and_app_edits"),
    ]

    operations = [migrations.RunPython(app_edits_from_versions, migrations.RunPython.noop)]
