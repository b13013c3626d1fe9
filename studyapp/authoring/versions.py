"""A note's history: a version for every change of its text, and the
differences between any two versions (the Markdown, and what changes for
learners)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db.models import Max

from studyapp.authoring.impact import CardChange, changes_between
from studyapp.authoring.models import NoteAuthor, NoteVersion, RepairDoubt
from studyapp.noteformat.cards import cards_for
from studyapp.noteformat.parser import parse_note

CONTEXT_CHARS = 12


def version_record(*, note, created, source, source_hash, counts, origin, actor, uncertain, **_ignored) -> NoteVersion:
    """Keep the version a change of ``note`` brought (the ``note_changed``
    signal, inside the transaction that wrote the note). A draft of exactly
    this text, saved before and now applied, becomes the applied version
    instead of a second copy."""
    latest = NoteVersion.objects.filter(note_id=note.pk).order_by("-number").first()
    card_counts = _plain_counts(counts)
    pending = latest if latest is not None and not latest.applied else None
    from_file = origin not in NoteVersion.Origin.values or origin == NoteVersion.Origin.IMPORT
    if pending is not None and pending.source_hash == source_hash and not from_file:
        pending.applied = True
        pending.card_counts = card_counts
        pending.save(update_fields=["applied", "card_counts"])
        version = pending
    else:
        version = NoteVersion.objects.create(
            note_id=note.pk,
            number=(latest.number if latest else 0) + 1,
            source=source,
            source_hash=source_hash,
            origin=NoteVersion.Origin.IMPORT if from_file else origin,
            author=actor if actor is not None and actor.is_authenticated else None,
            card_counts=card_counts,
        )
        if pending is not None and from_file and pending.source_hash != source_hash:
            _draft_keep(pending, after=version)
    if created and actor is not None and origin != NoteVersion.Origin.IMPORT:
        # Whoever brings a new note in the browser writes it.
        NoteAuthor.objects.get_or_create(note_id=note.pk, user=actor)
    if uncertain:
        doubts_record(note_id=note.pk, version=version, source=source, uncertain=uncertain)
    return version


def _draft_keep(draft: NoteVersion, *, after: NoteVersion) -> NoteVersion:
    """An import (``import_notes --overwrite``) never publishes an author's
    pending draft: the draft is saved again on top of the file's version,
    still pending, so that Publish still offers it."""
    return NoteVersion.objects.create(
        note_id=draft.note_id,
        number=after.number + 1,
        source=draft.source,
        source_hash=draft.source_hash,
        origin=draft.origin,
        author_id=draft.author_id,
        applied=False,
    )


def _plain_counts(counts) -> dict:
    if counts is None:
        return {}
    return {
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "retired": counts.retired,
        "answer_changed": list(counts.answer_changed),
    }


def doubts_record(*, note_id: int, version: NoteVersion, source: str, uncertain: list[dict]) -> None:
    """A new repair supersedes the doubts of an earlier one not yet settled."""
    RepairDoubt.objects.filter(note_id=note_id, decided_at__isnull=True).delete()
    lines = source.split("\n")
    doubts = []
    for item in uncertain:
        line, column = int(item["line"]), int(item["column"])
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        at = column - 1
        doubts.append(
            RepairDoubt(
                note_id=note_id,
                version=version,
                line=line,
                column=column,
                char=str(item["char"])[:8],
                candidates=[str(c)[:8] for c in item.get("candidates", [])][:12],
                before=text[max(0, at - CONTEXT_CHARS) : at],
                after=text[at + 1 : at + 1 + CONTEXT_CHARS],
            )
        )
    RepairDoubt.objects.bulk_create(doubts)


def version_next_number(*, note) -> int:
    return (NoteVersion.objects.filter(note=note).aggregate(n=Max("number"))["n"] or 0) + 1


def version_baseline(*, note) -> NoteVersion:
    """The note's latest version; a note stored before versions were kept
    gets its stored text as version 1."""
    latest = NoteVersion.objects.filter(note=note).order_by("-number").first()
    if latest is not None:
        return latest
    return NoteVersion.objects.create(
        note=note,
        number=1,
        source=note.source,
        source_hash=note.source_hash,
        origin=NoteVersion.Origin.IMPORT,
        created_at=note.updated_at,
    )


# --------------------------------------------------------------------------
# Differences
# --------------------------------------------------------------------------

# difflib compares lines in quadratic time at worst: beyond this many lines on
# either side the Markdown diff is not computed (a note is far smaller).
DIFF_MAX_LINES = 4000


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "hunk"
    old: int | None
    new: int | None
    text: str


@dataclass
class VersionDiff:
    lines: list[DiffLine] = field(default_factory=list)
    too_large: bool = False
    cards: list[CardChange] = field(default_factory=list)
    cards_unparsed: bool = False

    def count(self, change: str) -> int:
        return sum(1 for c in self.cards if c.change == change)


def source_diff(old: str, new: str) -> tuple[list[DiffLine], bool]:
    a, b = old.split("\n"), new.split("\n")
    if len(a) > DIFF_MAX_LINES or len(b) > DIFF_MAX_LINES:
        return [], True
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(3):
        first = group[0]
        lines.append(DiffLine("hunk", first[1] + 1, first[3] + 1, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(DiffLine("same", i + 1, j1 + (i - i1) + 1, a[i]) for i in range(i1, i2))
                continue
            lines.extend(DiffLine("removed", i + 1, None, a[i]) for i in range(i1, i2))
            lines.extend(DiffLine("added", None, j + 1, b[j]) for j in range(j1, j2))
    return lines, False


def versions_diff(*, old: NoteVersion, new: NoteVersion) -> VersionDiff:
    lines, too_large = source_diff(old.source, new.source)
    diff = VersionDiff(lines=lines, too_large=too_large)
    before, after = parse_note(old.source), parse_note(new.source)
    if not (before.ok and after.ok):
        diff.cards_unparsed = True
        return diff
    diff.cards = [c for c in changes_between(cards_for(before.note), cards_for(after.note)) if c.change != "moved"]
    return diff
