"""Notes imported before the exam vocabulary existed keep their domain and
category as written ("Continuous Improvement" beside "Continuous Improvement
for Existing Solutions"), and learners' study scopes name those spellings.
Map both to the canonical names, so that nothing is split in two after the
upgrade. Names the vocabulary does not know stay as they are. (The import
re-reads every file once anyway: PARSER_VERSION changed.)"""

from django.db import migrations

from studyapp.noteformat.vocabulary import category_name, domain_name

MAPPERS = {"domain": domain_name, "category": category_name}


def canonical_names(apps, schema_editor):
    Note = apps.get_model("notes", "Note")
    for note in Note.objects.only("pk", "domain", "category", "parsed").iterator():
        changed = {}
        for field, mapper in MAPPERS.items():
            written = getattr(note, field)
            if written and mapper(written) != written:
                changed[field] = mapper(written)
        if not changed:
            continue
        parsed = note.parsed or {}
        meta = parsed.get("meta")
        if isinstance(meta, dict):
            meta.update(changed)
            changed["parsed"] = parsed
        Note.objects.filter(pk=note.pk).update(**changed)
    Profile = apps.get_model("accounts", "Profile")
    for kind, mapper in MAPPERS.items():
        for value in Profile.objects.filter(scope_kind=kind).values_list("scope_value", flat=True).distinct():
            if value and mapper(value) != value:
                Profile.objects.filter(scope_kind=kind, scope_value=value).update(scope_value=mapper(value))


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0003_previous_note_id"),
        ("accounts", "0003_profile_calibrated_on_profile_stability_scale"),
    ]

    operations = [migrations.RunPython(canonical_names, migrations.RunPython.noop)]
