"""Learner actions that change several rows at once: answering a card or a
scenario question, undoing, burying, suspending, choosing what to study.

Answers are idempotent: each names the CardState version it answers, and the
update only applies while that version is current, so a double click, a second
tab or a retried request is recorded once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from fsrs import Rating

from studyapp.accounts.models import Profile
from studyapp.noteformat.cards import slug
from studyapp.notes.models import Card
from studyapp.study import questions
from studyapp.study.exam_bridge import exam_due, exam_recall, in_final_phase
from studyapp.study.fsrs_bridge import apply_fsrs, scheduler_for, to_fsrs
from studyapp.study.models import CardState, ReviewLog, StudyDay
from studyapp.study.queue import Today, next_state
from studyapp.study.scope import cards_in_scope

LEECH_LAPSES = 8
S = CardState.State
# Fields an answer changes and undo restores. in_scope is left alone: it
# follows the learner's current choice of what to study, not the card's history.
RESTORED = [
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "suspended",
    "buried_until",
    "is_leech",
    "version",
    "changed_notice",
    "new_rank",
    "exam_recall",
]
DATETIMES = {"due", "last_review", "buried_until"}


@dataclass(frozen=True)
class DayCounts:
    """A learner's counters for one study day."""

    new_done: int = 0
    reviews_done: int = 0
    new_limit: int | None = None  # set by the exam policy; None: the learner's own


class NotFound(Exception):
    """No such card state for this learner (an outsider's id, or a stale one)."""


@dataclass
class AnswerOutcome:
    state: CardState
    duplicate: bool = False
    log: ReviewLog | None = None
    score: float | None = None
    chosen: list[str] = field(default_factory=list)
    pulled: int = 0
    # Today's counters after this answer, so the next card needs no extra query.
    counts: DayCounts | None = None


def snapshot(state: CardState) -> dict:
    data = {}
    for name in RESTORED:
        value = getattr(state, name)
        data[name] = value.isoformat() if name in DATETIMES and value is not None else value
    return data


def _restore(state: CardState, data: dict) -> None:
    for name in RESTORED:
        value = data.get(name)
        if name in DATETIMES and value is not None:
            value = datetime.fromisoformat(value)
        setattr(state, name, value)


def today_for(*, user, profile: Profile, now: datetime, counts: DayCounts | None = None) -> Today:
    """Today's limits. ``counts`` when the caller already has today's
    counters; otherwise they are read (one query)."""
    day = profile.study_day(now)
    if counts is None:
        counts = _counts_today(user, day)
    new_limit = profile.new_per_day if counts.new_limit is None else counts.new_limit
    return Today(
        now=now,
        day_end=profile.day_end(day),
        new_left=max(0, new_limit - counts.new_done),
        reviews_left=max(0, profile.reviews_per_day - counts.reviews_done),
        done=counts.new_done + counts.reviews_done,
        exam_order=in_final_phase(profile, now),
    )


def _answers_today(user_ref, day, previous: int) -> Subquery:
    """How many of the day's answers were to cards in state ``previous``: a
    count over the day's log rows only (index user, study_day), never over the
    learner's history. Undo deletes the row, so the count follows by itself."""
    return Subquery(
        ReviewLog.objects.filter(user=user_ref, study_day=day, previous_state=previous)
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )


def _day_limit(user_ref, day) -> Subquery:
    return Subquery(StudyDay.objects.filter(user=user_ref, day=day).values("new_limit")[:1])


def _counts_today(user, day) -> DayCounts:
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            new_done=_answers_today(OuterRef("pk"), day, S.NEW),
            reviews_done=_answers_today(OuterRef("pk"), day, S.REVIEW),
            new_limit=_day_limit(OuterRef("pk"), day),
        )
        .values("new_done", "reviews_done", "new_limit")
        .first()
    ) or {}
    return DayCounts(row.get("new_done") or 0, row.get("reviews_done") or 0, row.get("new_limit"))


def _state_with_counters(user, state_id: int, day):
    """The state and today's counters in one query (the hot path counts them)."""
    return (
        CardState.objects.filter(pk=state_id, user=user)
        .annotate(
            day_new=_answers_today(OuterRef("user"), day, S.NEW),
            day_reviews=_answers_today(OuterRef("user"), day, S.REVIEW),
            day_new_limit=_day_limit(OuterRef("user"), day),
        )
        .first()
    )


def card_grade(
    *,
    user,
    profile: Profile,
    state_id: int,
    version: int,
    rating: int,
    duration_ms: int | None = None,
    now: datetime | None = None,
    chosen: list[str] | None = None,
    score: float | None = None,
) -> AnswerOutcome:
    """Record one answer: schedule the card with fsrs (and the exam policy),
    log it with the state before and after, count it for today."""
    now = now or timezone.now()
    day = profile.study_day(now)
    state = _state_with_counters(user, state_id, day)
    if state is None:
        raise NotFound(state_id)
    counts = DayCounts(state.day_new or 0, state.day_reviews or 0, state.day_new_limit)
    if state.version != version:
        return AnswerOutcome(state=state, duplicate=True, counts=counts)
    before = snapshot(state)
    previous = state.state
    scheduler = scheduler_for(profile)
    card, _log = scheduler.review_card(
        to_fsrs(state, now), Rating(rating), review_datetime=now, review_duration=duration_ms
    )
    due = exam_due(profile=profile, scheduler=scheduler, card=card, now=now)
    apply_fsrs(state, card)
    state.due = due
    state.exam_recall = exam_recall(profile=profile, scheduler=scheduler, card=card)
    state.reps += 1
    if rating == Rating.Again and previous == S.REVIEW:
        state.lapses += 1
        state.is_leech = state.is_leech or state.lapses >= LEECH_LAPSES
    state.buried_until = None
    state.changed_notice = False
    state.version = version + 1
    elapsed = (now - state_last_review(before)).total_seconds() / 86400 if before["last_review"] else None
    # savepoint=False: a request is never inside another transaction here, and
    # a savepoint would cost two more statements on the hot path.
    with transaction.atomic(savepoint=False):
        updated = CardState.objects.filter(pk=state.pk, version=version).update(
            **{name: getattr(state, name) for name in RESTORED}
        )
        if not updated:
            return AnswerOutcome(state=state, duplicate=True, counts=counts)
        log = ReviewLog.objects.create(
            user=user,
            card_id=state.card_id,
            state=state,
            rating=rating,
            reviewed_at=now,
            study_day=day,
            duration_ms=duration_ms,
            previous_state=previous,
            elapsed_days=elapsed,
            interval_days=(due - now).total_seconds() / 86400,
            state_before=before,
            state_after=snapshot(state),
            chosen=chosen,
            score=score,
        )
    after = DayCounts(
        counts.new_done + (previous == S.NEW), counts.reviews_done + (previous == S.REVIEW), counts.new_limit
    )
    return AnswerOutcome(state=state, log=log, score=score, chosen=chosen or [], counts=after)


def state_last_review(before: dict) -> datetime:
    return datetime.fromisoformat(before["last_review"])


def question_answer(
    *,
    user,
    profile: Profile,
    state_id: int,
    version: int,
    chosen: list[str],
    duration_ms: int | None = None,
    now: datetime | None = None,
) -> AnswerOutcome:
    """Score a scenario question with partial credit, schedule it with the
    grade the score earns, and pull forward the cards that explain each trap
    the learner fell into."""
    now = now or timezone.now()
    state = CardState.objects.filter(pk=state_id, user=user).select_related("card__note").first()
    if state is None or state.card.kind != Card.Kind.QUESTION:
        raise NotFound(state_id)
    parsed = state.card.note.parsed
    correct = {c.letter for c in questions.options(parsed) if c.correct}
    picked = sorted({letter for letter in chosen if letter in {c.letter for c in questions.options(parsed)}})
    result = questions.score(set(picked), correct)
    outcome = card_grade(
        user=user,
        profile=profile,
        state_id=state_id,
        version=version,
        rating=int(questions.rating_for(result)),
        duration_ms=duration_ms,
        now=now,
        chosen=picked,
        score=result,
    )
    if not outcome.duplicate:
        outcome.pulled = traps_pull_forward(user=user, card=state.card, wrong=set(picked) - correct, now=now)
    outcome.score = result
    outcome.chosen = picked
    return outcome


def traps_pull_forward(*, user, card: Card, wrong: set[str], now: datetime) -> int:
    """The cards that explain the chosen wrong options (the trigger words and
    comparison rows their reasoning mentions) come due today."""
    if not wrong:
        return 0
    parsed, note_id = card.note.parsed, card.note.note_id
    by_term = {questions.normalized(t): f"{note_id}:trigger:{slug(t)}" for t in questions.terms(parsed)}
    by_term |= {questions.normalized(h): f"{note_id}:compare:{slug(h)}" for h in questions.row_heads(parsed)}
    keys = questions.trap_keys(parsed, wrong, by_term)
    if not keys:
        return 0
    states = CardState.objects.filter(user=user, card__key__in=keys)
    pulled = states.filter(state__in=(S.REVIEW, S.LEARNING, S.RELEARNING), due__gt=now).update(
        due=now, version=F("version") + 1
    )
    pulled += states.filter(state=S.NEW).update(new_rank=0, version=F("version") + 1)
    return pulled


def review_undo(*, user, profile: Profile) -> CardState | None:
    """Take back the learner's latest answer: the card's state as it was, the
    log row gone, today's counters as they were."""
    with transaction.atomic():
        log = ReviewLog.objects.filter(user=user).select_for_update().order_by("-id").first()
        if log is None:
            return None
        state = CardState.objects.select_for_update().get(pk=log.state_id, user=user)
        _restore(state, log.state_before)
        state.save(update_fields=RESTORED)
        log.delete()
    return state


def card_bury(*, user, profile: Profile, state_id: int, version: int, now: datetime | None = None) -> bool:
    """Hide the card until tomorrow's study day begins."""
    now = now or timezone.now()
    until = profile.day_end(profile.study_day(now))
    return _update_versioned(user, state_id, version, buried_until=until)


def card_suspend(*, user, profile: Profile, state_id: int, version: int) -> bool:
    return _update_versioned(user, state_id, version, suspended=True)


def card_unsuspend(*, user, state_id: int) -> bool:
    return bool(CardState.objects.filter(pk=state_id, user=user).update(suspended=False, version=F("version") + 1))


def _update_versioned(user, state_id: int, version: int, **changes) -> bool:
    if not CardState.objects.filter(pk=state_id, user=user).exists():
        raise NotFound(state_id)
    return bool(
        CardState.objects.filter(pk=state_id, user=user, version=version).update(version=F("version") + 1, **changes)
    )


def study_scope_set(*, user, profile: Profile, kind: str, value: str) -> None:
    profile.scope_kind = kind
    profile.scope_value = value if kind != Profile.Scope.ALL else ""
    profile.save(update_fields=["scope_kind", "scope_value"])
    study_queue_sync(user=user, profile=profile)


def study_queue_sync(*, user, profile: Profile, now: datetime | None = None) -> None:
    """Make the learner's card states match what they study now: a state for
    every card in scope (new ones as NEW), in_scope cleared for the others,
    and cards whose answer changed since the learner's last review sent back
    to learning with a notice. Runs when the study page opens, never per answer."""
    now = now or timezone.now()
    ranked = list(cards_in_scope(profile).order_by("note__note_id", "position").values_list("id", flat=True))
    rank = {card_id: i for i, card_id in enumerate(ranked)}
    existing = set(CardState.objects.filter(user=user).values_list("card_id", flat=True))
    CardState.objects.bulk_create(
        [CardState(user=user, card_id=cid, new_rank=rank[cid]) for cid in ranked if cid not in existing],
        batch_size=500,
        ignore_conflicts=True,
    )
    mine = CardState.objects.filter(user=user)
    for chunk in _chunks(ranked, 500):
        mine.filter(in_scope=False, card_id__in=chunk).update(in_scope=True)
    in_scope = set(ranked)
    leaving = [cid for cid in mine.filter(in_scope=True).values_list("card_id", flat=True) if cid not in in_scope]
    for chunk in _chunks(leaving, 500):
        mine.filter(card_id__in=chunk).update(in_scope=False)
    mine.filter(card__answer_changed_at__gt=F("last_review")).exclude(state=S.NEW).update(
        state=S.LEARNING, step=0, due=now, changed_notice=True, version=F("version") + 1
    )


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def study_next(*, user, profile: Profile, now: datetime | None = None):
    now = now or timezone.now()
    return next_state(user, today_for(user=user, profile=profile, now=now))
