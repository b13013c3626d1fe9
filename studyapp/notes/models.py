"""Exam notes and the cards made from them.

A Note keeps its source Markdown and the parts parsed from it. Parts other than
cards are rebuilt on every changed import (nothing refers to them); cards are
updated in place by their stable key and never deleted, because learners'
schedules and review history will point at them."""

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from studyapp.noteformat.vocabulary import category_name, domain_name
from studyapp.notes.drafts import notes_writable_by


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class NoteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Published notes for everyone; a draft also for superusers and for
        whoever may write it (notes/drafts.py). Staff status alone shows no
        draft: another instructor's unpublished text is theirs."""
        if user.is_active and user.is_superuser:
            return self
        writable = notes_writable_by(user)
        if writable is None:
            return self.published()
        return self.filter(Q(is_published=True) | Q(pk__in=writable.values("pk")))

    def with_card_counts(self):
        return self.annotate(card_count=Count("cards", filter=Q(cards__retired_at__isnull=True), distinct=True))

    def filtered(self, *, category: str = "", domain: str = "", tag: str = "", task: str = ""):
        notes = self
        # Any name the vocabulary knows ("D3", "Continuous Improvement") finds
        # the notes stored under the canonical one.
        if category:
            notes = notes.filter(category=category_name(category))
        if domain:
            notes = notes.filter(domain=domain_name(domain))
        if tag:
            notes = notes.filter(tags__name=tag)
        if task:
            # JSON containment (tasks__contains) does not work on SQLite: read the lists.
            testing = [pk for pk, tasks in notes.values_list("pk", "tasks") if task in (tasks or ())]
            notes = notes.filter(pk__in=testing)
        return notes


class Note(models.Model):
    note_id = models.CharField(_("note id"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=200, blank=True, db_index=True)
    domain = models.CharField(_("exam domain"), max_length=200, blank=True, db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="notes")
    created_on = models.DateField(_("written on"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    # SAP-C02 task statements ("1.3"), in exam order, and the pages the note's
    # facts rest on (front matter ``tasks`` and ``sources``).
    tasks = models.JSONField(_("task statements"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)

    # The Markdown as studyapp reads it: repaired, UTF-8, LF line endings.
    source = models.TextField()
    source_path = models.CharField(max_length=500, blank=True)
    # Hash of the bytes as delivered: an unchanged file is recognised without parsing.
    raw_hash = models.CharField(max_length=64, db_index=True)
    source_hash = models.CharField(max_length=64)
    parsed = models.JSONField(default=dict)
    repaired = models.BooleanField(default=False)
    repair_report = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Who wins between notes/ and the app (docs/authoring.md, "Files and the
    # app"): the hash of the file bytes this note was last imported from
    # (raw_hash's form; blank when unknown), and when it was last changed in
    # the app (editor, draft, revert, repair, upload) after that import.
    file_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    app_edited_at = models.DateTimeField(null=True, blank=True)

    architecture = models.TextField(blank=True)
    scenario = models.TextField(blank=True)
    question = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    concept = models.TextField(blank=True)

    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["note_id"]

    def __str__(self):
        return f"{self.note_id} {self.title}"

    @property
    def correct_letters(self) -> list[str]:
        return [o.letter for o in self.options.all() if o.is_correct]


class NotePage(models.Model):
    """A note page's body as sanitized HTML, rendered once after the note is
    imported or published (studyapp.notes.rendering) instead of at every
    view: a 900 KB note cost 6 s of CPU per view. A table of its own, so that
    the many queries that load notes do not carry it. ``html_key`` says from
    which text and renderer: "<sha256 of source>:<sanitizer.RENDERER>"; HTML
    whose key does not match the note's source is never shown."""

    note = models.OneToOneField(Note, on_delete=models.CASCADE, primary_key=True, related_name="page")
    html = models.TextField(blank=True, default="", editable=False)
    html_key = models.CharField(max_length=100, blank=True, default="", editable=False)

    def __str__(self):
        return f"page of {self.note_id}"


class PreviousId(models.Model):
    """An id a note had before it was renamed (``previous_ids:`` in its front
    matter). Links to the old id lead to the note; a new note may not take it."""

    old_id = models.CharField(max_length=64, unique=True)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="previous_ids")
    renamed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_id"]

    def __str__(self):
        return f"{self.old_id} -> {self.note_id}"


class TriggerWord(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="trigger_words")
    position = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=200)
    gloss = models.CharField(max_length=200, blank=True)
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["note", "position"]

    def __str__(self):
        return self.term


class Requirement(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["note", "position"]

    def __str__(self):
        return self.label or self.detail[:40]


class Option(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="options")
    letter = models.CharField(max_length=1)
    label = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    is_correct = models.BooleanField(default=False)
    reasoning = models.TextField(blank=True)

    class Meta:
        ordering = ["note", "letter"]
        constraints = [models.UniqueConstraint(fields=["note", "letter"], name="option_letter_once")]

    def __str__(self):
        return f"{self.letter} {self.label}"


class ComparisonTable(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="tables")
    position = models.PositiveSmallIntegerField()
    header = models.JSONField(default=list)
    rows = models.JSONField(default=list)

    class Meta:
        ordering = ["note", "position"]

    def __str__(self):
        return " | ".join(self.header)


class Reference(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    url = models.URLField(max_length=1000)

    class Meta:
        ordering = ["note", "position"]

    def __str__(self):
        return self.text


class ExamTip(models.Model):
    class Kind(models.TextChoices):
        CONCEPT_POINT = "concept_point", _("Core concept")
        BEST_PRACTICE = "best_practice", _("Trigger → best practice")
        PITFALL = "pitfall", _("Pitfall")
        SHORTCUT = "shortcut", _("Exam shortcut")

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="tips")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    # For best practices: the practice; ``text`` holds the trigger.
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["note", "kind", "position"]

    def __str__(self):
        return self.text[:60]


class CardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)


class Card(models.Model):
    class Kind(models.TextChoices):
        TRIGGER = "trigger", _("Trigger word")
        COMPARE = "compare", _("Comparison")
        CONCEPT = "concept", _("Core concept")
        PRACTICE = "practice", _("Best practice")
        PITFALL = "pitfall", _("Pitfall")
        SHORTCUT = "shortcut", _("Shortcut")
        QUESTION = "question", _("Scenario question")

    # PROTECT: a card is retired, never deleted, so learner data on it survives.
    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="cards")
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    front = models.TextField()
    back = models.TextField()
    content_hash = models.CharField(max_length=32)
    answer_hash = models.CharField(max_length=32)
    # What the learner must recall, kept to tell a typo fix from a new answer.
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when an edit changed what the learner must recall: their schedule restarts.
    answer_changed_at = models.DateTimeField(null=True, blank=True)
    # The back as it was before that change, shown to learners beside the new one.
    previous_back = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # The front and back as sanitized HTML, rendered once after an import
    # (studyapp.notes.rendering) instead of at every showing. ``html_key``
    # says for which content and renderer: "<content_hash>:<sanitizer.RENDERER>";
    # HTML whose key does not match the card's text is never shown.
    front_html = models.TextField(blank=True, default="", editable=False)
    back_html = models.TextField(blank=True, default="", editable=False)
    html_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    # A question card whose note's options make it answerable (studyapp.notes.askable):
    # set when the options are written, so a mock's draw never joins the options.
    askable = models.BooleanField(default=False, editable=False)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["note", "position"]
        indexes = [
            # The draw of a mock reads only these (~1 card in 18 of a bank).
            models.Index(
                fields=["note"],
                condition=models.Q(kind="question", askable=True, retired_at=None),
                name="card_askable_question_idx",
            )
        ]

    def __str__(self):
        return self.key

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None
