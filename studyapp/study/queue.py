"""Picking the next card and counting what is left today: reads only.

The next card comes from at most three LIMIT 1 subqueries, each served by an
index, fetched in one round trip; what is left today is counted over LIMITed
subqueries, so neither grows with the learner's backlog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, Subquery
from django.db.models.expressions import RawSQL

from studyapp.study.models import CardState

LEARN_AHEAD = timedelta(minutes=20)
S = CardState.State


@dataclass(frozen=True)
class Today:
    """Where the learner stands in the current study day."""

    now: datetime
    day_end: datetime
    new_left: int
    reviews_left: int
    # New cards and reviews answered so far today (for the progress bar).
    done: int = 0
    # In the last weeks before the exam: due cards lowest exam-day recall first.
    exam_order: bool = False


def _open(user):
    return CardState.objects.filter(user=user, in_scope=True, suspended=False)


def _not_buried(now: datetime) -> Q:
    return Q(buried_until__isnull=True) | Q(buried_until__lte=now)


def _due_now(user, today: Today):
    due = Q(state__in=(S.LEARNING, S.RELEARNING), due__lte=today.now)
    if today.reviews_left > 0:
        due |= Q(state=S.REVIEW, due__lt=today.day_end)
    return _open(user).filter(due).filter(_not_buried(today.now))


def _new(user, today: Today):
    return _open(user).filter(state=S.NEW).filter(_not_buried(today.now))


def _ahead(user, today: Today):
    return (
        _open(user)
        .filter(state__in=(S.LEARNING, S.RELEARNING), due__lte=today.now + LEARN_AHEAD)
        .filter(_not_buried(today.now))
    )


def _capped_count_sql(queryset, cap: int) -> tuple[str, tuple]:
    if cap <= 0:
        return "SELECT 0", ()
    sql, params = queryset.values("id")[:cap].query.sql_with_params()
    # The inner SQL is Django's own compilation with its parameters kept apart.
    return f"SELECT COUNT(*) FROM ({sql}) capped", params  # noqa: S608


# A learner never has more cards in learning than this on one day; the cap
# only bounds the count query.
LEARNING_CAP = 1000


def next_state(user, today: Today, *, count: bool = True) -> tuple[CardState | None, int | None]:
    """The card to show now, and (with ``count``) how many answers are left
    today: learning cards due before the day ends, reviews up to the daily
    limit and new cards up to the daily limit, each count capped so that it
    costs the same whatever the backlog. Answers carry the count forward
    (``left_after``), so the hot path asks for the card only."""
    due_order = [F("exam_recall").asc(nulls_first=True), "due"] if today.exam_order else ["due"]
    due_ids = _due_now(user, today).order_by(*due_order).values("id")[:1]
    new_ids = _new(user, today).order_by("new_rank", "id").values("id")[:1]
    ahead_ids = _ahead(user, today).order_by("due").values("id")[:1]
    # "id = (subquery)", not "id IN (subquery)": PostgreSQL then runs each
    # LIMIT 1 subquery once as an init plan instead of scanning every state.
    candidates = Q(id=Subquery(due_ids)) | Q(id=Subquery(ahead_ids))
    if today.new_left > 0:
        candidates |= Q(id=Subquery(new_ids))
    rows = (
        CardState.objects.filter(candidates)
        .select_related("card__note")
        .defer("card__note__source", "card__note__warnings", "card__note__repair_report")
    )
    if count:
        open_today = _open(user).filter(_not_buried(today.now))
        learning = open_today.filter(state__in=(S.LEARNING, S.RELEARNING), due__lt=today.day_end)
        reviews = open_today.filter(state=S.REVIEW, due__lt=today.day_end)
        rows = rows.annotate(
            learning_left=RawSQL(*_capped_count_sql(learning, LEARNING_CAP)),  # noqa: S611
            reviews_left=RawSQL(*_capped_count_sql(reviews, today.reviews_left)),  # noqa: S611
            new_left=RawSQL(*_capped_count_sql(_new(user, today), today.new_left)),  # noqa: S611
        )
    rows = list(rows)
    if not rows:
        return None, 0
    first = rows[0]
    left = first.learning_left + first.reviews_left + first.new_left if count else None
    return min(rows, key=lambda s: _priority(s, today)), left


def left_after(left: int, answered: CardState, today: Today) -> int:
    """What is left today after one answer: one less, unless the card comes
    back before the day ends (a learning step, Again)."""
    comes_back = answered.due is not None and answered.due < today.day_end
    return max(0, left - 1 + int(comes_back))


def _priority(state: CardState, today: Today) -> tuple:
    """Due cards first (the subquery already chose which), then new ones, then
    learning cards shown ahead of their step because nothing else is left."""
    if state.state == S.NEW:
        return (1, 0)
    if state.due <= today.now or (state.state == S.REVIEW and state.due < today.day_end):
        return (0, 0)
    return (2, state.due.timestamp())
