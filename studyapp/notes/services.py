"""Importing notes: bytes -> repaired text -> parsed note -> models and cards.

Each note imports in its own transaction: a note that fails leaves nothing
behind, and the notes beside it in the same run still import.

Note files are untrusted: a file's type and size are checked on an open
descriptor before anything is read (a FIFO must not hang the run, /dev/zero
must not fill memory), and no more than the size limit is ever read."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from studyapp.noteformat.cards import CardSpec, card_limit_problem, cards_for
from studyapp.noteformat.model import ParsedNote, Problem
from studyapp.noteformat.parser import normalize_newlines, parse_note
from studyapp.noteformat.repair import decode_bytes, looks_damaged, repair_text
from studyapp.notes.askable import cards_askable_set, options_askable
from studyapp.notes.card_sync import SyncCounts, cards_sync, insert_rows
from studyapp.notes.models import (
    Card,
    ComparisonTable,
    ExamTip,
    Note,
    Option,
    PreviousId,
    Reference,
    Requirement,
    Tag,
    TriggerWord,
)
from studyapp.notes.renames import note_rename, rename_check, same_path_warning
from studyapp.notes.repair_vocabulary import vocabulary_current
from studyapp.notes.signals import cards_withdrawn, note_changed
from studyapp.notes.tasks import cards_render_soon, notes_render_soon

# Bump when the parser or card generation changes what a file turns into, so
# that files whose bytes did not change are still re-read once.
PARSER_VERSION = "3"
MAX_NOTE_BYTES = 1_000_000
UNREADABLE = (
    "the file is not UTF-8, and no other encoding reads it (UTF-16, Shift_JIS, EUC-JP): "
    "this is the first line with a byte that cannot be read; save the file as UTF-8"
)


@dataclass
class NoteReport:
    path: str
    id: str = ""
    # created, updated, unchanged, failed, skipped (not a note file), or kept
    # (edited in the app since this file's last import: the app's text stays)
    status: str = "failed"
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    repaired: bool = False
    repaired_lines: list[int] = field(default_factory=list)
    uncertain: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    correct: list[str] = field(default_factory=list)
    cards: SyncCounts | None = None
    # The id the stored note had before this import renamed it.
    renamed_from: str = ""
    previous_ids: list[str] = field(default_factory=list)
    id_line: int = 1
    # Kept from learners because the repair is unsure of characters: a new
    # note is stored unpublished, a published one gets a draft (the upload's
    # doing, see studyapp.authoring.services), until an instructor settles them.
    held: bool = False
    # The text as repaired, for whoever keeps it as a draft instead.
    text: str = ""
    # A dry run's parsed note and its cards, for the editor's check and
    # preview (which would otherwise parse the text a second time). Not kept
    # by a real import: a folder's reports would hold every parsed note.
    parsed: ParsedNote | None = None
    specs: list[CardSpec] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "id": self.id,
            "status": self.status,
            "errors": [{"line": p.line, "message": p.message} for p in self.errors],
            "warnings": [{"line": p.line, "message": p.message} for p in self.warnings],
            "repaired": self.repaired,
            "repaired_lines": self.repaired_lines,
            "uncertain": self.uncertain,
            "counts": self.counts,
            "correct": self.correct,
            "renamed_from": self.renamed_from,
            "held": self.held,
        }


@dataclass
class ImportRun:
    notes: list[NoteReport] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.notes)

    def summary(self) -> dict:
        statuses = ["created", "updated", "unchanged", "kept", "failed", "skipped"]
        summary = {s: sum(1 for r in self.notes if r.status == s) for s in statuses}
        summary["total"] = len(self.notes)
        summary["repaired"] = sum(1 for r in self.notes if r.repaired)
        summary["renamed"] = sum(1 for r in self.notes if r.renamed_from)
        summary["held"] = sum(1 for r in self.notes if r.held)
        summary["uncertain"] = sum(len(r.uncertain) for r in self.notes if r.status != "unchanged")
        return summary

    def to_dict(self) -> dict:
        return {"notes": [r.to_dict() for r in self.notes], "summary": self.summary()}


def raw_hash(raw: bytes) -> str:
    return hashlib.sha256(PARSER_VERSION.encode() + b"\0" + raw).hexdigest()


def note_files(paths: list[Path]) -> tuple[list[tuple[Path, bool]], list[NoteReport]]:
    """(path, named) for files named and for ``*.md`` entries below folders
    named, in a stable order; and a failed report for each folder that cannot
    be read (pathlib's rglob skipped those without a word). Symbolic links to
    folders are not followed, so a link loop cannot make the walk endless."""
    found: list[tuple[Path, bool]] = []
    unreadable: list[NoteReport] = []
    for path in paths:
        if not path.is_dir():
            found.append((path, True))
            continue
        below: list[Path] = []
        folders = [path]
        while folders:
            folder = folders.pop()
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            folders.append(Path(entry.path))
                        elif entry.name.endswith(".md"):
                            below.append(Path(entry.path))
            except OSError as exc:
                report = NoteReport(path=display_path(folder))
                report.errors.append(Problem(0, f"cannot read folder: {exc.strerror or exc}"))
                unreadable.append(report)
        found.extend((p, False) for p in sorted(below))
    return found, unreadable


def display_path(path: Path) -> str:
    """The path as text that any database and terminal can hold: a file name
    that is not valid UTF-8 keeps its odd bytes as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class NoteFileError(Exception):
    """A note file that was not read; ``skip`` when it is not a file at all."""

    def __init__(self, message: str, *, skip: bool = False):
        super().__init__(message)
        self.skip = skip


FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in FILE_KINDS if test(mode)), "not a regular file")
    return f"{kind}, not a note file"


def read_note_file(path: Path, *, limit: int = MAX_NOTE_BYTES) -> bytes:
    """A note file's bytes, or NoteFileError. The descriptor is opened
    non-blocking (opening a FIFO waits for a writer otherwise), its type and
    size are checked with fstat before a byte is read, and at most
    ``limit`` + 1 bytes are read, for a file that grows meanwhile."""
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind:
            raise NoteFileError(kind, skip=True)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise NoteFileError(f"cannot read file: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(descriptor)
        kind = _not_regular(info.st_mode)
        if kind:
            raise NoteFileError(kind, skip=True)
        if info.st_size > limit:
            raise NoteFileError(f"file is {info.st_size} bytes; a note may have at most {limit}")
        chunks: list[bytes] = []
        size = 0
        # The size fstat gave, and one byte more to see the end; in chunks if
        # the file grows meanwhile; never past the limit and one byte.
        while size <= limit and (
            chunk := os.read(descriptor, min(limit + 1 - size, max(info.st_size + 1 - size, 65_536)))
        ):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NoteFileError(f"file is more than {limit} bytes; a note may have at most {limit}")
        return b"".join(chunks)
    except OSError as exc:
        raise NoteFileError(f"cannot read file: {exc.strerror or exc}") from exc
    finally:
        os.close(descriptor)


@dataclass
class Catalog:
    """What an import run knows of the database before it starts, loaded in a
    few queries so that a re-import of a large unchanged folder costs a hash
    per file, not a parse or a query."""

    by_hash: dict[str, dict] = field(default_factory=dict)
    # hash of the file bytes a note was last imported from -> its row
    by_file_hash: dict[str, dict] = field(default_factory=dict)
    # note id -> when the app last changed it after its last file import
    app_edited: dict[str, object] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    tags: dict[str, int] = field(default_factory=dict)
    # note id -> path of the file that brought it in this run
    seen: dict[str, str] = field(default_factory=dict)
    # previous id -> current id of the note it was renamed into (see ``renamed``)
    _renamed: dict[str, str] | None = None
    # previous id -> path of the file that declared it in this run
    claimed: dict[str, str] = field(default_factory=dict)
    # source path -> published notes that came from it before this run
    by_path: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Catalog:
        catalog = cls(tags=dict(Tag.objects.values_list("name", "id")))
        rows = Note.objects.values(
            "note_id",
            "raw_hash",
            "repaired",
            "repair_report",
            "parsed__correct",
            "parsed__counts",
            "source_path",
            "is_published",
            "file_hash",
            "app_edited_at",
        )
        for row in rows:
            catalog.ids.add(row["note_id"])
            catalog.by_hash[row["raw_hash"]] = row
            if row["file_hash"]:
                catalog.by_file_hash[row["file_hash"]] = row
            if row["app_edited_at"] is not None:
                catalog.app_edited[row["note_id"]] = row["app_edited_at"]
            if row["is_published"] and row["source_path"]:
                catalog.by_path.setdefault(row["source_path"], []).append(row["note_id"])
        return catalog

    @property
    def renamed(self) -> dict[str, str]:
        """Read when a file is parsed, not before: an unchanged re-import
        stays at its two queries."""
        if self._renamed is None:
            self._renamed = dict(PreviousId.objects.values_list("old_id", "note__note_id"))
        return self._renamed

    def rename(self, old_id: str, new_id: str) -> None:
        self.ids.discard(old_id)
        self.ids.add(new_id)
        self.renamed.pop(new_id, None)
        for previous, current in self.renamed.items():
            if current == old_id:
                self.renamed[previous] = new_id
        self.renamed[old_id] = new_id


# Notes are committed in groups of this many. Each note still imports
# atomically (its own savepoint: a failing note leaves nothing and the others
# stay), but one commit per note was a tenth of a folder import's time.
COMMIT_EVERY = 50


def notes_import(*, paths: list[Path], dry_run: bool = False, overwrite: bool = False) -> ImportRun:
    """Import note files (the command line and the start-up import). A note
    changed in the app since its file was last imported is kept as the app
    has it, and reported "kept"; ``overwrite`` makes the files win all the
    same (each still a new version, learners' history kept as on any
    re-import). See docs/authoring.md, "Files and the app"."""
    run = ImportRun()
    catalog = Catalog.load()
    files, unreadable = note_files(paths)
    run.notes.extend(unreadable)
    for start in range(0, len(files), COMMIT_EVERY):
        to_write: list[tuple[bytes, NoteReport]] = []
        for path, named in files[start : start + COMMIT_EVERY]:
            report = NoteReport(path=display_path(path))
            run.notes.append(report)
            try:
                raw = read_note_file(path)
            except NoteFileError as exc:
                # Something a folder holds that is not a file is passed over;
                # a path named on the command line must be a note.
                if exc.skip and not named:
                    report.status = "skipped"
                    report.warnings.append(Problem(0, f"{exc}; skipped"))
                else:
                    report.errors.append(Problem(0, str(exc)))
                continue
            fingerprint = raw_hash(raw)
            stored = catalog.by_hash.get(fingerprint)
            if stored is None and not overwrite:
                stored = catalog.by_file_hash.get(fingerprint)
            if stored is not None:
                # Nothing to write: no transaction, not even an empty one.
                _report_unchanged(report, stored, catalog)
                if not overwrite and report.status == "unchanged":
                    same_text = stored["raw_hash"] == fingerprint
                    _report_kept(report, catalog, file_changed=False, same_text=same_text)
            elif dry_run:
                note_import(raw=raw, report=report, dry_run=True, catalog=catalog, keep_app_edits=not overwrite)
            else:
                to_write.append((raw, report))
        if to_write:
            with transaction.atomic():
                for raw, report in to_write:
                    note_import(raw=raw, report=report, catalog=catalog, keep_app_edits=not overwrite)
    _warn_same_path(run, catalog)
    if any(report.status in {"created", "updated"} for report in run.notes):
        # The cards' HTML is rendered by the task worker, not while the import waits.
        cards_render_soon()
    return run


def _warn_same_path(run: ImportRun, catalog: Catalog) -> None:
    """A file that brought another id before, while that note stays published
    and nothing in this run brings or renames it, was probably renamed without
    saying so: say how (a warning, never a guess)."""
    for report in run.notes:
        if report.status == "failed":
            continue
        for old_id in catalog.by_path.get(report.path[-500:], []):
            if (
                old_id != report.id
                and old_id in catalog.ids
                and old_id not in catalog.seen
                and old_id not in catalog.claimed
            ):
                report.warnings.append(same_path_warning(path=report.path, line=report.id_line, old_id=old_id))


def note_import(
    *,
    raw: bytes,
    report: NoteReport,
    dry_run: bool = False,
    catalog: Catalog | None = None,
    origin: str = "import",
    actor=None,
    permit: Callable[[NoteReport], str | None] | None = None,
    hold_uncertain: bool = False,
    keep_app_edits: bool = False,
) -> NoteReport:
    """Import one note's bytes, filling ``report``. Writes nothing unless it succeeds.

    ``origin`` and ``actor`` (who wrote it: None from the command line) go
    with the ``note_changed`` signal. ``permit``, given the report once the
    note's id, status and rename are known, may refuse the write with a
    message (the editor keeps a note's id; an instructor writes only the
    notes they may author); it is reported on the id line.
    ``hold_uncertain``: a new note whose repair left characters uncertain is
    stored unpublished (an instructor's upload or editor: they settle them).

    ``origin`` "import" is a file's import: the note remembers the file's
    hash and counts as not edited in the app since; any other origin marks
    it edited in the app. ``keep_app_edits`` (the folder import): a stored
    note edited in the app since is left as it is and reported "kept"."""
    catalog = catalog or Catalog.load()
    if len(raw) > MAX_NOTE_BYTES:
        report.errors.append(Problem(0, f"file is {len(raw)} bytes; a note may have at most {MAX_NOTE_BYTES}"))
        return report
    fingerprint = raw_hash(raw)
    if fingerprint in catalog.by_hash:
        return _report_unchanged(report, catalog.by_hash[fingerprint], catalog)
    decoded = decode_bytes(raw)
    if decoded.unreadable_line:
        # Text with U+FFFD in place of bytes no encoding could read would
        # teach the learner garbage: refused, with where the damage starts.
        report.errors.append(Problem(decoded.unreadable_line, UNREADABLE))
        return report
    report.warnings.extend(Problem(1, w) for w in decoded.warnings)
    text = normalize_newlines(decoded.text)
    # The notes already stored weigh the repair's doubtful choices; read
    # only for a text that shows damage.
    repair = repair_text(text, vocabulary=vocabulary_current() if looks_damaged(text) else None)
    _report_repair(report, repair)
    report.text = repair.text
    result = parse_note(repair.text)
    report.errors.extend(result.errors)
    report.warnings.extend(result.warnings)
    report.warnings.sort(key=lambda p: p.line)
    if not result.ok:
        return report
    parsed = result.note
    report.id = parsed.meta.id
    specs = cards_for(parsed)
    too_many = card_limit_problem(specs)
    if too_many:
        report.errors.append(too_many)
        return report
    if parsed.meta.id in catalog.seen:
        report.errors.append(Problem(1, f"id {parsed.meta.id} is also used by {catalog.seen[parsed.meta.id]}"))
        return report
    report.id_line = parsed.meta.lines.get("id", 1)
    if not _claims_ok(report, parsed.meta.id, catalog):
        return report
    catalog.seen[parsed.meta.id] = report.path
    report.previous_ids = parsed.meta.previous_ids
    check = rename_check(
        new_id=parsed.meta.id,
        previous_ids=parsed.meta.previous_ids,
        line=parsed.meta.lines.get("previous_ids", report.id_line),
        path=report.path,
        ids=catalog.ids,
        renamed=catalog.renamed,
        seen=catalog.seen,
        claimed=catalog.claimed,
    )
    report.errors.extend(check.errors)
    report.warnings.extend(check.warnings)
    if check.errors:
        return report
    rename_from = check.source
    report.renamed_from = rename_from or ""
    report.counts = _counts(parsed, len(specs))
    report.correct = parsed.correct_letters
    report.status = "updated" if parsed.meta.id in catalog.ids or rename_from else "created"
    refusal = permit(report) if permit is not None else None
    if refusal:
        report.status = "failed"
        report.errors.append(Problem(report.id_line, refusal))
        return report
    edited_id = rename_from or parsed.meta.id
    if keep_app_edits and report.status == "updated" and edited_id in catalog.app_edited:
        return _report_kept(report, catalog, file_changed=True, note_id=edited_id)
    if dry_run:
        report.parsed, report.specs = parsed, specs
        return report
    source_hash = hashlib.sha256(repair.text.encode("utf-8")).hexdigest()
    fields = _note_fields(parsed, repair, source_hash, fingerprint, report)
    fields.update(_provenance(origin=origin, fingerprint=fingerprint))
    known = parsed.meta.id in catalog.ids or rename_from is not None
    changed = {"origin": origin, "actor": actor, "uncertain": report.uncertain}
    # A new note with characters the repair is unsure of waits, unpublished,
    # until an instructor settles them on the repair page.
    report.held = hold_uncertain and bool(report.uncertain) and not known
    try:
        cards = _write_note(
            parsed,
            fields,
            specs,
            catalog.tags,
            known=known,
            rename_from=rename_from,
            changed=changed,
            publish_new=not report.held,
            keep_app_edits=keep_app_edits,
        )
    except AppEdited as edited:
        # Edited in the app after this run read the catalog: still the app's.
        catalog.app_edited[edited.note_id] = edited.at
        return _report_kept(report, catalog, file_changed=True, note_id=edited.note_id)
    except IntegrityError:
        # Only a note that another import created after this run's catalog
        # was read is retried, as a stored note; any other error comes back.
        if known or not Note.objects.filter(note_id=parsed.meta.id).exists():
            raise
        report.status = "updated"
        report.held = False
        cards = _write_note(parsed, fields, specs, catalog.tags, known=True, changed=changed)
    if rename_from:
        catalog.rename(rename_from, parsed.meta.id)
    if cards is None:
        report.status = "unchanged"
        return report
    report.cards = cards
    catalog.ids.add(parsed.meta.id)
    return report


class AppEdited(Exception):
    """The note was changed in the app after its file's last import."""

    def __init__(self, note_id: str, at):
        super().__init__(note_id)
        self.note_id, self.at = note_id, at


def _provenance(*, origin: str, fingerprint: str) -> dict:
    """What a write tells of who changed the note last: a file (origin
    "import") or the app."""
    if origin == "import":
        return {"file_hash": fingerprint, "app_edited_at": None}
    return {"app_edited_at": timezone.now()}


def _report_kept(
    report: NoteReport, catalog: Catalog, *, file_changed: bool, same_text: bool = False, note_id: str = ""
) -> NoteReport:
    """The note stays as the app has it; the report says why and how to
    compare it with the file or make the file win."""
    note_id = note_id or report.id
    at = catalog.app_edited.get(note_id)
    if at is None:
        return report
    report.status = "kept"
    report.cards = None
    if file_changed:
        # What the file would have made, not what learners study: not shown.
        report.counts, report.correct = {}, []
    when = at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if file_changed:
        what = "this file changed too and was not applied"
    elif same_text:
        what = "learners study this file's text, and anything else the app keeps of it (a pending draft) stays"
    else:
        what = "it differs from this file"
    report.warnings.append(
        Problem(
            report.id_line,
            f"kept: {note_id} was edited in the app on {when}, after this file's last import; {what}. "
            f"Compare {report.path} with the note's history (/author/notes/{note_id}/versions/), "
            f"or run import_notes --overwrite {report.path} to make the file win",
        )
    )
    return report


def _claims_ok(report: NoteReport, note_id: str, catalog: Catalog) -> bool:
    """A file of this run that declared ``note_id`` a previous id renames it
    away: this file cannot also bring it."""
    claimer = catalog.claimed.get(note_id)
    if claimer is None:
        return True
    report.status = "failed"
    report.errors.append(Problem(report.id_line, f"id {note_id} is declared a previous id by {claimer} in this run"))
    return False


def _write_note(
    parsed: ParsedNote,
    fields: dict,
    specs: list[CardSpec],
    tags: dict[str, int],
    *,
    known: bool,
    rename_from: str | None = None,
    changed: dict | None = None,
    publish_new: bool = True,
    keep_app_edits: bool = False,
) -> SyncCounts | None:
    """Store the note, its parts, tags and cards in one transaction; None
    when the stored text was the same already. ``rename_from``: the stored
    note to give this note's id first (a declared rename); ``changed``: what
    the ``note_changed`` signal says besides the note (origin, actor);
    ``publish_new``: False stores a new note unpublished."""
    with transaction.atomic():
        if keep_app_edits and known:
            _refuse_if_app_edited(rename_from or parsed.meta.id)
        if rename_from:
            note_rename(old_id=rename_from, new_id=parsed.meta.id)
        note, created = _store_note(parsed.meta.id, fields, known=known, publish_new=publish_new)
        if note is None:
            return None
        if not created:
            _delete_parts(note)
        _insert_parts(note, parsed)
        _set_tags(note, parsed.meta.tags, tags, new_note=created)
        counts = cards_sync(note=note, specs=specs, new_note=created)
        if parsed.options or not created:
            cards_askable_set(note_id=note.pk, askable=options_askable((o.text, o.correct) for o in parsed.options))
        # The note page is rendered by the task worker, once, not at every view.
        notes_render_soon()
        note_changed.send(
            sender=Note,
            note=note,
            created=created,
            source=fields["source"],
            source_hash=fields["source_hash"],
            counts=counts,
            **(changed or {"origin": "import", "actor": None, "uncertain": []}),
        )
        return counts


def _refuse_if_app_edited(note_id: str) -> None:
    """Locked, as the editor locks the note to save it: an edit either came
    before this import (and wins) or waits for it."""
    row = Note.objects.select_for_update().filter(note_id=note_id).values_list("app_edited_at", flat=True).first()
    if row is not None:
        raise AppEdited(note_id, row)


def _report_repair(report: NoteReport, repair) -> None:
    report.repaired = repair.repaired
    report.repaired_lines = list(repair.repaired_lines)
    report.uncertain = [
        {"line": u.line, "column": u.column, "char": u.char, "candidates": list(u.candidates)} for u in repair.uncertain
    ]
    # One warning for the repair, not one per line: fifty of those buried
    # the few uncertain characters, which the report lists first instead.
    if repair.repaired_lines:
        lines = repair.repaired_lines
        shown = ", ".join(map(str, lines[:REPAIRED_LINES_SHOWN])) + (", …" if len(lines) > REPAIRED_LINES_SHOWN else "")
        report.warnings.append(
            Problem(
                lines[0],
                f"repaired mojibake (text decoded with the wrong encoding) on {len(lines)} "
                f"line{'s' if len(lines) != 1 else ''}: {shown}",
            )
        )


REPAIRED_LINES_SHOWN = 20


def _report_unchanged(report: NoteReport, row: dict, catalog: Catalog) -> NoteReport:
    report.status = "unchanged"
    report.id = row["note_id"]
    report.repaired = row["repaired"]
    report.uncertain = row["repair_report"] or []
    report.correct = row["parsed__correct"] or []
    report.counts = row["parsed__counts"] or {}
    if report.id in catalog.seen:
        report.status = "failed"
        report.errors.append(Problem(1, f"id {report.id} is also used by {catalog.seen[report.id]}"))
    elif not _claims_ok(report, report.id, catalog):
        return report
    catalog.seen[report.id] = report.path
    return report


def _counts(parsed: ParsedNote, cards: int) -> dict:
    return {
        "trigger_words": len(parsed.trigger_words),
        "options": len(parsed.options),
        "correct_options": len(parsed.correct_letters),
        "comparison_rows": parsed.comparison_rows,
        "best_practices": len(parsed.exam_note.best_practices),
        "pitfalls": len(parsed.exam_note.pitfalls),
        "tags": len(parsed.meta.tags),
        "cards": cards,
    }


def _note_fields(parsed: ParsedNote, repair, source_hash: str, fingerprint: str, report: NoteReport) -> dict:
    """The note row's columns, but for ``note_id``."""
    meta = parsed.meta
    data = parsed.to_dict()
    data["counts"] = report.counts
    context = parsed.context
    return {
        "title": meta.title[:200],
        "category": meta.category,
        "domain": meta.domain,
        "tasks": meta.tasks,
        "sources": meta.sources,
        "created_on": meta.created_at,
        "source": repair.text,
        "source_path": report.path[-500:],
        "raw_hash": fingerprint,
        "source_hash": source_hash,
        "parsed": data,
        "repaired": repair.repaired,
        "repair_report": report.uncertain,
        "warnings": [{"line": p.line, "message": p.message} for p in report.warnings],
        "architecture": context.architecture,
        "scenario": context.text,
        "question": parsed.question,
        "rationale": parsed.rationale,
        "summary": parsed.exam_note.summary,
        "concept": parsed.exam_note.concept,
    }


def _store_note(note_id: str, fields: dict, *, known: bool, publish_new: bool = True) -> tuple[Note | None, bool]:
    """Create or update the note's row: (note, created), or (None, False) when
    the stored text is the same and only the new bytes' hash is remembered.

    ``known``: the run's catalog has the id. A note it does not have is
    inserted without looking it up first, one query less per new note; if
    another import stored it meanwhile, the unique id stops the insert."""
    stored = _stored_note(note_id) if known else None
    if stored is None:
        return Note.objects.create(note_id=note_id, is_published=publish_new, **fields), True
    if stored.source_hash == fields["source_hash"]:
        # Other bytes, same text (CRLF instead of LF, say): remember the new bytes only.
        remembered = {"raw_hash": fields["raw_hash"]}
        if fields.get("file_hash"):
            remembered["file_hash"] = fields["file_hash"]
        Note.objects.filter(pk=stored.pk).update(**remembered)
        return None, False
    # update() rather than save(): ``stored`` holds only its key and hash.
    # update() skips auto_now, so the time is set here as save() would.
    Note.objects.filter(pk=stored.pk).update(**fields, updated_at=timezone.now())
    return stored, False


def _stored_note(note_id: str) -> Note | None:
    """The stored note, locked, with only what decides between "unchanged"
    and "updated": its source and parsed JSON are large and about to be replaced."""
    return Note.objects.select_for_update().filter(note_id=note_id).only("pk", "source_hash").first()


PART_MODELS = (TriggerWord, Requirement, Option, ComparisonTable, Reference, ExamTip)


def _delete_parts(note: Note) -> None:
    """Parts carry no learner data, so a changed note simply gets them anew."""
    for model in PART_MODELS:
        model.objects.filter(note=note).delete()


def _insert_parts(note: Note, parsed: ParsedNote) -> None:
    context = parsed.context
    insert_rows(
        TriggerWord,
        (
            {
                "note_id": note.pk,
                "position": i,
                "term": w.term[:200],
                "gloss": w.gloss[:200],
                "explanation": w.explanation,
            }
            for i, w in enumerate(parsed.trigger_words)
        ),
    )
    insert_rows(
        Requirement,
        (
            {"note_id": note.pk, "position": i, "label": r.label[:300], "detail": r.detail}
            for i, r in enumerate([*context.requirements, *context.points])
        ),
    )
    insert_rows(
        Option,
        (
            {
                "note_id": note.pk,
                "letter": o.letter,
                "label": o.label[:300],
                "text": o.text,
                "is_correct": o.correct,
                "reasoning": o.reasoning,
            }
            for o in parsed.options
        ),
    )
    insert_rows(
        ComparisonTable,
        ({"note_id": note.pk, "position": i, "header": t.header, "rows": t.rows} for i, t in enumerate(parsed.tables)),
    )
    insert_rows(
        Reference,
        (
            {"note_id": note.pk, "position": i, "text": r.text[:500], "url": r.url[:1000]}
            for i, r in enumerate(parsed.references)
        ),
    )
    insert_rows(ExamTip, _tips(note, parsed))


def _tips(note: Note, parsed: ParsedNote) -> list[dict]:
    exam = parsed.exam_note
    kinds = ExamTip.Kind

    def tip(kind: str, position: int, text: str, detail: str = "") -> dict:
        return {"note_id": note.pk, "kind": kind, "position": position, "text": text, "detail": detail}

    tips = [tip(kinds.CONCEPT_POINT, i, p.text) for i, p in enumerate(exam.concept_points)]
    tips += [tip(kinds.BEST_PRACTICE, i, b.trigger, b.practice) for i, b in enumerate(exam.best_practices)]
    tips += [tip(kinds.PITFALL, i, p.text) for i, p in enumerate(exam.pitfalls)]
    tips += [tip(kinds.SHORTCUT, i, s.text) for i, s in enumerate(exam.shortcuts)]
    return tips


def _set_tags(note: Note, names: list[str], cache: dict[str, int], *, new_note: bool) -> None:
    missing = [n for n in names if n not in cache]
    if missing:
        Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
        cache.update(Tag.objects.filter(name__in=missing).values_list("name", "id"))
    tag_ids = list(dict.fromkeys(cache[n] for n in names))
    if not new_note:
        note.tags.set(tag_ids)
        return
    # A note created in this transaction has no tags yet: insert the links
    # without tags.set() first reading the (empty) current set.
    insert_rows(Note.tags.through, ({"note_id": note.pk, "tag_id": tag_id} for tag_id in tag_ids))


def note_export(*, note: Note, fmt: str) -> str:
    """A note as Markdown (the stored, repaired source) or as its parsed JSON."""
    if fmt == "md":
        return note.source
    return json.dumps(note.parsed, ensure_ascii=False, indent=2) + "\n"


def note_app_edited(*, note: Note) -> None:
    """The app changed the note without writing its text (a draft saved for
    it): the next import of its file leaves it alone, as after any app edit."""
    Note.objects.filter(pk=note.pk).update(app_edited_at=timezone.now())


def note_publish_set(*, note: Note, published: bool) -> bool:
    """Publish or unpublish a note (the admin's way too); True when it changed.

    Unpublishing takes the note's cards out of every learner's queue at once,
    in the same transaction; publishing brings them in the next time each
    learner opens the study page (their study scope decides)."""
    with transaction.atomic():
        changed = (
            Note.objects.filter(pk=note.pk)
            .exclude(is_published=published)
            .update(is_published=published, updated_at=timezone.now())
        )
        note.is_published = published
        if not published:
            cards_withdrawn.send(sender=Note, cards=Card.objects.filter(note_id=note.pk))
    return bool(changed)
