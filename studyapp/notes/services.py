"""Importing notes: bytes -> repaired text -> parsed note -> models and cards.

Each note imports in its own transaction: a note that fails leaves nothing
behind, and the notes beside it in the same run still import."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from studyapp.noteformat.cards import cards_for
from studyapp.noteformat.model import ParsedNote, Problem
from studyapp.noteformat.parser import normalize_newlines, parse_note
from studyapp.noteformat.repair import decode_bytes, repair_text
from studyapp.notes.card_sync import SyncCounts, cards_sync
from studyapp.notes.models import (
    ComparisonTable,
    ExamTip,
    Note,
    Option,
    Reference,
    Requirement,
    Tag,
    TriggerWord,
)

# Bump when the parser or card generation changes what a file turns into, so
# that files whose bytes did not change are still re-read once.
PARSER_VERSION = "1"
MAX_NOTE_BYTES = 1_000_000


@dataclass
class NoteReport:
    path: str
    id: str = ""
    status: str = "failed"
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    repaired: bool = False
    repaired_lines: list[int] = field(default_factory=list)
    uncertain: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    correct: list[str] = field(default_factory=list)
    cards: SyncCounts | None = None

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
        }


@dataclass
class ImportRun:
    notes: list[NoteReport] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.notes)

    def summary(self) -> dict:
        statuses = ["created", "updated", "unchanged", "failed"]
        summary = {s: sum(1 for r in self.notes if r.status == s) for s in statuses}
        summary["total"] = len(self.notes)
        summary["repaired"] = sum(1 for r in self.notes if r.repaired)
        return summary

    def to_dict(self) -> dict:
        return {"notes": [r.to_dict() for r in self.notes], "summary": self.summary()}


def raw_hash(raw: bytes) -> str:
    return hashlib.sha256(PARSER_VERSION.encode() + b"\0" + raw).hexdigest()


def note_files(paths: list[Path]) -> list[Path]:
    """Files named, and ``*.md`` files below folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        else:
            found.append(path)
    return found


@dataclass
class Catalog:
    """What an import run knows of the database before it starts, loaded in a
    few queries so that a re-import of a large unchanged folder costs a hash
    per file, not a parse or a query."""

    by_hash: dict[str, dict] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    tags: dict[str, int] = field(default_factory=dict)
    # note id -> path of the file that brought it in this run
    seen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Catalog:
        catalog = cls(tags=dict(Tag.objects.values_list("name", "id")))
        rows = Note.objects.values(
            "note_id", "raw_hash", "repaired", "repair_report", "parsed__correct", "parsed__counts"
        )
        for row in rows:
            catalog.ids.add(row["note_id"])
            catalog.by_hash[row["raw_hash"]] = row
        return catalog


def notes_import(*, paths: list[Path], dry_run: bool = False) -> ImportRun:
    run = ImportRun()
    catalog = Catalog.load()
    for path in note_files(paths):
        report = NoteReport(path=str(path))
        run.notes.append(report)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            report.errors.append(Problem(0, f"cannot read file: {exc.strerror or exc}"))
            continue
        note_import(raw=raw, report=report, dry_run=dry_run, catalog=catalog)
    return run


def note_import(*, raw: bytes, report: NoteReport, dry_run: bool = False, catalog: Catalog | None = None) -> NoteReport:
    """Import one note's bytes, filling ``report``. Writes nothing unless it succeeds."""
    catalog = catalog or Catalog.load()
    if len(raw) > MAX_NOTE_BYTES:
        report.errors.append(Problem(0, f"file is {len(raw)} bytes; a note may have at most {MAX_NOTE_BYTES}"))
        return report
    fingerprint = raw_hash(raw)
    if fingerprint in catalog.by_hash:
        return _report_unchanged(report, catalog.by_hash[fingerprint], catalog)
    decoded = decode_bytes(raw)
    report.warnings.extend(Problem(1, w) for w in decoded.warnings)
    repair = repair_text(normalize_newlines(decoded.text))
    _report_repair(report, repair)
    result = parse_note(repair.text)
    report.errors.extend(result.errors)
    report.warnings.extend(result.warnings)
    report.warnings.sort(key=lambda p: p.line)
    if not result.ok:
        return report
    parsed = result.note
    report.id = parsed.meta.id
    if parsed.meta.id in catalog.seen:
        report.errors.append(Problem(1, f"id {parsed.meta.id} is also used by {catalog.seen[parsed.meta.id]}"))
        return report
    catalog.seen[parsed.meta.id] = report.path
    specs = cards_for(parsed)
    report.counts = _counts(parsed, len(specs))
    report.correct = parsed.correct_letters
    report.status = "updated" if parsed.meta.id in catalog.ids else "created"
    if dry_run:
        return report
    source_hash = hashlib.sha256(repair.text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        note = Note.objects.select_for_update().filter(note_id=parsed.meta.id).first()
        if note is not None and note.source_hash == source_hash:
            # Other bytes, same text (CRLF instead of LF, say): remember the new bytes only.
            Note.objects.filter(pk=note.pk).update(raw_hash=fingerprint)
            report.status = "unchanged"
            return report
        note = _save_note(note, parsed, repair, source_hash, fingerprint, report)
        _replace_parts(note, parsed)
        _set_tags(note, parsed.meta.tags, catalog.tags)
        report.cards = cards_sync(note=note, specs=specs)
    catalog.ids.add(parsed.meta.id)
    return report


def _report_repair(report: NoteReport, repair) -> None:
    report.repaired = repair.repaired
    report.repaired_lines = list(repair.repaired_lines)
    report.uncertain = [
        {"line": u.line, "column": u.column, "char": u.char, "candidates": list(u.candidates)} for u in repair.uncertain
    ]
    for line in repair.repaired_lines:
        report.warnings.append(Problem(line, "repaired mojibake (text decoded with the wrong encoding)"))
    for u in repair.uncertain:
        report.warnings.append(
            Problem(u.line, f"repaired character '{u.char}' is uncertain; candidates: {' '.join(u.candidates)}")
        )


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


def _save_note(note, parsed: ParsedNote, repair, source_hash, fingerprint, report) -> Note:
    meta = parsed.meta
    data = parsed.to_dict()
    data["counts"] = report.counts
    context = parsed.context
    fields = {
        "title": meta.title[:200],
        "category": meta.category,
        "domain": meta.domain,
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
    if note is None:
        return Note.objects.create(note_id=meta.id, **fields)
    for name, value in fields.items():
        setattr(note, name, value)
    note.save()
    return note


def _replace_parts(note: Note, parsed: ParsedNote) -> None:
    """Parts carry no learner data, so a changed note simply gets them anew."""
    for model in (TriggerWord, Requirement, Option, ComparisonTable, Reference, ExamTip):
        model.objects.filter(note=note).delete()
    context = parsed.context
    TriggerWord.objects.bulk_create(
        TriggerWord(note=note, position=i, term=w.term[:200], gloss=w.gloss[:200], explanation=w.explanation)
        for i, w in enumerate(parsed.trigger_words)
    )
    Requirement.objects.bulk_create(
        Requirement(note=note, position=i, label=r.label[:300], detail=r.detail)
        for i, r in enumerate([*context.requirements, *context.points])
    )
    Option.objects.bulk_create(
        Option(
            note=note, letter=o.letter, label=o.label[:300], text=o.text, is_correct=o.correct, reasoning=o.reasoning
        )
        for o in parsed.options
    )
    ComparisonTable.objects.bulk_create(
        ComparisonTable(note=note, position=i, header=t.header, rows=t.rows) for i, t in enumerate(parsed.tables)
    )
    Reference.objects.bulk_create(
        Reference(note=note, position=i, text=r.text[:500], url=r.url[:1000]) for i, r in enumerate(parsed.references)
    )
    ExamTip.objects.bulk_create(_tips(note, parsed))


def _tips(note: Note, parsed: ParsedNote) -> list[ExamTip]:
    exam = parsed.exam_note
    kinds = ExamTip.Kind
    tips = [
        ExamTip(note=note, kind=kinds.CONCEPT_POINT, position=i, text=p.text) for i, p in enumerate(exam.concept_points)
    ]
    tips += [
        ExamTip(note=note, kind=kinds.BEST_PRACTICE, position=i, text=b.trigger, detail=b.practice)
        for i, b in enumerate(exam.best_practices)
    ]
    tips += [ExamTip(note=note, kind=kinds.PITFALL, position=i, text=p.text) for i, p in enumerate(exam.pitfalls)]
    tips += [ExamTip(note=note, kind=kinds.SHORTCUT, position=i, text=s.text) for i, s in enumerate(exam.shortcuts)]
    return tips


def _set_tags(note: Note, names: list[str], cache: dict[str, int]) -> None:
    missing = [n for n in names if n not in cache]
    if missing:
        Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
        cache.update(Tag.objects.filter(name__in=missing).values_list("name", "id"))
    note.tags.set([cache[n] for n in names])


def note_export(*, note: Note, fmt: str) -> str:
    """A note as Markdown (the stored, repaired source) or as its parsed JSON."""
    if fmt == "md":
        return note.source
    return json.dumps(note.parsed, ensure_ascii=False, indent=2) + "\n"
