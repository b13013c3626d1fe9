"""What the authoring app keeps about a person (studyapp/accounts/personal_data.py):
the problems they reported and those they resolved, the notes they write, the
versions they saved, the repaired characters they settled, their uploads.

On deletion a learner's reports, an instructor's authorships and uploads go
with the account (CASCADE); the versions they saved, the reports they
resolved and the characters they settled stay with the note, the person set
to none (SET_NULL), as an import's are."""

from studyapp.accounts.personal_data import section
from studyapp.authoring.models import NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob


@section("problem_reports", model=ProblemReport)
def personal_data_problem_reports(user):
    """Every problem the person reported, with its outcome."""
    return (
        ProblemReport.objects.filter(reporter=user)
        .order_by("pk")
        .values(
            "id",
            "card_id",
            "card__key",
            "kind",
            "comment",
            "created_at",
            "card_front",
            "card_back",
            "status",
            "resolved_at",
            "reply",
            "fixed_in__number",
            "reporter_told_at",
        )
    )


# Registered after problem_reports: the registry's tests pair a table with the
# last section on it, and this one is the section on its resolved_by column.
@section("problem_reports_resolved", model=ProblemReport)
def personal_data_reports_resolved(user):
    """Reports the person (an author) resolved or declined, with their reply."""
    return (
        ProblemReport.objects.filter(resolved_by=user)
        .order_by("pk")
        .values("id", "card__key", "status", "resolved_at", "reply", "fixed_in__number")
    )


@section("repair_choices", model=RepairDoubt)
def personal_data_repair_choices(user):
    return (
        RepairDoubt.objects.filter(decided_by=user)
        .order_by("pk")
        .values("id", "note__note_id", "line", "column", "char", "choice", "decided_at")
    )


@section("note_authorships", model=NoteAuthor)
def personal_data_authorships(user):
    return NoteAuthor.objects.filter(user=user).order_by("pk").values("id", "note__note_id", "added_at")


@section("note_versions", model=NoteVersion)
def personal_data_note_versions(user):
    return (
        NoteVersion.objects.filter(author=user)
        .order_by("pk")
        .values("id", "note__note_id", "number", "origin", "created_at", "applied", "source_hash")
    )


@section("uploads", model=UploadJob)
def personal_data_uploads(user):
    return UploadJob.objects.filter(user=user).order_by("pk").values("id", "created_at", "status", "total", "done")
