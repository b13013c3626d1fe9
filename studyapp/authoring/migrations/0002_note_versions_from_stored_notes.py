"""Notes stored before versions were kept get their stored text as version 1."""

from django.db import migrations


def first_versions(apps, schema_editor):
    Note = apps.get_model("notes", "Note")
    NoteVersion = apps.get_model("authoring", "NoteVersion")
    versioned = NoteVersion.objects.values("note_id")
    rows = Note.objects.exclude(pk__in=versioned).values_list("pk", "source", "source_hash", "updated_at")
    NoteVersion.objects.bulk_create(
        [
            NoteVersion(note_id=pk, number=1, source=source, source_hash=digest, origin="import", created_at=updated)
            for pk, source, digest, updated in rows.iterator(chunk_size=200)
        ],
        batch_size=200,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("authoring", "0001_authoring"),
    ]

    operations = [migrations.RunPython(first_versions, migrations.RunPython.noop)]
