"""The learner's misses: scenario questions answered wrong (in a mock, a
practice or a study session) and not answered right since. What "My misses"
practises (services.attempt_start, kind misses) and counts on the practice
page. Reads only."""

from __future__ import annotations

from django.db.models import Max, Q

from studyapp.exams.models import AttemptItem
from studyapp.notes.models import Card
from studyapp.study.models import ReviewLog


def missed_card_ids(*, user) -> set[int]:
    """Question cards whose latest wrong answer came after their latest right
    one: in a session a score below 1 (the grade Again or Hard), in an
    attempt an item scored not correct, at its submission. Two grouped
    queries, one row per question the learner answered."""
    last: dict[int, list] = {}
    logs = ReviewLog.objects.filter(user=user, card__kind=Card.Kind.QUESTION, score__isnull=False)
    for card_id, missed, right in (
        logs.values("card_id")
        .annotate(missed=Max("reviewed_at", filter=Q(score__lt=1)), right=Max("reviewed_at", filter=Q(score__gte=1)))
        .values_list("card_id", "missed", "right")
    ):
        last[card_id] = [missed, right]
    items = AttemptItem.objects.filter(attempt__user=user, correct__isnull=False, attempt__submitted_at__isnull=False)
    for card_id, missed, right in (
        items.values("card_id")
        .annotate(
            missed=Max("attempt__submitted_at", filter=Q(correct=False)),
            right=Max("attempt__submitted_at", filter=Q(correct=True)),
        )
        .values_list("card_id", "missed", "right")
    ):
        seen = last.setdefault(card_id, [None, None])
        seen[0] = _later(seen[0], missed)
        seen[1] = _later(seen[1], right)
    return {
        card_id for card_id, (missed, right) in last.items() if missed is not None and (right is None or missed > right)
    }


def _later(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)
