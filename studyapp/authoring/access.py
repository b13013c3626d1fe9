"""Who may write which note, as querysets that start from the user.

An instructor is a user with the ``authoring.author_notes`` permission (the
"Instructors" group has it). An instructor writes the notes they author and
the house's notes (those nobody authors: shipped with the app or imported
from the command line). Everything an instructor sees in authoring starts
from ``notes_writable_by``, so a note of another instructor's (another
organisation's, once there are organisations) is simply not found.

Statuses follow the house rule: 404 for what a person may not know exists,
403 for what they may see but not change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from studyapp.authoring.models import NoteAuthor, ProblemReport, UploadJob
from studyapp.exams.models import Blueprint
from studyapp.notes.models import Card, Note

INSTRUCTOR_PERMISSION = "authoring.author_notes"


def is_instructor(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(INSTRUCTOR_PERMISSION))


def instructor_required(user) -> None:
    """The authoring area exists for everyone to see; only instructors use it."""
    if not is_instructor(user):
        raise PermissionDenied("instructors only")


def notes_writable_by(user):
    if not is_instructor(user):
        return Note.objects.none()
    mine = NoteAuthor.objects.filter(note=OuterRef("pk"), user=user)
    anyone = NoteAuthor.objects.filter(note=OuterRef("pk"))
    return Note.objects.filter(Exists(mine) | ~Exists(anyone))


def drafts_readable_notes(user):
    """The drafts ``user`` may read besides the published notes (None: no
    draft), for notes.drafts: the notes they may write."""
    return notes_writable_by(user) if is_instructor(user) else None


def note_writable(user, note_id: str) -> Note:
    """The note, when ``user`` may write it; 403 when they may only read it
    (a published note; any note for a superuser), 404 when they may not know it."""
    note = notes_writable_by(user).filter(note_id=note_id).first()
    if note is not None:
        return note
    if Note.objects.visible_to(user).filter(note_id=note_id).exists():
        raise PermissionDenied("you may read this note, not write it")
    raise Http404("no such note")


def may_write(user, note_id: str) -> bool:
    return notes_writable_by(user).filter(note_id=note_id).exists()


def cards_reportable_by(user):
    """Cards a learner may report: the active cards of published notes (a
    draft is studied by no one; its author changes it in the editor)."""
    return Card.objects.active().filter(note__in=Note.objects.published())


def reports_for_author(user):
    """Reports on the notes this instructor writes (their queue)."""
    return ProblemReport.objects.filter(card__note__in=notes_writable_by(user))


def report_resolvable(user, report_id: int) -> ProblemReport:
    report = reports_for_author(user).filter(pk=report_id).first()
    if report is not None:
        return report
    if ProblemReport.objects.filter(pk=report_id, reporter=user).exists():
        raise PermissionDenied("you reported this problem; its note's authors resolve it")
    raise Http404("no such report")


def upload_job_of(user, job_id: int) -> UploadJob:
    job = UploadJob.objects.filter(pk=job_id, user=user).first()
    if job is None:
        raise Http404("no such upload")
    return job


def blueprint_writable(user, blueprint_id: int):
    """The instructor's own blueprint; 403 for one they may see but not
    change (a shipped one, or another instructor's that learners are
    offered), 404 for the rest."""
    instructor_required(user)
    blueprint = Blueprint.objects.filter(pk=blueprint_id).first()
    if blueprint is None:
        raise Http404("no such blueprint")
    if blueprint.created_by_id == user.pk:
        return blueprint
    if blueprint.created_by_id is None or blueprint.is_active:
        raise PermissionDenied("this blueprint is not yours to change")
    raise Http404("no such blueprint")
