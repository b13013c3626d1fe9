"""Learner actions that change several rows at once: answering a card or a
scenario question, undoing, burying, suspending, choosing what to study.

Answers are idempotent: each names the CardState version it answers, and the
update only applies while that version is current, so a double click, a second
tab or a retried request is recorded once. Undo restores a state only while it
is still at the version the undone action left (docs/study.md, "Undo")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import ngettext
from fsrs import Rating

from studyapp.accounts.models import Profile
from studyapp.noteformat.cards import slug
from studyapp.notes.models import Card
from studyapp.scheduling.clock import StudyClock
from studyapp.study import questions
from studyapp.study import sql as study_sql
from studyapp.study.exam_bridge import exam_due, exam_recall, in_final_phase
from studyapp.study.fsrs_bridge import apply_fsrs, fsrs_review, scheduler_for
from studyapp.study.introduction import PULLED_RANK, NewCard, new_ranks
from studyapp.study.models import CardState, HideAction, ReviewLog, StudyDay
from studyapp.study.planning import study_day_plan
from studyapp.study.queue import Today
from studyapp.study.replanning import exam_replan_if_changed
from studyapp.study.scope import Scope, cards_in_scope

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
# What an answer writes: every restored field (in_scope is only checked).
ANSWERED = tuple(RESTORED)


@dataclass(frozen=True)
class DayCounts:
    """A learner's counters for one study day."""

    new_done: int = 0
    reviews_done: int = 0
    new_limit: int | None = None  # set by the exam policy; None: the learner's own


class NotFound(Exception):
    """No such card state for this learner (an outsider's id, or a stale one)."""


class TooManyChoices(ValueError):
    """More options chosen than the question asks for: refused, nothing recorded."""

    def __init__(self, needed: int, chosen: int):
        super().__init__(f"choice: the question asks for {needed}, got {chosen}")
        self.needed, self.chosen = needed, chosen

    def message(self) -> str:
        """For the learner (the study page and the mock exam say the same)."""
        text = ngettext(
            "choice: this question asks for %(n)d option; you chose %(chosen)d.",
            "choice: this question asks for %(n)d options; you chose %(chosen)d.",
            self.needed,
        )
        return text % {"n": self.needed, "chosen": self.chosen}


class OverLimit(Exception):
    """An offline answer would introduce a new card beyond the day's limit."""


class Unavailable(Exception):
    """The card left the learner's queue (its note was unpublished, the card
    retired by a re-import, or it is no longer in what they study): an answer
    to it is not recorded."""


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
    """Set the state's fields from a snapshot. Every value is checked first
    (a log row may have been edited by hand): on a bad one this raises
    ValueError and leaves the state untouched."""
    if not isinstance(data, dict):
        raise ValueError("a snapshot is a dict")
    values = {name: _snapshot_value(name, data.get(name, _MISSING)) for name in RESTORED}
    for name, value in values.items():
        setattr(state, name, value)


def snapshot_restore(*, state: CardState, data: dict) -> None:
    """The state as a log row's snapshot says it was (the offline replay
    starts from one); ValueError and the state untouched on a bad snapshot."""
    _restore(state, data)


_MISSING = object()


def _snapshot_value(name: str, value):
    field = CardState._meta.get_field(name)
    if value is _MISSING:
        # Snapshots written before a nullable field existed (exam_recall) lack it.
        if field.null:
            return None
        raise ValueError(f"{name} missing")
    if value is None:
        if not field.null:
            raise ValueError(f"{name} must not be null")
        return None
    if name in DATETIMES:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(f"{name} has no time zone")
        return parsed
    try:
        return field.clean(value, None)
    except ValidationError as exc:
        raise ValueError(f"{name}: {exc.messages}") from None


def today_for(*, user, profile: Profile, now: datetime, counts: DayCounts | None = None) -> Today:
    """Today's limits. ``counts`` when the caller already has today's
    counters; otherwise they are read (one query)."""
    clock = profile.clock()
    day = clock.study_day(now)
    if counts is None:
        counts = _counts_today(user, day)
    new_limit = profile.new_per_day if counts.new_limit is None else counts.new_limit
    return Today(
        now=now,
        day_end=clock.day_end(day),
        new_left=max(0, new_limit - counts.new_done),
        reviews_left=max(0, profile.reviews_per_day - counts.reviews_done),
        done=counts.new_done + counts.reviews_done,
        exam_order=in_final_phase(clock, now),
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
    client_id=None,
    offline: bool = False,
) -> AnswerOutcome:
    """Record one answer: schedule the card with fsrs (and the exam policy),
    log it with the state before and after, count it for today.

    ``offline``: an answer a device recorded offline (studyapp.study.offline_sync,
    ``client_id`` its id): its time is not before the card's last review, and a
    new card beyond the day's new-card limit is refused (OverLimit), since
    the device cannot know what another device introduced meanwhile."""
    now = now or timezone.now()
    clock = profile.clock()
    day = clock.study_day(now)
    found = study_sql.state_with_answers(user.pk, state_id, day)
    if found is None:
        raise NotFound(state_id)
    state, answers = found
    if offline and state.last_review is not None and now < state.last_review:
        now = state.last_review
        if clock.study_day(now) != day:  # rare: a device's clock behind the server's
            day = clock.study_day(now)
            state, answers = study_sql.state_with_answers(user.pk, state_id, day)
    counts = DayCounts(answers.new_done, answers.reviews_done, answers.new_limit)
    if not state.in_scope:
        raise Unavailable(state_id)
    if state.version != version:
        return AnswerOutcome(state=state, duplicate=True, counts=counts)
    if offline and state.state == S.NEW and counts.new_done >= day_new_limit(profile, counts):
        raise OverLimit(state_id)
    log = state_review(state=state, profile=profile, clock=clock, rating=rating, now=now, duration_ms=duration_ms)
    log.chosen, log.score, log.client_id = chosen, score, client_id
    previous = log.previous_state
    # The state and the log together, or neither (one statement on
    # PostgreSQL). in_scope in the UPDATE's WHERE: a card withdrawn since it
    # was read is not answered.
    if not study_sql.answer_record(state=state, version=version, fields=ANSWERED, log=log):
        log = None
    if log is None:
        # Rare: only a repeated or stale answer gets here, so it may ask why.
        if not CardState.objects.filter(pk=state.pk, in_scope=True).exists():
            raise Unavailable(state_id)
        return AnswerOutcome(state=state, duplicate=True, counts=counts)
    after = DayCounts(
        counts.new_done + (previous == S.NEW), counts.reviews_done + (previous == S.REVIEW), counts.new_limit
    )
    return AnswerOutcome(state=state, log=log, score=score, chosen=chosen or [], counts=after)


def day_new_limit(profile: Profile, counts: DayCounts | study_sql.DayAnswers) -> int:
    """New cards allowed on the counted day: the exam policy's, else the learner's own."""
    return profile.new_per_day if counts.new_limit is None else counts.new_limit


def state_review(
    *,
    state: CardState,
    profile: Profile,
    clock: StudyClock,
    rating: int,
    now: datetime,
    duration_ms: int | None = None,
) -> ReviewLog:
    """Apply one answer to ``state`` in memory: fsrs's review (and the exam
    policy's due date, with an exam date), the counters, the version moved
    on. Returns the log row, not saved; the caller writes both together.
    Shared by the study session (card_grade), by a question answered in a
    mock exam (studyapp.study.retrieval) and by the
    replay of a card's log when answers from two devices are merged
    (studyapp.study.offline_replay), so all schedule alike. ``clock``: the
    learner's (``profile.clock()``), made once by the caller."""
    version = state.version
    before = snapshot(state)
    previous = state.state
    scheduler = scheduler_for(profile)
    card = fsrs_review(scheduler=scheduler, state=state, rating=rating, clock=clock, now=now, duration_ms=duration_ms)
    due_fsrs = exam_due(profile=profile, clock=clock, scheduler=scheduler, card=card, fsrs_now=clock.fsrs_time(now))
    apply_fsrs(state, card, clock=clock, now=now, due_fsrs=due_fsrs)
    state.exam_recall = exam_recall(profile=profile, clock=clock, scheduler=scheduler, card=card)
    state.reps += 1
    if rating == Rating.Again and previous == S.REVIEW:
        state.lapses += 1
        state.is_leech = state.is_leech or state.lapses >= LEECH_LAPSES
    state.buried_until = None
    state.changed_notice = False
    state.version = version + 1
    day = clock.study_day(now)
    # In study days, as fsrs counted them (and as fitting reads them).
    elapsed = (day - clock.study_day(state_last_review(before))).days if before["last_review"] else None
    return ReviewLog(
        user_id=state.user_id,
        card_id=state.card_id,
        state_id=state.pk,
        rating=rating,
        reviewed_at=now,
        study_day=day,
        duration_ms=duration_ms,
        previous_state=previous,
        elapsed_days=elapsed,
        interval_days=(state.due - now).total_seconds() / 86400,
        state_before=before,
        state_after=snapshot(state),
    )


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
    client_id=None,
    offline: bool = False,
) -> AnswerOutcome:
    """Score a scenario question with partial credit, schedule it with the
    grade the score earns, and pull forward the cards that explain each trap
    the learner fell into. ``client_id`` and ``offline`` as for card_grade."""
    now = now or timezone.now()
    state = CardState.objects.filter(pk=state_id, user=user).select_related("card__note").first()
    if state is None or state.card.kind != Card.Kind.QUESTION:
        raise NotFound(state_id)
    if not state.in_scope:
        raise Unavailable(state_id)
    scored = question_score(state.card, chosen)
    outcome = card_grade(
        user=user,
        profile=profile,
        state_id=state_id,
        version=version,
        rating=scored.rating,
        duration_ms=duration_ms,
        now=now,
        chosen=scored.picked,
        score=scored.score,
        client_id=client_id,
        offline=offline,
    )
    if not outcome.duplicate:
        outcome.pulled = traps_pull_forward(user=user, card=state.card, wrong=set(scored.wrong), now=now)
    outcome.score = scored.score
    outcome.chosen = scored.picked
    return outcome


@dataclass(frozen=True)
class QuestionScore:
    picked: list[str]  # the valid letters chosen, sorted
    score: float
    rating: int
    wrong: frozenset[str]


def question_score(card: Card, chosen: list[str]) -> QuestionScore:
    """The partial credit a choice earns and the grade it is scheduled with."""
    choices = questions.options(card.note.parsed)
    correct = {c.letter for c in choices if c.correct}
    picked = sorted({letter for letter in chosen if letter in {c.letter for c in choices}})
    if len(picked) > len(correct):
        # Online and offline alike: nothing is recorded for such an answer.
        raise TooManyChoices(len(correct), len(picked))
    result = questions.score(set(picked), correct)
    return QuestionScore(picked, result, int(questions.rating_for(result)), frozenset(set(picked) - correct))


def traps_pull_forward(*, user, card: Card, wrong: set[str], now: datetime) -> int:
    """The cards that explain the chosen wrong options (the trigger words and
    comparison rows their reasoning mentions) come due today."""
    return cards_pull_forward(user=user, keys=trap_card_keys(card=card, wrong=wrong), now=now)


def trap_card_keys(*, card: Card, wrong: set[str]) -> set[str]:
    """Keys of the note's cards whose term the chosen wrong options mention."""
    if not wrong:
        return set()
    parsed, note_id = card.note.parsed, card.note.note_id
    by_term = {questions.normalized(t): trigger_card_key(note_id, t) for t in questions.terms(parsed)}
    by_term |= {questions.normalized(h): f"{note_id}:compare:{slug(h)}" for h in questions.row_heads(parsed)}
    return questions.trap_keys(parsed, wrong, by_term)


def trigger_card_key(note_id: str, term: str) -> str:
    return f"{note_id}:trigger:{slug(term)}"


def cards_pull_forward(*, user, keys: set[str], now: datetime) -> int:
    """The learner's cards with these keys come due now (new ones first in line)."""
    if not keys:
        return 0
    states = CardState.objects.filter(user=user, card__key__in=keys)
    pulled = states.filter(state__in=(S.REVIEW, S.LEARNING, S.RELEARNING), due__gt=now).update(
        due=now, version=F("version") + 1
    )
    pulled += states.filter(state=S.NEW).update(new_rank=PULLED_RANK, version=F("version") + 1)
    return pulled


@dataclass
class UndoOutcome:
    """What U did: ``kind`` is "answer", "bury" or "suspend" when something
    was undone (``state`` as it is now); empty when nothing was, and then
    ``refused`` tells a latest action that can no longer be undone from there
    being none."""

    kind: str = ""
    state: CardState | None = None
    refused: bool = False


@dataclass(frozen=True)
class _Undoable:
    """The learner's latest action, an answer (ReviewLog) or a hiding (HideAction)."""

    kind: str
    row: ReviewLog | HideAction
    state_id: int | None
    version_after: object  # what the action left; None when a log row does not say

    @classmethod
    def of_log(cls, log: ReviewLog) -> _Undoable:
        after = log.state_after if isinstance(log.state_after, dict) else {}
        return cls("answer", log, log.state_id, after.get("version"))

    @classmethod
    def of_hiding(cls, action: HideAction) -> _Undoable:
        return cls(action.kind, action, action.state_id, action.version_after)

    @property
    def key(self) -> tuple[str, int]:
        return (type(self.row).__name__, self.row.pk)

    def restore(self, state: CardState) -> list[str] | None:
        """Put back what the action changed; the fields to save, or None when
        the row cannot say what the state was (a log edited by hand)."""
        if isinstance(self.row, HideAction):
            state.suspended = self.row.suspended_before
            state.buried_until = self.row.buried_until_before
            state.version = self.row.version_before
            siblings_show(self.row)
            return ["suspended", "buried_until", "version"]
        try:
            _restore(state, self.row.state_before)
        except (AttributeError, KeyError, TypeError, ValueError):
            return None
        return RESTORED


# Undo re-reads the latest action when an answer was recorded between reading
# it and locking its card; a few rounds are plenty (each needs a new answer).
UNDO_ROUNDS = 5


def review_undo(*, user, profile: Profile | None = None) -> UndoOutcome:
    """Take back the learner's latest action: an answer (the card's state as
    it was, the log row gone, today's counters as they were), a bury or a
    suspend (the card back as it was).

    The card's state is locked and must still be at the version the action
    left. If an answer was recorded meanwhile (another tab, a request racing
    this one), that newer answer is the latest action and is undone instead;
    if the card changed since in a way undo cannot take back (its answer was
    edited, a trap pulled it forward, its state was deleted), the undo is
    refused and nothing changes. A stale bury or suspend record (the card was
    unhidden since) is dropped and the action before it is undone."""
    for _round in range(UNDO_ROUNDS):
        with transaction.atomic():
            action = _latest_undoable(user, lock=True)
            if action is None:
                return UndoOutcome()
            state = _state_locked(user, action.state_id)
            fields = None
            if state is not None and state.version == action.version_after:
                fields = action.restore(state)
            if fields is not None:
                state.save(update_fields=fields)
                action.row.delete()
                return UndoOutcome(kind=action.kind, state=state)
            latest = _latest_undoable(user, lock=False)
            if latest is not None and latest.key != action.key:
                continue  # an answer was recorded meanwhile: undo that one
            if isinstance(action.row, HideAction):
                action.row.delete()  # not history, only a way back that no longer leads anywhere
                continue
            return UndoOutcome(refused=True)
    return UndoOutcome(refused=True)


def _latest_undoable(user, *, lock: bool) -> _Undoable | None:
    logs = ReviewLog.objects.filter(user=user).order_by("-id")
    hidings = HideAction.objects.filter(user=user).order_by("-id")
    if lock:
        logs, hidings = logs.select_for_update(), hidings.select_for_update()
    log, hiding = logs.first(), hidings.first()
    if hiding is not None and (log is None or hiding.after_log >= log.pk):
        return _Undoable.of_hiding(hiding)
    return _Undoable.of_log(log) if log is not None else None


def _state_locked(user, state_id: int | None) -> CardState | None:
    if state_id is None:
        return None
    return CardState.objects.select_for_update().filter(pk=state_id, user=user).first()


# Bury and suspend records kept per learner for undo: far more than anyone
# takes back, and the table stays bounded.
HIDE_ACTIONS_KEPT = 100


def card_bury(
    *, user, profile: Profile, state_id: int, version: int, now: datetime | None = None, client_id=None
) -> bool:
    """Hide the card until tomorrow's study day begins (``client_id``: sent
    by a device that was offline, studyapp.study.offline_sync)."""
    now = now or timezone.now()
    clock = profile.clock()
    until = clock.day_end(clock.study_day(now))
    return _hide(user, state_id, version, HideAction.Kind.BURY, now, client_id, buried_until=until)


def card_suspend(
    *, user, profile: Profile, state_id: int, version: int, now: datetime | None = None, client_id=None
) -> bool:
    """Hide the card until the learner unsuspends it."""
    return _hide(user, state_id, version, HideAction.Kind.SUSPEND, now or timezone.now(), client_id, suspended=True)


def _hide(user, state_id: int, version: int, kind: str, now: datetime, client_id, **changes) -> bool:
    """Apply a bury or suspend to the version the learner saw, and keep a
    record of it for undo. False when that version is no longer current."""
    with transaction.atomic():
        state = _state_locked(user, state_id)
        if state is None:
            raise NotFound(state_id)
        if state.version != version:
            return False
        CardState.objects.filter(pk=state.pk).update(version=version + 1, **changes)
        siblings = _siblings_hide(state, kind, now, changes)
        HideAction.objects.create(
            user=user,
            state=state,
            kind=kind,
            created_at=now,
            after_log=ReviewLog.objects.filter(user=user).order_by("-id").values_list("id", flat=True).first() or 0,
            suspended_before=state.suspended,
            buried_until_before=state.buried_until,
            version_before=version,
            version_after=version + 1,
            client_id=client_id,
            siblings=siblings,
        )
        mine = HideAction.objects.filter(user=user)
        oldest_kept = mine.order_by("-id").values("id")[HIDE_ACTIONS_KEPT - 1 : HIDE_ACTIONS_KEPT]
        mine.filter(id__lt=Subquery(oldest_kept)).delete()
    return True


def _siblings_hide(state: CardState, kind: str, now: datetime, changes: dict) -> list[int]:
    """Hiding a question the learner has not answered hides its note's new
    cards the same way (as Anki buries siblings): they name its answer, and
    would otherwise come first. Their state ids, for showing them again."""
    if state.state != S.NEW or not Card.objects.filter(pk=state.card_id, kind=Card.Kind.QUESTION).exists():
        return []
    siblings = CardState.objects.filter(user_id=state.user_id, card__note__cards=state.card_id, state=S.NEW)
    siblings = siblings.exclude(pk=state.pk)
    if kind == HideAction.Kind.SUSPEND:
        siblings = siblings.filter(suspended=False)
    else:
        siblings = siblings.filter(Q(buried_until__isnull=True) | Q(buried_until__lte=now))
    ids = list(siblings.values_list("id", flat=True))
    CardState.objects.filter(pk__in=ids).update(version=F("version") + 1, **changes)
    return ids


def siblings_show(hiding: HideAction) -> int:
    """Show again the new cards hidden with a question (``_siblings_hide``)
    that are still hidden as that left them."""
    if not hiding.siblings:
        return 0
    states = CardState.objects.filter(user_id=hiding.user_id, pk__in=hiding.siblings, state=S.NEW)
    if hiding.kind == HideAction.Kind.SUSPEND:
        return states.filter(suspended=True).update(suspended=False, version=F("version") + 1)
    return states.filter(buried_until__isnull=False).update(buried_until=None, version=F("version") + 1)


def card_unsuspend(*, user, state_id: int) -> bool:
    """Bring a suspended card back into the queue; False if it was not suspended."""
    return _unhide(user, state_id, HideAction.Kind.SUSPEND, suspended=False)


def card_unbury(*, user, state_id: int) -> bool:
    """Bring a buried card back today; False if it was not buried."""
    return _unhide(user, state_id, HideAction.Kind.BURY, buried_until=None)


def _unhide(user, state_id: int, kind: str, **changes) -> bool:
    """When nothing changed the card since the learner hid it, showing it again
    is exactly the undo of that hiding (the version goes back too, so the
    answer before it stays undoable); otherwise the flag is cleared and the
    version moves on. Either way the card's hide records are spent."""
    with transaction.atomic():
        state = _state_locked(user, state_id)
        if state is None:
            raise NotFound(state_id)
        if kind == HideAction.Kind.SUSPEND:
            hidden = state.suspended
        else:
            hidden = state.buried_until is not None and state.buried_until > timezone.now()
        if not hidden:
            return False
        hiding = HideAction.objects.filter(user=user, state=state, kind=kind).order_by("-id").first()
        if hiding is not None and hiding.version_after == state.version:
            _Undoable.of_hiding(hiding).restore(state)
            state.save(update_fields=["suspended", "buried_until", "version"])
        else:
            CardState.objects.filter(pk=state.pk).update(version=F("version") + 1, **changes)
            if hiding is not None:
                siblings_show(hiding)
        HideAction.objects.filter(state=state).delete()
    return True


def study_scope_set(*, user, profile: Profile, kind: str, value: str) -> None:
    profile.scope_kind = kind
    profile.scope_value = value if kind not in Profile.Scope.without_value() else ""
    profile.save(update_fields=["scope_kind", "scope_value"])
    study_queue_sync(user=user, profile=profile)


def study_session_open(*, user, profile: Profile, now: datetime | None = None) -> None:
    """What opening the study page does before the first card: the learner's
    cards in line with what they study, and (with an exam date) the day
    planned once by the exam policy (studyapp.study.planning)."""
    now = now or timezone.now()
    study_queue_sync(user=user, profile=profile, now=now)
    # A change of the settings that came some other way than the settings
    # page (the admin, a script) is found here.
    exam_replan_if_changed(user=user, profile=profile, now=now)
    study_day_plan(user=user, profile=profile, now=now)


def study_queue_sync(*, user, profile: Profile, now: datetime | None = None) -> None:
    """Make the learner's card states match what they study now: a state for
    every card in scope (new ones as NEW), in_scope cleared for the others,
    and cards whose answer changed since the learner's last review sent back
    to learning with a notice. Runs when the study page opens, never per answer."""
    now = now or timezone.now()
    cards = list(
        cards_in_scope(Scope.of(profile)).order_by("note__note_id", "position").values_list("id", "note_id", "kind")
    )
    ranked = [card_id for card_id, _note, _kind in cards]
    existing = {
        row[0]: row[1:] for row in CardState.objects.filter(user=user).values_list("card_id", "id", "state", "new_rank")
    }
    ranks = _new_ranks(cards, existing)
    CardState.objects.bulk_create(
        [CardState(user=user, card_id=cid, new_rank=ranks[cid]) for cid in ranked if cid not in existing],
        batch_size=500,
        ignore_conflicts=True,
    )
    # Learners who started before questions came first (or whose scope or
    # notes changed) get the new order for the cards they have not met yet.
    moved = [
        CardState(pk=existing[cid][0], new_rank=rank)
        for cid, rank in ranks.items()
        if cid in existing and existing[cid][2] != rank
    ]
    CardState.objects.bulk_update(moved, ["new_rank"], batch_size=500)
    mine = CardState.objects.filter(user=user)
    for chunk in _chunks(ranked, 500):
        mine.filter(in_scope=False, card_id__in=chunk).update(in_scope=True)
    in_scope = set(ranked)
    leaving = [cid for cid in mine.filter(in_scope=True).values_list("card_id", flat=True) if cid not in in_scope]
    for chunk in _chunks(leaving, 500):
        mine.filter(card_id__in=chunk).update(in_scope=False)
    # Once per change of the answer: answer_reset_at remembers the reset, so
    # the next page load neither resets again nor moves the version on (which
    # would drop a grade sent from a page loaded before).
    not_reset_yet = Q(answer_reset_at__isnull=True) | Q(card__answer_changed_at__gt=F("answer_reset_at"))
    mine.filter(not_reset_yet, card__answer_changed_at__gt=F("last_review")).exclude(state=S.NEW).update(
        state=S.LEARNING, step=0, due=now, changed_notice=True, answer_reset_at=now, version=F("version") + 1
    )


def _new_ranks(cards: list[tuple[int, int, str]], existing: dict[int, tuple[int, int, int]]) -> dict[int, int]:
    """The new_rank of every new card in scope (questions first,
    studyapp.study.introduction): ``cards`` as (id, note, kind) in note
    order, ``existing`` the learner's states as card id → (id, state, rank)."""
    new = []
    for card_id, note_id, kind in cards:
        state_id, state, rank = existing.get(card_id, (None, S.NEW, None))
        if state == S.NEW:
            new.append(NewCard(card_id, note_id, kind == Card.Kind.QUESTION, rank=rank, state_id=state_id))
    return new_ranks(new)


def cards_withdraw(*, cards) -> int:
    """Take ``cards`` (a queryset) out of every learner's queue at once: their
    note was unpublished, or a re-import retired them. Maintaining in_scope
    here keeps the next-card query free of joins to cards and notes; the next
    opening of the study page brings back whatever is in scope again."""
    return CardState.objects.filter(card__in=cards, in_scope=True).update(in_scope=False)


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
