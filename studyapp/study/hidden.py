"""The learner's hidden cards (suspended, buried) and leeches: reads only."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from studyapp.study.models import CardState

LISTS = ("suspended", "buried", "leeches")


def _filters(now: datetime) -> dict[str, Q]:
    return {
        "suspended": Q(suspended=True),
        "buried": Q(buried_until__gt=now),
        "leeches": Q(is_leech=True),
    }


def hidden_counts(*, user, now: datetime) -> dict[str, int]:
    """How many cards each list holds, in one query."""
    filters = _filters(now)
    return CardState.objects.filter(user=user).aggregate(**{name: Count("id", filter=filters[name]) for name in LISTS})


def hidden_cards(*, user, which: str, now: datetime):
    """The learner's cards on one list, in note order, with card and note."""
    return (
        CardState.objects.filter(user=user)
        .filter(_filters(now)[which])
        .select_related("card__note")
        .only(
            "id",
            "suspended",
            "buried_until",
            "is_leech",
            "lapses",
            "in_scope",
            "card__kind",
            "card__front",
            "card__retired_at",
            "card__note__note_id",
            "card__note__is_published",
        )
        .order_by("card__note__note_id", "card__position", "id")
    )
