"""A note whose id changes stays one note.

A rename is declared, never guessed: the note lists the ids it had before in
``previous_ids:``. The stored note with such an id then takes the new id, its
cards take keys under the new id, and every learner's card states and review
logs stay on the very same Card rows. The old id is kept (PreviousId) so that
links to it lead to the note and no new note takes it by mistake.

What a rename would get wrong is refused before anything is written: a new id
that is already another note (merging two notes' learners is not supported),
previous ids naming two different notes, two files of one run claiming one
previous id. See docs/note-format.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from studyapp.noteformat.cards import KEY_MAX
from studyapp.noteformat.model import Problem
from studyapp.notes.models import Card, Note, PreviousId
from studyapp.notes.signals import note_renamed


@dataclass
class RenameCheck:
    # The current id of the stored note that this file renames, if any.
    source: str | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def rename_check(
    *,
    new_id: str,
    previous_ids: list[str],
    line: int,
    path: str,
    ids: set[str],
    renamed: dict[str, str],
    seen: dict[str, str],
    claimed: dict[str, str],
) -> RenameCheck:
    """Decide what importing note ``new_id`` (declaring ``previous_ids`` on
    ``line``) does to the stored notes. Reads only the run's catalog:

    ``ids``: current note ids; ``renamed``: previous id -> current id of the
    note that has it; ``seen``: id -> path of the file that brought it in this
    run; ``claimed``: previous id -> path of the file that declared it in this
    run (updated here)."""
    check = RenameCheck()
    targets: list[str] = []
    for old in previous_ids:
        if old in seen:
            check.errors.append(Problem(line, f"previous id {old} is still the id of {seen[old]} in this run"))
            continue
        if claimed.get(old, path) != path:
            check.errors.append(Problem(line, f"previous id {old} is also claimed by {claimed[old]}"))
            continue
        claimed[old] = path
        current = old if old in ids else renamed.get(old)
        if current is None:
            check.warnings.append(Problem(line, f"previous id {old} is not a note studyapp knows; nothing to rename"))
        elif current != new_id and current in seen:
            check.errors.append(
                Problem(line, f"previous id {old} is now note {current}, which {seen[current]} brings in this run")
            )
        elif current != new_id and current not in targets:
            targets.append(current)
    if len(targets) > 1:
        check.errors.append(
            Problem(
                line,
                f"previous ids name {len(targets)} different notes ({', '.join(targets)}); "
                "a note can take over the history of one note only",
            )
        )
        return check
    owner = renamed.get(new_id)
    if not targets:
        if owner is not None:
            check.errors.append(
                Problem(
                    line or 1,
                    f"id {new_id} was renamed to {owner}, whose old links lead there; "
                    f"remove this file if it is the old copy of {owner}, or give this note another id",
                )
            )
        return check
    source = targets[0]
    if new_id in ids:
        check.errors.append(
            Problem(
                line,
                f"cannot rename {source} to {new_id}: {new_id} is already a note with its own cards and learners; "
                f"remove {source} from previous_ids, or give this note an id that is not taken",
            )
        )
    elif owner is not None and owner != source:
        check.errors.append(Problem(line, f"id {new_id} was renamed to {owner}; it cannot also name {source}"))
    else:
        check.source = source
    return check


def note_rename(*, old_id: str, new_id: str) -> Note:
    """Give the stored note ``old_id`` the id ``new_id``, with its cards'
    keys, learners' note scopes and old links. Call inside a transaction;
    ``new_id`` must not be a note."""
    note = Note.objects.select_for_update().only("pk", "note_id").get(note_id=old_id)
    Note.objects.filter(pk=note.pk).update(note_id=new_id)
    note.note_id = new_id
    cards = list(Card.objects.filter(note=note).only("pk", "key"))
    keys = renamed_keys([c.key for c in cards], old_id, new_id)
    for card in cards:
        card.key = keys[card.key]
    Card.objects.bulk_update(cards, ["key"], batch_size=500)
    # Renamed back to an id it had before: that id is current again.
    PreviousId.objects.filter(old_id=new_id).delete()
    PreviousId.objects.update_or_create(old_id=old_id, defaults={"note": note})
    note_renamed.send(sender=Note, old_id=old_id, new_id=new_id)
    return note


def renamed_keys(keys: list[str], old_id: str, new_id: str) -> dict[str, str]:
    """Card keys ``<old id>:<role>:<identity>`` under the new id, cut and
    made unique the way cards.py makes them, so that the next sync finds each
    card by its key."""
    prefix = f"{old_id}:"
    out: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        base = f"{new_id}:{key[len(prefix) :]}"[:KEY_MAX] if key.startswith(prefix) else key
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}~{n}", n + 1
        taken.add(candidate)
        out[key] = candidate
    return out


def same_path_warning(*, path: str, line: int, old_id: str) -> Problem:
    return Problem(
        line,
        f"{path} brought note {old_id} before, and {old_id} is still published with its cards, "
        f"so learners study both. If this note is {old_id} renamed, add 'previous_ids: [{old_id}]' "
        f"to its front matter to keep one note and every learner's history; if not, unpublish {old_id}",
    )
