"""The study queue's rules written as querysets: the readable definition the
hand-written SQL (studyapp.study.sql.next_candidates) must match exactly
(tests/study/test_study_sql.py). Test code only: the product runs the SQL."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q

from studyapp.study.models import CardState
from studyapp.study.queue import LEARN_AHEAD, LEARNING_CAP, Today
from studyapp.study.sql import CANDIDATES_PER_SOURCE, Candidates

S = CardState.State


def _open(user):
    return CardState.objects.filter(user=user, in_scope=True, suspended=False)


def _not_buried(now: datetime) -> Q:
    return Q(buried_until__isnull=True) | Q(buried_until__lte=now)


def due_now(user, today: Today):
    due = Q(state__in=(S.LEARNING, S.RELEARNING), due__lte=today.now)
    if today.reviews_left > 0:
        due |= Q(state=S.REVIEW, due__lt=today.day_end)
    order = [F("exam_recall").asc(nulls_first=True), "due", "id"] if today.exam_order else ["due", "id"]
    return _open(user).filter(due).filter(_not_buried(today.now)).order_by(*order)


def new_cards(user, today: Today):
    return _open(user).filter(state=S.NEW).filter(_not_buried(today.now)).order_by("new_rank", "id")


def learning_soon(user, today: Today):
    return (
        _open(user)
        .filter(state__in=(S.LEARNING, S.RELEARNING), due__lte=today.now + LEARN_AHEAD)
        .filter(_not_buried(today.now))
        .order_by("due", "id")
    )


def left_today(user, today: Today) -> int:
    """Learning cards due before the day ends, reviews up to the daily limit,
    new cards up to the daily limit; each count capped."""
    open_today = _open(user).filter(_not_buried(today.now))
    learning = open_today.filter(state__in=(S.LEARNING, S.RELEARNING), due__lt=today.day_end)
    reviews = open_today.filter(state=S.REVIEW, due__lt=today.day_end)
    caps = ((learning, LEARNING_CAP), (reviews, today.reviews_left), (new_cards(user, today), today.new_left))
    return sum(len(queryset.order_by().values("id")[: max(0, cap)]) for queryset, cap in caps)


def candidates_orm(user, today: Today, *, count: bool = True) -> Candidates:
    """What ``next_candidates`` returns, built with the ORM."""
    related = ("card__note",)

    def first(queryset) -> list[CardState]:
        return list(queryset.select_related(*related)[:CANDIDATES_PER_SOURCE])

    found = Candidates(
        due=first(due_now(user, today)),
        new=first(new_cards(user, today)) if today.new_left > 0 else [],
        ahead=first(learning_soon(user, today)),
    )
    if count:
        found.left = left_today(user, today) if (found.due or found.new or found.ahead) else 0
    return found
