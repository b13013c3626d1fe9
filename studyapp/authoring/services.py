"""Instructors' actions, one function each, used by the views, the commands
and the tasks alike. Note content changes only through the importer
(studyapp.notes.services.note_import): text -> parse -> models -> cards, so a
save in the browser decides card by card exactly as an import does.

Drafts: a note learners do not study (not published) takes each save at
once; a published note keeps what learners study until the author
publishes, and a save in between is a draft version. See docs/authoring.md."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from studyapp.authoring.access import may_write
from studyapp.authoring.checks import light_catalog, rename_needs_publish, rename_refusal, text_bytes, writer_check
from studyapp.authoring.models import NoteVersion, ProblemReport, RepairDoubt, UploadFile, UploadJob
from studyapp.authoring.uploads import Entry
from studyapp.authoring.versions import doubts_record, version_baseline
from studyapp.noteformat.parser import normalize_newlines
from studyapp.notes.models import Card, Note
from studyapp.notes.services import Catalog, ImportRun, NoteReport, note_app_edited, note_import, note_publish_set


@dataclass
class SaveOutcome:
    """``status``: "applied" (the note now has this text), "draft" (kept as a
    draft of a published note), "unchanged", "failed" (nothing stored; see
    ``report``) or "conflict" (someone saved a newer version meanwhile)."""

    status: str
    report: NoteReport = field(default_factory=lambda: NoteReport(path=""))
    note: Note | None = None
    version: NoteVersion | None = None
    latest: NoteVersion | None = None  # on a conflict: the version saved meanwhile
    published_now: bool = False  # this save also published the note

    @property
    def ok(self) -> bool:
        return self.status in ("applied", "draft", "unchanged")


def _source_hash(text: str) -> str:
    return hashlib.sha256(normalize_newlines(text).encode("utf-8")).hexdigest()


def _latest(note: Note) -> NoteVersion | None:
    return NoteVersion.objects.filter(note=note).order_by("-number").first()


def _settle_draft(note: Note) -> None:
    """A pending draft whose text the note now has is applied."""
    latest = _latest(note)
    current = Note.objects.filter(pk=note.pk).values_list("source_hash", flat=True).first()
    if latest is not None and not latest.applied and latest.source_hash == current:
        latest.applied = True
        latest.save(update_fields=["applied"])


def note_create(*, user, text: str, publish: bool = False) -> SaveOutcome:
    """A new note from the editor: imported (with its cards) and, unless
    ``publish``, kept from learners until it is published. Its creator
    becomes its author."""
    report = NoteReport(path="")
    with transaction.atomic():
        note_import(
            raw=text_bytes(text),
            report=report,
            catalog=Catalog.load(),
            origin=NoteVersion.Origin.EDITOR,
            actor=user,
            permit=writer_check(user=user, note=None),
            hold_uncertain=True,
        )
        if report.status == "failed":
            return SaveOutcome("failed", report)
        if report.renamed_from and not publish and Note.objects.filter(note_id=report.id, is_published=True).exists():
            # A new note that renames a published one replaced what learners
            # study: only Publish may do that (the save says it does not).
            transaction.set_rollback(True)
            rename_needs_publish(report)
            return SaveOutcome("failed", report)
        note = Note.objects.get(note_id=report.id)
        # Held: the repair is unsure of characters, and the note waits,
        # unpublished, until they are settled (docs/authoring.md).
        publish = publish and not report.held
        if report.status == "created" and not publish:
            # Created in this transaction: no learner can have studied it yet.
            Note.objects.filter(pk=note.pk).update(is_published=False)
            note.is_published = False
        elif publish:
            note_publish_set(note=note, published=True)
    return SaveOutcome("applied", report, note, _latest(note), published_now=publish)


def note_save(
    *,
    user,
    note: Note,
    text: str,
    base_version: int | None = None,
    publish: bool = False,
    origin: str = NoteVersion.Origin.EDITOR,
) -> SaveOutcome:
    """Save ``text`` as the note's next version. ``base_version``: the
    version the author started from; if another was saved since, nothing is
    written (a conflict, never a silent overwrite). A published note keeps
    what learners study until ``publish``: then the text is applied at once."""
    with transaction.atomic():
        note = Note.objects.select_for_update().get(pk=note.pk)
        latest = version_baseline(note=note)
        if base_version is not None and latest.number != base_version:
            return SaveOutcome("conflict", note=note, latest=latest)
        if note.is_published and not publish:
            return _draft_save(user=user, note=note, text=text, latest=latest, origin=origin)
        outcome = _apply(user=user, note=note, text=text, origin=origin)
        if outcome.ok and publish:
            note_publish_set(note=outcome.note, published=True)
            outcome.note.is_published = outcome.published_now = True
        return outcome


def _draft_save(*, user, note: Note, text: str, latest: NoteVersion, origin: str) -> SaveOutcome:
    report = NoteReport(path=note.source_path)
    note_import(
        raw=text_bytes(text),
        report=report,
        dry_run=True,
        catalog=light_catalog(),
        permit=writer_check(user=user, note=note),
    )
    if report.status == "failed":
        return SaveOutcome("failed", report, note)
    digest = _source_hash(text)
    if digest == latest.source_hash:
        return SaveOutcome("unchanged", report, note, latest)
    version = NoteVersion.objects.create(
        note=note,
        number=latest.number + 1,
        source=normalize_newlines(text),
        source_hash=digest,
        origin=origin,
        author=user,
        # Back to exactly what learners study: nothing is pending any more.
        applied=digest == note.source_hash,
    )
    if not version.applied:
        note_app_edited(note=note)
    return SaveOutcome("draft", report, note, version)


def _apply(*, user, note: Note, text: str, origin: str) -> SaveOutcome:
    report = NoteReport(path=note.source_path)
    note_import(
        raw=text_bytes(text),
        report=report,
        catalog=Catalog.load(),
        origin=origin,
        actor=user,
        permit=writer_check(user=user, note=note),
    )
    if report.status == "failed":
        return SaveOutcome("failed", report, note)
    note = Note.objects.get(note_id=report.id)
    _settle_draft(note)
    status = "unchanged" if report.status == "unchanged" else "applied"
    return SaveOutcome(status, report, note, _latest(note))


def note_publish(*, user, note: Note, version: int | None = None) -> SaveOutcome:
    """Learners study the note from now on, with its pending draft applied
    (each card decided as an import decides it). ``version``: the version
    the author was looking at; if another was saved since, nothing is
    published (a conflict: publishing must never apply a text nobody read).
    None publishes the latest (the command line, tests)."""
    with transaction.atomic():
        note = Note.objects.select_for_update().get(pk=note.pk)
        latest = version_baseline(note=note)
        if version is not None and version != latest.number:
            return SaveOutcome("conflict", note=note, latest=latest)
        outcome = SaveOutcome("unchanged", note=note, version=latest)
        if not latest.applied:
            outcome = _apply(user=user, note=note, text=latest.source, origin=latest.origin)
            if not outcome.ok:
                return outcome
            note = outcome.note
        note_publish_set(note=note, published=True)
        note.is_published = True
        return outcome


def note_retire(*, user, note: Note) -> bool:
    """Take the note out of study: its cards leave every learner's queue at
    once; their history stays, and publishing brings them back."""
    return note_publish_set(note=note, published=False)


def note_revert(*, user, note: Note, version: NoteVersion) -> SaveOutcome:
    """The text of an earlier version, saved as a new version (a draft when
    learners study the note, as any save)."""
    return note_save(user=user, note=note, text=version.source, origin=NoteVersion.Origin.REVERT)


# --------------------------------------------------------------------------
# Repair review
# --------------------------------------------------------------------------


@dataclass
class RepairOutcome:
    decided: int = 0
    changed: int = 0
    not_found: list[RepairDoubt] = field(default_factory=list)
    save: SaveOutcome | None = None


def _locate(lines: list[str], doubt: RepairDoubt) -> tuple[int, int] | None:
    """Where the doubtful character stands now: at its line and column if the
    text around it is unchanged, else wherever its context occurs once."""
    at = doubt.column - 1
    if 0 < doubt.line <= len(lines):
        text = lines[doubt.line - 1]
        same_context = text[:at].endswith(doubt.before) and text[at + 1 :].startswith(doubt.after)
        if text[at : at + 1] == doubt.char and same_context:
            return doubt.line - 1, at
    needle = doubt.before + doubt.char + doubt.after
    found = [(i, line.find(needle)) for i, line in enumerate(lines) if needle in line]
    if len(found) == 1 and lines[found[0][0]].count(needle) == 1:
        return found[0][0], found[0][1] + len(doubt.before)
    return None


def repair_choices_apply(*, user, note: Note, choices: dict[int, str]) -> RepairOutcome:
    """Settle doubtful characters: ``choices`` maps a doubt's id to the
    character the instructor picked among its candidates. Picks that differ
    from the repair's become one new version of the source (origin
    "repair"), saved as any edit; confirmations are only recorded."""
    outcome = RepairOutcome()
    now = timezone.now()
    with transaction.atomic():
        pending = RepairDoubt.objects.select_for_update().filter(note=note, decided_at__isnull=True)
        doubts = list(pending.filter(pk__in=choices))
        source = Note.objects.filter(pk=note.pk).values_list("source", flat=True).get()
        latest = version_baseline(note=note)
        if not latest.applied:
            source = latest.source  # a pending draft: the choice goes on top of it
        lines = source.split("\n")
        settled: list[RepairDoubt] = []
        for doubt in doubts:
            choice = choices[doubt.pk]
            if choice not in doubt.candidates:
                continue
            if choice != doubt.char:
                place = _locate(lines, doubt)
                if place is None:
                    outcome.not_found.append(doubt)
                    continue
                row, col = place
                lines[row] = lines[row][:col] + choice + lines[row][col + 1 :]
                outcome.changed += 1
            doubt.choice, doubt.decided_at, doubt.decided_by = choice, now, user
            settled.append(doubt)
        if outcome.changed:
            outcome.save = note_save(user=user, note=note, text="\n".join(lines), origin=NoteVersion.Origin.REPAIR)
            if not outcome.save.ok:
                transaction.set_rollback(True)
                return outcome
        RepairDoubt.objects.bulk_update(settled, ["choice", "decided_at", "decided_by"])
        outcome.decided = len(settled)
    return outcome


# --------------------------------------------------------------------------
# Learners' reports
# --------------------------------------------------------------------------

COMMENT_MAX = 2000


def report_create(*, user, card: Card, kind: str, comment: str) -> ProblemReport:
    """A learner's report on a card. A second report of theirs on the same
    card while the first is open replaces it (one open report each)."""
    comment = comment.strip()[:COMMENT_MAX]
    with transaction.atomic():
        report = (
            ProblemReport.objects.select_for_update()
            .filter(card=card, reporter=user, status=ProblemReport.Status.OPEN)
            .first()
        )
        if report is None:
            report = ProblemReport(card=card, reporter=user)
        report.kind, report.comment, report.created_at = kind, comment, timezone.now()
        report.card_front, report.card_back = card.front, card.back
        report.save()
    return report


def report_resolve(
    *, user, report: ProblemReport, status: str, reply: str = "", fixed_in: NoteVersion | None = None
) -> ProblemReport:
    """Resolve (or decline) a report; ``fixed_in`` links the version that
    fixed it. The reporter is told the next time they open the study page."""
    if status not in (ProblemReport.Status.RESOLVED, ProblemReport.Status.DECLINED):
        raise ValueError(f"a report is resolved or declined, not {status!r}")
    if fixed_in is not None and fixed_in.note_id != report.card.note_id:
        raise ValueError("the fixing version must be a version of the report's note")
    report.status = status
    report.reply = reply.strip()[:COMMENT_MAX]
    report.fixed_in = fixed_in if status == ProblemReport.Status.RESOLVED else None
    report.resolved_at, report.resolved_by, report.reporter_told_at = timezone.now(), user, None
    report.save(update_fields=["status", "reply", "fixed_in", "resolved_at", "resolved_by", "reporter_told_at"])
    return report


def reports_told(*, user, ids: list[int]) -> int:
    """The reporter has read these outcomes: the study page stops showing them."""
    return (
        ProblemReport.objects.filter(reporter=user, pk__in=ids, reporter_told_at__isnull=True)
        .exclude(status=ProblemReport.Status.OPEN)
        .update(reporter_told_at=timezone.now())
    )


# --------------------------------------------------------------------------
# Uploads
# --------------------------------------------------------------------------

# Files are imported and committed in groups of this many; the progress bar
# moves after each group.
UPLOAD_BATCH = 10


def upload_job_create(*, user, entries: Iterable[Entry], publish: bool = True) -> UploadJob:
    """Keep the checked files of an upload until they are imported. Each is
    stored as ``entries`` yields it (one note in memory at a time); an
    ``UploadRefused`` raised on the way leaves nothing stored. What the
    entries leave out (``skipped``, ``refused``, if they say) goes in the report."""
    with transaction.atomic():
        job = UploadJob.objects.create(user=user, publish=publish)
        total = 0
        for position, entry in enumerate(entries):
            UploadFile.objects.create(job=job, position=position, name=entry.name[-500:], data=entry.data)
            total = position + 1
        job.total = total
        job.report = {
            "skipped": list(getattr(entries, "skipped", [])),
            "refused": list(getattr(entries, "refused", [])),
        }
        job.save(update_fields=["total", "report"])
    return job


class _HoldAsDraft(Exception):
    """Raised by the upload's check, before the importer writes anything: the
    new text of a published note has uncertain characters, so it becomes a
    draft instead (see ``_upload_draft``)."""


def upload_check(*, user):
    """An upload creates new notes (its uploader becomes their author) and
    updates only notes the uploader writes. A published note whose new text
    the repair is unsure of is not changed: the text becomes a draft."""

    def check(report: NoteReport) -> str | None:
        refusal = rename_refusal(user=user, report=report)
        if refusal:
            return refusal
        if report.status == "updated" and not report.renamed_from and not may_write(user, report.id):
            return f"note {report.id} exists and you do not write it; choose another id"
        if (
            report.uncertain
            and report.status == "updated"
            and not report.renamed_from
            and Note.objects.filter(note_id=report.id, is_published=True).exists()
        ):
            raise _HoldAsDraft
        return None

    return check


def _upload_draft(*, user, report: NoteReport) -> None:
    """The uploaded text of a published note, with characters the repair is
    unsure of, kept as a draft version with its doubts: learners keep the
    published text until an instructor settles them and publishes."""
    note = Note.objects.select_for_update().get(note_id=report.id)
    latest = version_baseline(note=note)
    digest = _source_hash(report.text)
    report.held = True
    if digest == latest.source_hash:
        report.status = "unchanged"
        return
    version = NoteVersion.objects.create(
        note=note,
        number=latest.number + 1,
        source=report.text,
        source_hash=digest,
        origin=NoteVersion.Origin.UPLOAD,
        author=user,
        applied=False,
    )
    doubts_record(note_id=note.pk, version=version, source=report.text, uncertain=report.uncertain)


def upload_job_run(*, job_id: int) -> UploadJob | None:
    """Import an upload's files through the importer, a group at a time,
    recording progress and the report as it goes. Runs once: a job already
    claimed (running or finished) is left alone."""
    claimed = UploadJob.objects.filter(pk=job_id, status=UploadJob.Status.QUEUED).update(
        status=UploadJob.Status.RUNNING, started_at=timezone.now()
    )
    job = UploadJob.objects.filter(pk=job_id).select_related("user").first()
    if not claimed or job is None:
        return job
    try:
        _upload_import(job)
    except Exception as exc:  # a bug must not leave the job "importing" for ever
        UploadJob.objects.filter(pk=job.pk).update(
            status=UploadJob.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    job.refresh_from_db()
    return job


def _upload_import(job: UploadJob) -> None:
    run = ImportRun()
    catalog = Catalog.load()
    check = upload_check(user=job.user)
    left_out = {key: job.report.get(key, []) for key in ("skipped", "refused")}
    ids = list(job.files.order_by("position").values_list("pk", flat=True))
    for start in range(0, len(ids), UPLOAD_BATCH):
        batch = ids[start : start + UPLOAD_BATCH]
        with transaction.atomic():
            for pk in batch:
                # One file's bytes in memory at a time.
                name, data = UploadFile.objects.values_list("name", "data").get(pk=pk)
                report = NoteReport(path=name)
                run.notes.append(report)
                try:
                    note_import(
                        raw=bytes(data),
                        report=report,
                        catalog=catalog,
                        origin=NoteVersion.Origin.UPLOAD,
                        actor=job.user,
                        permit=check,
                        hold_uncertain=True,
                    )
                except _HoldAsDraft:
                    _upload_draft(user=job.user, report=report)
                if report.status == "created" and not job.publish:
                    Note.objects.filter(note_id=report.id).update(is_published=False)
            UploadFile.objects.filter(pk__in=batch).delete()
        job.done = min(job.total, start + len(batch))
        job.report = {**run.to_dict(), **left_out}
        job.save(update_fields=["done", "report"])
    job.status, job.finished_at = UploadJob.Status.DONE, timezone.now()
    job.report = {**run.to_dict(), **left_out}
    job.save(update_fields=["status", "finished_at", "report"])
