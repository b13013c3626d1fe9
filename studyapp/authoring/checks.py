"""Checking a text in the editor as the importer would import it, without
writing anything: the importer's own dry run (decoding, repair, parser,
renames, who may write the note) gives the problems, line by line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from studyapp.authoring.access import may_write
from studyapp.noteformat.cards import CardSpec
from studyapp.noteformat.model import ParsedNote
from studyapp.noteformat.model import Problem as ImportProblem
from studyapp.noteformat.parser import body_of, normalize_newlines
from studyapp.notes.models import Note
from studyapp.notes.services import Catalog, NoteReport, note_import


@dataclass
class Problem:
    line: int
    severity: str  # "error" or "warning"
    message: str


@dataclass
class TextCheck:
    text: str
    report: NoteReport
    parsed: ParsedNote | None = None
    specs: list[CardSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def body(self) -> str:
        return body_of(self.text)

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for spec in self.specs:
            counts[spec.kind] = counts.get(spec.kind, 0) + 1
        return counts


def text_bytes(text: str) -> bytes:
    """What the editor sends is text (the browser sends CRLF line breaks)."""
    return normalize_newlines(text).encode("utf-8")


def text_size(text: str) -> int:
    """The size of the text as a note file, the importer's limit applies to:
    measured without parsing it."""
    return len(text_bytes(text))


def light_catalog() -> Catalog:
    """What a dry run needs to know of the stored notes: their ids (one
    column), not every note's hashes and parsed counts."""
    return Catalog(ids=set(Note.objects.values_list("note_id", flat=True)))


def writer_check(*, user, note: Note | None) -> Callable[[NoteReport], str | None]:
    """The importer's ``check`` for a save in the editor: a note keeps its id
    (a rename is declared with previous_ids), a new note takes a free id, and
    an instructor renames only notes they write."""

    def check(report: NoteReport) -> str | None:
        if note is None:
            if report.status != "created" and not report.renamed_from:
                return f"id {report.id} is already a note: open it in the editor, or choose another id"
        elif report.id != note.note_id and report.renamed_from != note.note_id:
            return (
                f"this note's id is {note.note_id}: keep it, or rename the note by adding "
                f"previous_ids: [{note.note_id}] under the new id"
            )
        return rename_refusal(user=user, report=report)

    return check


def rename_refusal(*, user, report: NoteReport) -> str | None:
    """Why ``user`` may not make the rename ``report`` declares, if they may not:
    an instructor renames only notes they write (editor and upload alike)."""
    if report.renamed_from and not may_write(user, report.renamed_from):
        return f"you cannot rename {report.renamed_from}: you do not write it"
    return None


def text_check(*, text: str, user, note: Note | None) -> TextCheck:
    report = NoteReport(path=note.source_path if note else "")
    raw = text_bytes(text)
    note_import(
        raw=raw, report=report, dry_run=True, catalog=light_catalog(), permit=writer_check(user=user, note=note)
    )
    check = TextCheck(text=text, report=report)
    check.problems = [Problem(p.line, "error", p.message) for p in report.errors]
    check.problems += [Problem(p.line, "warning", p.message) for p in report.warnings]
    check.problems.sort(key=lambda p: (p.line, p.severity != "error"))
    if not report.errors:
        # The dry run's own parse: the preview shows what the import parsed.
        check.parsed, check.specs = report.parsed, report.specs
    return check


def rename_needs_publish(report: NoteReport) -> None:
    """``report`` fails: its new note renames a published one, which only
    Publish may change (a save of a new note does not publish)."""
    report.status = "failed"
    old_id = report.renamed_from
    report.errors.append(
        ImportProblem(
            report.id_line,
            f"this renames {old_id}, which learners study: press Publish to rename it now, "
            f"or open {old_id} in its editor to save a draft",
        )
    )
