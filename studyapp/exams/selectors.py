"""Reads of the exams app (never write: an attempt past its deadline is
submitted by the services, not here)."""

from __future__ import annotations

from studyapp.exams.models import Attempt, AttemptItem, Blueprint


def blueprints_for(*, user):
    return Blueprint.objects.active()


def attempt_for(*, user, attempt_id: int) -> Attempt | None:
    """The user's own attempt, or None (an outsider's id is not found)."""
    return Attempt.objects.filter(pk=attempt_id, user=user).select_related("blueprint").first()


def attempts_of(*, user, kind: str | None = None):
    attempts = Attempt.objects.filter(user=user).select_related("blueprint")
    return attempts.filter(kind=kind) if kind else attempts


def items_of(*, attempt: Attempt):
    return AttemptItem.objects.filter(attempt=attempt).order_by("position")


def attempt_scores(*, attempts) -> dict[int, dict]:
    """{attempt id: {"correct", "answered", "total"}} in one query."""
    from django.db.models import Count, Q

    rows = (
        AttemptItem.objects.filter(attempt__in=[a.pk for a in attempts])
        .values("attempt_id")
        .annotate(
            correct=Count("pk", filter=Q(correct=True)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            total=Count("pk"),
        )
    )
    return {row.pop("attempt_id"): row for row in rows}
