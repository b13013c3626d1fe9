"""A database from before the files-and-app rule: the upgrade marks the notes
that were changed in the app (an applied edit, a pending draft), so that the
first start-up import after it keeps them (docs/authoring.md, "Files and the
app")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from studyapp.notes.models import Note


def _migration(executor, app: str, suffix: str):
    (key,) = [k for k in executor.loader.disk_migrations if k[0] == app and k[1].endswith(suffix)]
    (parent,) = [p for p in executor.loader.graph.node_map[key].parents if p.key[0] == app]
    return key, parent.key


def _before(executor, leaf, targets):
    """The latest migration of ``leaf``'s app that needs none of ``targets``."""
    graph = executor.loader.graph
    node = leaf
    while any(t in graph.forwards_plan(node) for t in targets):
        parents = [p.key for p in graph.node_map[node].parents if p.key[0] == leaf[0]]
        if not parents:
            # Even the app's first migration needs the target (an app newer
            # than it, e.g. exams): the app is unapplied altogether.
            return (leaf[0], None)
        (node,) = parents
    return node


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_marks_notes_changed_in_the_app():
    executor = MigrationExecutor(connection)
    fields, notes_before = _migration(executor, "notes", "note_file_hash_and_app_edits")
    marks, authoring_before = _migration(executor, "authoring", "app_edits_from_versions")
    leaves = executor.loader.graph.leaf_nodes()
    start = timezone.now() - timedelta(days=3)
    try:
        others = [_before(executor, leaf, [fields, marks]) for leaf in leaves if leaf[0] not in {"notes", "authoring"}]
        state = [notes_before, authoring_before, *others]
        executor.migrate(state)
        old = executor.loader.project_state([n for n in state if n[1] is not None]).apps
        OldNote, OldVersion = old.get_model("notes", "Note"), old.get_model("authoring", "NoteVersion")
        histories = {
            "FILE-ONLY": [("import", True)],
            "EDITED": [("import", True), ("editor", True)],
            "DRAFT": [("import", True), ("editor", False)],
            "RESTORE-DRAFT": [("import", True), ("editor", True), ("revert", False)],
            "UPLOADED": [("upload", True)],
            "NO-VERSIONS": [],
        }
        for note_id, history in histories.items():
            note = OldNote.objects.create(
                note_id=note_id, title=note_id, source="", raw_hash=f"raw-{note_id}", source_hash="", parsed={}
            )
            for number, (origin, applied) in enumerate(history, start=1):
                OldVersion.objects.create(
                    note_id=note.pk,
                    number=number,
                    source="",
                    source_hash=str(number),
                    origin=origin,
                    applied=applied,
                    created_at=start + timedelta(hours=number),
                )

        MigrationExecutor(connection).migrate(leaves)

        upgraded = {n.note_id: (n.file_hash, n.app_edited_at) for n in Note.objects.all()}
        assert upgraded == {
            "FILE-ONLY": ("raw-FILE-ONLY", None),
            "EDITED": ("", start + timedelta(hours=2)),
            "DRAFT": ("raw-DRAFT", start + timedelta(hours=2)),
            "RESTORE-DRAFT": ("", start + timedelta(hours=3)),
            "UPLOADED": ("", start + timedelta(hours=1)),
            "NO-VERSIONS": ("raw-NO-VERSIONS", None),
        }
    finally:
        MigrationExecutor(connection).migrate(leaves)
