"""What the authoring app keeps about a person, for the own-data download
(issue 9's registry, ``studyapp/accounts/personal_data.py``).

The registry was not on main when this was written: the functions below are
registered when it exists, and can be wired by hand otherwise. Deletion
needs nothing more: a learner's reports and an instructor's authorships and
uploads go with the account (CASCADE); versions they wrote, reports they
resolved and repair choices they made stay with the note, the person set to
none (SET_NULL)."""

from studyapp.authoring.models import NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob


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


def personal_data_reports_resolved(user):
    """Reports the person (an author) resolved or declined, with their reply."""
    return (
        ProblemReport.objects.filter(resolved_by=user)
        .order_by("pk")
        .values("id", "card__key", "status", "resolved_at", "reply", "fixed_in__number")
    )


def personal_data_repair_choices(user):
    return (
        RepairDoubt.objects.filter(decided_by=user)
        .order_by("pk")
        .values("id", "note__note_id", "line", "column", "char", "choice", "decided_at")
    )


def personal_data_authorships(user):
    return NoteAuthor.objects.filter(user=user).order_by("pk").values("id", "note__note_id", "added_at")


def personal_data_note_versions(user):
    return (
        NoteVersion.objects.filter(author=user)
        .order_by("pk")
        .values("id", "note__note_id", "number", "origin", "created_at", "applied", "source_hash")
    )


def personal_data_uploads(user):
    return UploadJob.objects.filter(user=user).order_by("pk").values("id", "created_at", "status", "total", "done")


SECTIONS = (
    ("problem_reports", ProblemReport, personal_data_problem_reports),
    ("problem_reports_resolved", ProblemReport, personal_data_reports_resolved),
    ("repair_choices", RepairDoubt, personal_data_repair_choices),
    ("note_authorships", NoteAuthor, personal_data_authorships),
    ("note_versions", NoteVersion, personal_data_note_versions),
    ("uploads", UploadJob, personal_data_uploads),
)

try:  # the registry of issue 9, when it is merged
    from studyapp.accounts.personal_data import section
except ImportError:  # pragma: no cover - wired by the lead at merge time otherwise
    section = None

if section is not None:
    for _name, _model, _rows in SECTIONS:
        section(_name, model=_model)(_rows)
