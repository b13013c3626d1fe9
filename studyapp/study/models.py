"""What a learner has done: per-card schedule state, the log of every answer,
and per-day counters.

States and logs point at cards with PROTECT: cards are retired, never deleted,
so nothing here can vanish through an import or an edit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardState(models.Model):
    """The schedule of one card for one learner (mirrors ``fsrs.Card``).

    Rows exist for every card in the learner's study scope, new ones included
    (``state=NEW``, no due date), so that picking the next card is one indexed
    query instead of an anti-join against the whole catalogue."""

    class State(models.IntegerChoices):
        NEW = 0, _("New")
        LEARNING = 1, _("Learning")
        REVIEW = 2, _("Review")
        RELEARNING = 3, _("Relearning")

    # No index of its own on user: the unique (user, card) and the queue
    # indexes lead with it, and every answer updates each index of the row.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states", db_index=False
    )
    card = models.ForeignKey("notes.Card", on_delete=models.PROTECT, related_name="states")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.NEW)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    # Order in which new cards are introduced (note order, then card position).
    new_rank = models.PositiveIntegerField(default=0)
    # In the learner's current study scope and the card is not retired.
    in_scope = models.BooleanField(default=True)
    suspended = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    is_leech = models.BooleanField(default=False)
    # Bumped by every change; an answer names the version it answers, so a
    # repeated submission (double click, two tabs, a retry) is recorded once.
    version = models.PositiveIntegerField(default=0)
    # The card's answer changed since the learner last saw it: show a notice.
    changed_notice = models.BooleanField(default=False)
    # When a changed answer last sent this card back to learning: each change
    # of the answer resets the schedule once, not on every page load.
    answer_reset_at = models.DateTimeField(null=True, blank=True)
    # Predicted recall on the learner's exam day after the last answer: in the
    # last weeks before the exam, the lowest come first.
    exam_recall = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="one_state_per_user_card")]
        indexes = [
            models.Index(fields=["user", "in_scope", "suspended", "state", "due"], name="state_queue"),
            models.Index(fields=["user", "in_scope", "suspended", "state", "new_rank"], name="state_new_queue"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.card_id} {self.get_state_display()}"


class ReviewLog(models.Model):
    """One answer. Keeps the state before and after, so that undo restores the
    exact previous state and parameters can be optimized from the log later."""

    # No index of its own on user: both indexes below lead with it, and every
    # answer inserts into each index of the table.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs", db_index=False
    )
    card = models.ForeignKey("notes.Card", on_delete=models.PROTECT, related_name="review_logs")
    state = models.ForeignKey(CardState, on_delete=models.SET_NULL, null=True, related_name="logs")
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField()
    # The learner's study day (local time, days start at 4 a.m.).
    study_day = models.DateField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # State (CardState.State) before the answer: NEW means a first review.
    previous_state = models.PositiveSmallIntegerField()
    # Days since the previous review (None for a first review).
    elapsed_days = models.FloatField(null=True, blank=True)
    # Days from this answer to the next due date it set.
    interval_days = models.FloatField(default=0)
    # Full CardState fields before and after, for exact undo.
    state_before = models.JSONField(default=dict)
    state_after = models.JSONField(default=dict)
    # Scenario questions: options chosen and the partial-credit score (0..1).
    chosen = models.JSONField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    # The id a device gave an answer recorded offline (docs/offline.md): a
    # batch sent again records nothing twice. None for answers given online.
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="log_one_client_id")]
        indexes = [
            # Serves the statistics by day and today's answer counts on every grade.
            models.Index(fields=["user", "study_day", "previous_state"], name="log_user_day_state"),
            models.Index(fields=["user", "-id"], name="log_user_latest"),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.card_id} rated {self.rating}"


class StudyDay(models.Model):
    """The plan for one learner's study day. Today's answer counts come from
    the day's log rows (a bounded count, see services._answers_today), so
    nothing here can drift from the log, and undo needs no bookkeeping."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_days")
    day = models.DateField()
    # New cards allowed today when the exam policy raised the learner's pace
    # (set when the study page opens); None: the learner's own limit.
    new_limit = models.PositiveIntegerField(null=True, blank=True)
    # When the exam policy planned the day (studyapp.study.planning), and what
    # it decided: reviews due, due cards its cap left for later, cards brought
    # forward, the cap. None: not planned (no exam date, or not yet).
    planned_at = models.DateTimeField(null=True, blank=True)
    reviews_planned = models.PositiveIntegerField(default=0)
    postponed = models.PositiveIntegerField(default=0)
    pulled = models.PositiveIntegerField(default=0)
    cap = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_study_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class PlanGap(models.Model):
    """A card below the exam target that the last replan (studyapp.study.
    replanning) found no day for before the exam, and why; the statistics page
    names it while it is still not due before the exam."""

    class Reason(models.TextChoices):
        NO_ROOM = "no_room", _("Every day before the exam is full to your daily review limit.")
        NO_DAY_LEFT = "no_day_left", _("No study day is left before the exam for another review.")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_gaps")
    state = models.ForeignKey(CardState, on_delete=models.CASCADE, related_name="plan_gaps")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    exam_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "state"], name="one_plan_gap_per_state")]

    def __str__(self):
        return f"{self.user_id} {self.state_id} {self.reason}"


class HideAction(models.Model):
    """A bury or a suspend, kept so that U can take it back like an answer.

    Not a ReviewLog row: statistics and calibration read the log, and hiding a
    card is no answer. ``after_log`` orders it among the learner's answers
    without a shared sequence: it is the id of the learner's latest log row
    when the card was hidden, so an answer logged later has a higher id."""

    class Kind(models.TextChoices):
        BURY = "bury", _("Bury")
        SUSPEND = "suspend", _("Suspend")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hide_actions")
    state = models.ForeignKey(CardState, on_delete=models.CASCADE, related_name="hide_actions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField()
    after_log = models.PositiveBigIntegerField(default=0)
    # What the action changed, as it was before, and the version it left:
    # undo restores these only while the state is still at version_after.
    suspended_before = models.BooleanField(default=False)
    buried_until_before = models.DateTimeField(null=True, blank=True)
    version_before = models.PositiveIntegerField()
    version_after = models.PositiveIntegerField()
    # As ReviewLog.client_id: a bury or suspend sent by a device.
    client_id = models.UUIDField(null=True, blank=True)
    # Hiding a question the learner has not answered yet hides its note's new
    # cards with it (they name its answer); these are their state ids, shown
    # again with the question.
    siblings = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="hide_one_client_id")]
        indexes = [models.Index(fields=["user", "-id"], name="hide_user_latest")]

    def __str__(self):
        return f"{self.user_id}:{self.state_id} {self.kind}"


class MemoryModel(models.Model):
    """One fit of FSRS parameters (studyapp.scheduling.fitting): a learner's
    own (``user`` set) or pooled over every learner (``user`` None, the prior
    for newcomers). Every fit is kept, accepted or not, with how well it and
    the parameters in use predicted the later reviews; the parameters a
    learner is scheduled with are copied onto their profile."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="memory_models"
    )
    fitted_at = models.DateTimeField()
    parameters = models.JSONField()
    reviews = models.PositiveIntegerField()
    accepted = models.BooleanField()
    reason = models.CharField(max_length=300)
    log_loss = models.FloatField(null=True, blank=True)
    rmse_bins = models.FloatField(null=True, blank=True)
    # The same figures for the parameters that were in use, on the same reviews.
    previous_log_loss = models.FloatField(null=True, blank=True)
    previous_rmse_bins = models.FloatField(null=True, blank=True)
    # What an accepted fit replaced (parameters and their source: own, pooled,
    # default), so that it can return to them; and when it was set aside for
    # predicting the answers after it worse (studyapp.scheduling.fitting.keeps_its_place).
    replaced_parameters = models.JSONField(null=True, blank=True)
    replaced_source = models.CharField(max_length=10, blank=True)
    replaced_reviews = models.PositiveIntegerField(default=0)
    set_aside_at = models.DateTimeField(null=True, blank=True)
    set_aside_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-fitted_at"], name="memory_model_latest")]

    def __str__(self):
        return f"{self.user_id or 'pooled'} {self.fitted_at:%Y-%m-%d} {'accepted' if self.accepted else 'kept'}"


class CramReview(models.Model):
    """An answer in the "review before the exam" session (studyapp.study.cram):
    kept for the learner's own record, never read by the scheduler. The
    card's schedule (CardState) and the review log stay as they were, as in
    one of Anki's filtered decks that does not reschedule."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cram_reviews")
    card = models.ForeignKey("notes.Card", on_delete=models.PROTECT, related_name="cram_reviews")
    study_day = models.DateField()
    reviewed_at = models.DateTimeField()
    remembered = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["user", "study_day"], name="cram_user_day")]

    def __str__(self):
        return f"{self.user_id}:{self.card_id} {'remembered' if self.remembered else 'forgot'}"
