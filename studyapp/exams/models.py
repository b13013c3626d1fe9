"""Mock exams: blueprints (what an exam looks like), attempts (one learner's
sitting of one) and their items (one question each, as shown).

An attempt is written only through ``studyapp.exams.services``; every write
bumps ``version`` so that two app servers (or two tabs) can tell whether what
they hold is current."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BlueprintQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Blueprint(models.Model):
    """An exam's shape: how many questions, how long, the domains' weights and
    the pass mark on the exam's own scale. ``domains`` is a list of
    ``{"name": <canonical domain name (noteformat.vocabulary)>, "weight": <int>}``."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    question_count = models.PositiveSmallIntegerField(_("questions"), default=75)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=180)
    pass_mark = models.PositiveIntegerField(_("pass mark"), default=750)
    max_score = models.PositiveIntegerField(_("maximum score"), default=1000)
    domains = models.JSONField(_("domains"), default=list)
    # Null: shipped with the app (a data migration), not written by an instructor.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="blueprints"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = BlueprintQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def weights(self) -> list[tuple[str, int]]:
        return [(d["name"], int(d["weight"])) for d in self.domains]


class AttemptQuerySet(models.QuerySet):
    def open(self):
        return self.filter(submitted_at__isnull=True)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class Attempt(models.Model):
    class Kind(models.TextChoices):
        MOCK = "mock", _("Mock exam")
        PRACTICE = "practice", _("Practice")
        DIAGNOSTIC = "diagnostic", _("Diagnostic")
        MISSES = "misses", _("My misses")

    class Reason(models.TextChoices):
        LEARNER = "learner", _("Submitted by the learner")
        DEADLINE = "deadline", _("Submitted at the deadline")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    # Null for practice outside a blueprint.
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, null=True, blank=True, related_name="attempts")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MOCK)
    # Practice by domain or task statement: "domain"/"1", "task"/"1.3"; blank otherwise.
    filter_kind = models.CharField(max_length=12, blank=True, default="")
    filter_value = models.CharField(max_length=40, blank=True, default="")
    question_count = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    # Null: untimed. The server's clock decides, never the page's.
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_reason = models.CharField(max_length=10, choices=Reason.choices, blank=True, default="")
    seed = models.BigIntegerField(default=0)
    # Where the learner was (1..N), so that a reload or another server resumes there.
    position = models.PositiveSmallIntegerField(default=1)
    # Bumped on every write: optimistic concurrency between tabs and servers.
    version = models.PositiveIntegerField(default=0)
    # Domains the bank could not fill, and how many questions came from others instead:
    # [{"name": ..., "wanted": n, "drawn": m}].
    shortfall = models.JSONField(default=list, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "submitted_at"], name="attempt_user_kind_open")]

    def __str__(self):
        return f"attempt {self.pk} of {self.user_id} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    def is_past_deadline(self, now) -> bool:
        return self.deadline is not None and now >= self.deadline


class AttemptItem(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    note = models.ForeignKey("notes.Note", on_delete=models.PROTECT, related_name="attempt_items")
    # The note's QUESTION card (notes.Card.Kind.QUESTION).
    card = models.ForeignKey("notes.Card", on_delete=models.PROTECT, related_name="attempt_items")
    # The note's domain's canonical name when drawn, kept for the report.
    domain = models.CharField(max_length=200, blank=True, default="")
    # The options' letters in the order shown; ``chosen`` holds original letters,
    # never display positions, so the key follows the shuffle.
    option_order = models.JSONField(default=list)
    chosen = models.JSONField(default=list, blank=True)
    # How many options the question asks for ("Choose 2."), as drawn: the
    # page and the server refuse more.
    needed = models.PositiveSmallIntegerField(default=1)
    flagged = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    time_ms = models.PositiveIntegerField(default=0)
    # Set when the attempt is scored (submitted).
    correct = models.BooleanField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    # The learner's memory model's predicted recall of the question's card
    # when it was answered (set at submission, before the answers reach the
    # schedule); None when the card had never been studied.
    predicted_recall = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_position_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="attempt_item_position_from_1"),
        ]

    def __str__(self):
        return f"{self.attempt_id}#{self.position}"

    @property
    def is_answered(self) -> bool:
        return bool(self.chosen)
