"""Track which file bytes a note was last imported from, and whether the app
changed it since, so that a start-up import no longer overwrites the app's
edits (docs/authoring.md, "Files and the app")."""

from django.db import migrations, models
from django.db.models import F


def stored_bytes_came_from_files(apps, schema_editor):
    # The best guess without the authoring history (which sits above notes):
    # a note holds the bytes it was imported from. authoring's migration
    # 0003 corrects the notes that were edited in the app.
    Note = apps.get_model("notes", "Note")
    Note.objects.update(file_hash=F("raw_hash"))


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0007_note_page"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="app_edited_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="note",
            name="file_hash",
            field=models.CharField(blank=True, db_index=True, default="", max_length=64),
        ),
        migrations.RunPython(stored_bytes_came_from_files, migrations.RunPython.noop),
    ]
