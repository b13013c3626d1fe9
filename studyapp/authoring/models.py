"""What instructors make of notes: who writes each note, every version of
its text, the repair's doubts they settle, learners' problem reports, and
uploads on their way through the importer.

A note's content lives in notes.Note and its cards (written only by the
import pipeline); everything here points at it and never holds a second
copy of what learners study, except a version's source text."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studyapp.notes.models import Card, Note


class NoteAuthor(models.Model):
    """An instructor who writes a note. A note nobody authors (shipped with
    the app, imported from the command line) belongs to the house: every
    instructor may write it. See docs/authoring.md, "Who may write what"."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="authorships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "user"], name="one_authorship_per_note_user")]

    def __str__(self):
        return f"{self.user_id} writes {self.note_id}"


class NoteVersion(models.Model):
    """One state of a note's text. Every change that reached the note (an
    import, an upload, a save in the editor, a revert, a repair choice) is a
    version; a draft saved for a published note is a version that is not
    applied yet (learners still study the applied one)."""

    class Origin(models.TextChoices):
        IMPORT = "import", _("import")
        UPLOAD = "upload", _("upload")
        EDITOR = "editor", _("editor")
        REVERT = "revert", _("revert")
        REPAIR = "repair", _("repair review")

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    source_hash = models.CharField(max_length=64)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    # None: the command line ("import").
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="note_versions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # False: a draft of a published note, not what learners study yet.
    applied = models.BooleanField(default=True)
    # What applying it did to the cards (card_sync.SyncCounts, as plain data).
    card_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["note", "-number"]
        constraints = [models.UniqueConstraint(fields=["note", "number"], name="one_version_number_per_note")]
        permissions = [("author_notes", "Can write, check, publish and retire notes")]

    def __str__(self):
        return f"{self.note_id} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return not self.applied


class RepairDoubt(models.Model):
    """A character the encoding repair was not sure of, as the import that
    repaired it reported it, with the text around it so that it can be found
    again after other edits. The instructor confirms it or picks another
    candidate; a different pick becomes a new version of the source."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="repair_doubts")
    version = models.ForeignKey(NoteVersion, on_delete=models.CASCADE, related_name="repair_doubts")
    line = models.PositiveIntegerField()
    column = models.PositiveIntegerField()
    char = models.CharField(max_length=8)
    candidates = models.JSONField(default=list)
    before = models.CharField(max_length=60, blank=True)
    after = models.CharField(max_length=60, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    choice = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["note", "line", "column"]

    def __str__(self):
        return f"{self.note_id}:{self.line}:{self.column} {self.char}"


class ProblemReport(models.Model):
    """A learner's report of a problem with a card or a question, queued for
    the note's authors. The card's text as the learner saw it is kept: the
    card may be fixed (and change) before anyone reads the report."""

    class Kind(models.TextChoices):
        WRONG = "wrong", _("Wrong")
        UNCLEAR = "unclear", _("Unclear")
        TYPO = "typo", _("Typo")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DECLINED = "declined", _("Declined")

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="problem_reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    card_front = models.TextField(blank=True)
    card_back = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(blank=True)
    fixed_in = models.ForeignKey(
        NoteVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="fixed_reports"
    )
    # When the reporter was shown the outcome (the study page tells them once).
    reporter_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["card", "status"], name="report_card_status"),
            models.Index(fields=["reporter", "status", "reporter_told_at"], name="report_reporter_news"),
        ]

    def __str__(self):
        return f"{self.card_id} {self.kind} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class UploadJob(models.Model):
    """Notes uploaded in the browser, imported by a background task (or at
    once when there are few). The files wait in UploadFile rows and are
    dropped once imported; the report stays."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_jobs")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    publish = models.BooleanField(default=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # ImportRun.to_dict(): one entry per file, and the summary.
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"upload {self.pk} by {self.user_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


class UploadFile(models.Model):
    job = models.ForeignKey(UploadJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    data = models.BinaryField()

    class Meta:
        ordering = ["job", "position"]

    def __str__(self):
        return self.name
