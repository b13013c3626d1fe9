from collections import defaultdict

from django.db import migrations, models


def fill_askable(apps, schema_editor):
    """The rule of studyapp.notes.askable, copied: a migration must not
    depend on code that may change after it."""
    Card = apps.get_model("notes", "Card")
    Option = apps.get_model("notes", "Option")
    options = defaultdict(list)
    for note_id, text, is_correct in Option.objects.values_list("note_id", "text", "is_correct").iterator():
        options[note_id].append((text, is_correct))
    ok = [
        note_id
        for note_id, rows in options.items()
        if len(rows) >= 2 and all(text for text, _ in rows) and any(correct for _, correct in rows)
    ]
    questions = Card.objects.filter(kind="question")
    for start in range(0, len(ok), 500):
        questions.filter(note_id__in=ok[start : start + 500]).update(askable=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0009_note_tasks_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="card",
            name="askable",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="card",
            index=models.Index(
                condition=models.Q(("askable", True), ("kind", "question"), ("retired_at", None)),
                fields=["note"],
                name="card_askable_question_idx",
            ),
        ),
        migrations.RunPython(fill_askable, migrations.RunPython.noop),
    ]
