"""An answer given offline to a card that changed since the device fetched
it (most often: answered on another device too). Both answers are kept in
the log, and the card's state is rebuilt by replaying its log in time order
from the merged answer on, through the same scheduling as grading
(``services.state_review``: fsrs with the learner's parameters, the exam
policy as it stands now, the same seeded fuzz), so the result is the state
that answering in that order would have left (docs/offline.md, "Two devices").

The replayed rows' ``state_before`` and ``state_after`` are rewritten so the
log stays a chain (each row's "before" is the previous row's "after"). The
last row's "after" is the state as it now is, at a new version; the other
rows' versions stay below it, so undo restores exactly when the merged
answer is also the latest in time, and otherwise refuses cleanly ("can no
longer be undone"), as it does for any card changed since its answer."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from studyapp.accounts.models import Profile
from studyapp.study import services
from studyapp.study import sql as study_sql
from studyapp.study.models import CardState, ReviewLog

S = CardState.State
# What a replay rebuilds; the rest (hidden, rank of a new card, the notice
# of a changed answer) stays as the learner's later actions left it.
REPLAYED_FIELDS = ("previous_state", "elapsed_days", "interval_days", "state_before", "state_after")
NOT_REPLAYED = ("suspended", "buried_until", "new_rank", "changed_notice")


def answer_merge(
    *,
    user,
    profile: Profile,
    state_id: int,
    rating: int,
    at: datetime,
    duration_ms: int | None,
    client_id,
    chosen: list[str] | None = None,
    score: float | None = None,
) -> ReviewLog:
    """Record the answer (``rating`` at ``at``) and replay the card's later
    answers after it; the new log row. NotFound, Unavailable, or OverLimit
    (a new card the day has no room for) as card_grade raises them."""
    clock = profile.clock()
    with transaction.atomic():
        state = CardState.objects.select_for_update().filter(pk=state_id, user=user).first()
        if state is None:
            raise services.NotFound(state_id)
        if not state.in_scope:
            raise services.Unavailable(state_id)
        later = list(ReviewLog.objects.filter(user=user, state=state, reviewed_at__gt=at).order_by("reviewed_at", "id"))
        replayed = _replay_base(state, later)
        if replayed is state and state.last_review is not None and at < state.last_review:
            at = state.last_review  # not before the answer the state already has
        if replayed.state == S.NEW and not later:
            _state, counts = study_sql.state_with_answers(user.pk, state.pk, clock.study_day(at))
            if counts.new_done >= services.day_new_limit(profile, counts):
                raise services.OverLimit(state_id)
        log = services.state_review(
            state=replayed, profile=profile, clock=clock, rating=rating, now=at, duration_ms=duration_ms
        )
        log.chosen, log.score, log.client_id = chosen, score, client_id
        chain = [log]
        for row in later:
            again = services.state_review(
                state=replayed,
                profile=profile,
                clock=clock,
                rating=row.rating,
                now=row.reviewed_at,
                duration_ms=row.duration_ms,
            )
            for name in REPLAYED_FIELDS:
                setattr(row, name, getattr(again, name))
            chain.append(row)
        if later:
            for name in NOT_REPLAYED:
                setattr(replayed, name, getattr(state, name))
        replayed.version = state.version + 1
        chain[-1].state_after = services.snapshot(replayed)
        CardState.objects.filter(pk=state.pk).update(**{name: getattr(replayed, name) for name in services.RESTORED})
        if later:
            ReviewLog.objects.bulk_update(later, REPLAYED_FIELDS)
        log.save(force_insert=True)
    return log


def _replay_base(state: CardState, later: list[ReviewLog]) -> CardState:
    """What the card was just before the merged answer: the state itself when
    no answer of the log comes after it, else the first later row's "before"
    (on a copy). A "before" that cannot be read (a row edited by hand) leaves
    the answer to be applied after the others instead."""
    if not later:
        return state
    base = CardState(pk=state.pk, user_id=state.user_id, card_id=state.card_id)
    try:
        services.snapshot_restore(state=base, data=later[0].state_before)
    except (AttributeError, KeyError, TypeError, ValueError):
        later.clear()
        return state
    return base
