"""What a learner has done: per-card schedule state and the log of every answer.

Both point at cards with PROTECT: cards are retired, never deleted, so nothing
here can vanish through an import or an edit."""

from django.conf import settings
from django.db import models


class CardState(models.Model):
    """FSRS state of one card for one learner (mirrors ``fsrs.Card``)."""

    class State(models.IntegerChoices):
        LEARNING = 1
        REVIEW = 2
        RELEARNING = 3

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states")
    card = models.ForeignKey("notes.Card", on_delete=models.PROTECT, related_name="states")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    is_leech = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="one_state_per_user_card")]
        indexes = [models.Index(fields=["user", "suspended", "due"], name="state_user_due")]

    def __str__(self):
        return f"{self.user_id}:{self.card_id} due {self.due:%Y-%m-%d %H:%M}"


class ReviewLog(models.Model):
    """One answer. Keeps the state before and after, so that undo restores the
    exact previous state and parameters can be optimized from the log later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs")
    card = models.ForeignKey("notes.Card", on_delete=models.PROTECT, related_name="review_logs")
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_before = models.JSONField(default=dict)
    state_after = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["user", "reviewed_at"], name="log_user_time")]

    def __str__(self):
        return f"{self.user_id}:{self.card_id} rated {self.rating}"
