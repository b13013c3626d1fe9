"""Selectors for the learner's statistics page. Pure reads.

Every figure comes from the learner's own rows (CardState, ReviewLog) and the
fsrs library's recall curve; nothing is estimated from other learners.

Query discipline: ``learner_stats`` runs four queries whatever the amount of
data (card states, leech cards, answers per day, true retention). Counting per
day happens in SQL; the per-card figures (forecast, mastery, readiness) need
fsrs in Python, so the card states are loaded once, as tuples, and everything
card-based is computed from that one list."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache

from django.db.models import Count, Exists, OuterRef, Q

from studyapp.noteformat.vocabulary import DOMAINS, Domain, domain_for, domain_name, domain_order
from studyapp.notes.models import Note
from studyapp.notes.task_statements import TaskCoverage, note_tasks, task_coverage
from studyapp.study.exam_bridge import target_recall
from studyapp.study.fsrs_bridge import recall_at, retrievability, scheduler_for
from studyapp.study.models import CardState, PlanGap, ReviewLog

NEW = CardState.State.NEW
REVIEW = CardState.State.REVIEW

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
RETENTION_DAYS = 30
# Anki's line between young and mature cards: 21 days since the last review.
MATURE_DAYS = 21
LEECH_LIST_LIMIT = 50


# ---------------------------------------------------------------- card states


@dataclass(frozen=True)
class CardRow:
    """What the page needs of one CardState, without model instances."""

    card_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    in_scope: bool
    suspended: bool
    buried_until: datetime | None
    is_leech: bool
    domain: str
    note_id: int | None = None

    def as_state(self) -> CardState:
        # An unsaved instance, only so that fsrs_bridge can translate it.
        return CardState(
            card_id=self.card_id,
            state=self.state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )


CARD_ROW_FIELDS = (
    "card_id",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "in_scope",
    "suspended",
    "buried_until",
    "is_leech",
    "card__note__domain",
    "card__note_id",
)


def card_rows(*, user) -> list[CardRow]:
    """All of the learner's card states, in one query."""
    return [CardRow(*values) for values in CardState.objects.filter(user=user).values_list(*CARD_ROW_FIELDS)]


def _is_queued_review(row: CardRow) -> bool:
    return row.in_scope and not row.suspended and row.state != NEW and row.due is not None


def _available_at(row: CardRow, now: datetime) -> datetime:
    """When a review card can next be shown: its due date, or later if buried."""
    if row.buried_until is not None and row.buried_until > now and row.buried_until > row.due:
        return row.buried_until
    return row.due


@dataclass(frozen=True)
class CardCounts:
    due_today: int
    new: int
    learned: int
    leeches: int
    in_scope: int


def card_counts(rows: list[CardRow], *, profile, now: datetime) -> CardCounts:
    clock = profile.clock()
    end_of_today = clock.day_end(clock.study_day(now))
    return CardCounts(
        due_today=sum(1 for r in rows if _is_queued_review(r) and _available_at(r, now) < end_of_today),
        new=sum(1 for r in rows if r.in_scope and not r.suspended and r.state == NEW),
        learned=sum(1 for r in rows if r.state != NEW),
        leeches=sum(1 for r in rows if r.in_scope and r.is_leech),
        in_scope=sum(1 for r in rows if r.in_scope),
    )


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


def due_forecast(rows: list[CardRow], *, profile, now: datetime, days: int = FORECAST_DAYS) -> list[DayCount]:
    """Reviews due on each of the next ``days`` study days, today first.
    Overdue cards count for today; a buried card counts on the day it returns."""
    clock = profile.clock()
    today = clock.study_day(now)
    buckets = Counter()
    for row in rows:
        if _is_queued_review(row):
            offset = max(0, (clock.study_day(_available_at(row, now)) - today).days)
            if offset < days:
                buckets[offset] += 1
    return [DayCount(today + timedelta(days=i), buckets[i]) for i in range(days)]


@dataclass(frozen=True)
class DomainMastery:
    domain: str
    recall: float  # mean predicted recall now, 0..1 (0 without cards)
    studied: int
    total: int
    # The SAP-C02 domain (None for a domain the exam does not have, or none).
    exam_domain: Domain | None = None

    @property
    def percent(self) -> float:
        return 100 * self.recall


def domain_mastery(rows: list[CardRow], *, profile, now: datetime) -> list[DomainMastery]:
    """Mean predicted recall now per exam domain, over the cards in scope
    (suspended ones included: they are still exam material; new ones count 0).

    The four exam domains come first, in exam order, each of them even
    without cards in scope (the exam asks them all); then other domains
    alphabetically; cards without a domain last."""
    scheduler, clock = scheduler_for(profile, fuzz=False), profile.clock()
    recalls: dict[str, list[float]] = defaultdict(list)
    studied: Counter = Counter()
    canonical = cache(domain_name)  # a spelling stored before the vocabulary existed
    for row in rows:
        if row.in_scope:
            domain = canonical(row.domain)
            recalls[domain].append(retrievability(scheduler, row.as_state(), now, clock=clock))
            studied[domain] += row.state != NEW
    if not recalls:
        return []
    names = [d.name for d in DOMAINS] + sorted(set(recalls) - {d.name for d in DOMAINS}, key=domain_order)
    return [
        DomainMastery(
            d,
            sum(recalls[d]) / len(recalls[d]) if recalls[d] else 0.0,
            studied[d],
            len(recalls[d]),
            domain_for(d),
        )
        for d in names
    ]


@dataclass(frozen=True)
class TaskProgress:
    """One SAP-C02 task statement: what the bank holds for it and how much of
    that the learner knows."""

    coverage: TaskCoverage
    studied: int  # the learner's cards of these notes that are past new
    recall: float  # mean predicted recall now over all of the notes' cards (unseen ones count 0)

    @property
    def percent(self) -> float:
        return 100 * self.recall

    # The coverage's figures, so that one table template shows either.
    @property
    def task(self):
        return self.coverage.task

    @property
    def notes(self) -> int:
        return self.coverage.notes

    @property
    def cards(self) -> int:
        return self.coverage.cards


def task_progress(rows: list[CardRow], *, notes, profile, now: datetime) -> list[TaskProgress]:
    """Coverage and mastery per task statement, in exam order: every card of
    the notes that test it counts, in the learner's scope or not, so that a
    task statement never studied shows as such."""
    scheduler, clock = scheduler_for(profile, fuzz=False), profile.clock()
    bank = note_tasks(notes)
    tasks_of = {pk: tasks for pk, tasks, _cards in bank}
    recall: dict[str, float] = defaultdict(float)
    studied: Counter = Counter()
    for row in rows:
        for code in tasks_of.get(row.note_id) or ():
            if row.state != NEW:
                studied[code] += 1
                recall[code] += retrievability(scheduler, row.as_state(), now, clock=clock)
    return [
        TaskProgress(item, studied[item.task.code], recall[item.task.code] / item.cards if item.cards else 0.0)
        for item in task_coverage(bank)
    ]


@dataclass(frozen=True)
class ModelBasis:
    """What a prediction rests on: which FSRS parameters (the learner's own
    fit, the pooled prior, or FSRS's defaults) and on how many reviews they
    were fitted, the calibration factor, and the learner's own review answers."""

    source: str  # "own", "pooled" or "default"
    fitted_reviews: int
    stability_scale: float
    reviews: int
    # The day a fit of the learner's own was set aside because these
    # parameters predicted their answers since better (None: never).
    set_aside_on: date | None = None


@dataclass(frozen=True)
class Readiness:
    exam_date: date
    days_left: int
    cards: int
    exam_at: datetime | None = None  # the exam's start, when the prediction is made for
    recall: float | None = None  # mean predicted recall at the exam's start, 0..1
    at_target: int = 0  # cards predicted at or above the exam policy's target
    target: float = 0.97  # the policy's target recall
    at_desired: int = 0  # cards predicted at or above the learner's desired retention
    desired: float = 0.9
    # Studied cards whose next review falls on or after the exam: what they
    # have now is what they bring to it.
    not_coming_back: int = 0
    basis: ModelBasis | None = None

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def percent(self) -> float | None:
        return None if self.recall is None else 100 * self.recall

    @property
    def at_target_percent(self) -> float | None:
        return 100 * self.at_target / self.cards if self.cards else None

    @property
    def at_desired_percent(self) -> float | None:
        return 100 * self.at_desired / self.cards if self.cards else None

    @property
    def target_percent(self) -> float:
        return 100 * self.target

    @property
    def desired_percent(self) -> float:
        return 100 * self.desired


def exam_readiness(rows: list[CardRow], *, profile, now: datetime, reviews: int = 0) -> Readiness | None:
    """The predicted recall of every card in scope at the exam's start (the
    exam date at the learner's exam time), and how many cards reach the exam
    policy's target and the learner's desired retention; None without an exam
    date.

    Each card's prediction is FSRS's forgetting curve at the time from its last
    review to the exam's start, in fractional days, with the stability the
    learner's parameters gave it times their calibration factor. A card never
    studied counts 0. ``reviews``: the learner's answers, for the basis."""
    clock = profile.clock()
    exam_date = clock.exam_date
    if not exam_date:
        return None
    days_left = (exam_date - clock.study_day(now)).days
    in_scope = [r for r in rows if r.in_scope]
    target, desired = target_recall(profile), profile.desired_retention
    basis = ModelBasis(
        profile.parameters_source,
        profile.parameters_reviews,
        profile.stability_scale,
        reviews,
        profile.parameters_set_aside_on,
    )
    exam_at = clock.exam_at
    readiness = Readiness(
        exam_date=exam_date,
        days_left=days_left,
        cards=len(in_scope),
        exam_at=exam_at,
        target=target,
        desired=desired,
        basis=basis,
    )
    if days_left < 0 or not in_scope:
        return readiness
    # On the exam day itself, after its start, predict for now.
    moment = max(exam_at, now)
    scheduler = scheduler_for(profile, fuzz=False)
    scale = profile.stability_scale
    recalls = [recall_at(scheduler, r.as_state(), moment, stability_scale=scale) for r in in_scope]
    return replace(
        readiness,
        recall=sum(recalls) / len(recalls),
        at_target=sum(1 for r in recalls if r >= target),
        at_desired=sum(1 for r in recalls if r >= desired),
        not_coming_back=len(not_coming_back(rows, exam_at=exam_at, now=now)),
    )


def not_coming_back(rows: list[CardRow], *, exam_at: datetime, now: datetime) -> list[CardRow]:
    """Studied cards in scope that will not be shown again before the exam
    (due, or buried until, on or after its start)."""
    return [r for r in rows if _is_queued_review(r) and _available_at(r, now) >= exam_at]


@dataclass(frozen=True)
class LeechCard:
    front: str
    note_id: str


@dataclass(frozen=True)
class GapCard:
    """A card the exam plan found no day for before the exam, and why."""

    front: str
    note_id: str
    reason: str


def plan_gaps(*, user, profile, exam_at: datetime, limit: int = LEECH_LIST_LIMIT) -> list[GapCard]:
    """The cards the last replan had no room for before the exam
    (PlanGap), while they still are not due before its study day: a card
    reviewed or brought forward since has its review."""
    clock = profile.clock()
    exam_day_start = clock.day_start(clock.study_day(exam_at))
    rows = (
        PlanGap.objects.filter(user=user, exam_at=exam_at, state__in_scope=True, state__due__gte=exam_day_start)
        .order_by("state__card__note__note_id", "state__card__position", "state_id")
        .values_list("state__card__front", "state__card__note__note_id", "reason")[:limit]
    )
    return [GapCard(front, note_id, PlanGap.Reason(reason).label) for front, note_id, reason in rows]


def leech_cards(*, user, limit: int = LEECH_LIST_LIMIT) -> list[LeechCard]:
    rows = (
        CardState.objects.filter(user=user, in_scope=True, is_leech=True)
        .order_by("card__note__note_id", "card__position", "card_id")
        .values_list("card__front", "card__note__note_id")[:limit]
    )
    return [LeechCard(front, note_id) for front, note_id in rows]


# ---------------------------------------------------------------- review log


def answers_per_day(*, user) -> dict[date, int]:
    """Answers (ReviewLog rows) per study day, all time, counted in SQL."""
    rows = ReviewLog.objects.filter(user=user).values("study_day").annotate(n=Count("id")).order_by("study_day")
    return {row["study_day"]: row["n"] for row in rows}


def study_streak(days: dict[date, int], *, today: date) -> int:
    """Consecutive study days with an answer, ending today, or yesterday when
    nothing has been answered yet today (the streak is not broken before the
    day is over)."""
    day = today if days.get(today) else today - timedelta(days=1)
    streak = 0
    while days.get(day):
        streak += 1
        day -= timedelta(days=1)
    return streak


@dataclass(frozen=True)
class Heatmap:
    days: list[DayCount]  # oldest first, ending today

    @property
    def total(self) -> int:
        return sum(d.count for d in self.days)

    @property
    def active_days(self) -> int:
        return sum(1 for d in self.days if d.count)

    @property
    def busiest(self) -> DayCount | None:
        best = max(self.days, key=lambda d: d.count, default=None)
        return best if best and best.count else None

    @property
    def mean_per_active_day(self) -> float:
        return self.total / self.active_days if self.active_days else 0.0


def heatmap(days: dict[date, int], *, today: date, length: int = HEATMAP_DAYS) -> Heatmap:
    first = today - timedelta(days=length - 1)
    return Heatmap([DayCount(first + timedelta(days=i), days.get(first + timedelta(days=i), 0)) for i in range(length)])


@dataclass(frozen=True)
class RetentionFigure:
    passed: int
    total: int

    @property
    def percent(self) -> float | None:
        return 100 * self.passed / self.total if self.total else None


@dataclass(frozen=True)
class Retention:
    young: RetentionFigure
    mature: RetentionFigure
    first_day: date
    last_day: date

    @property
    def all(self) -> RetentionFigure:
        return RetentionFigure(self.young.passed + self.mature.passed, self.young.total + self.mature.total)


def true_retention(*, user, profile, now: datetime, days: int = RETENTION_DAYS) -> Retention:
    """Share of reviews of cards in the review state that were not forgotten
    (rating > 1), over the last ``days`` study days, counting only the first
    such review of a card on a study day (a card seen again the same day is
    being practised, not tested). Young: fewer than 21 days since the previous
    review; mature: 21 or more. One query."""
    today = profile.clock().study_day(now)
    first_day = today - timedelta(days=days - 1)
    reviews = ReviewLog.objects.filter(user=user, previous_state=REVIEW)
    earlier_same_day = reviews.filter(card=OuterRef("card"), study_day=OuterRef("study_day")).filter(
        Q(reviewed_at__lt=OuterRef("reviewed_at")) | Q(reviewed_at=OuterRef("reviewed_at"), id__lt=OuterRef("id"))
    )
    firsts = reviews.filter(study_day__gte=first_day, study_day__lte=today).filter(~Exists(earlier_same_day))
    mature = Q(elapsed_days__gte=MATURE_DAYS)
    passed = Q(rating__gt=1)
    counts = firsts.aggregate(
        young=Count("id", filter=~mature),
        young_passed=Count("id", filter=~mature & passed),
        mature=Count("id", filter=mature),
        mature_passed=Count("id", filter=mature & passed),
    )
    return Retention(
        young=RetentionFigure(counts["young_passed"], counts["young"]),
        mature=RetentionFigure(counts["mature_passed"], counts["mature"]),
        first_day=first_day,
        last_day=today,
    )


# ---------------------------------------------------------------- the page


@dataclass(frozen=True)
class LearnerStats:
    today: date
    counts: CardCounts
    streak: int
    answered_today: int
    heatmap: Heatmap
    forecast: list[DayCount]
    retention: Retention
    mastery: list[DomainMastery]
    readiness: Readiness | None
    tasks: list[TaskProgress] = field(default_factory=list)
    leeches: list[LeechCard] = field(default_factory=list)
    gaps: list[GapCard] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        """Anything to show beyond zeros: cards in scope or any answer ever."""
        return bool(self.counts.in_scope or self.counts.learned or self.streak or self.heatmap.total)

    @property
    def forecast_total(self) -> int:
        return sum(d.count for d in self.forecast)


def learner_stats(*, user, profile, now: datetime) -> LearnerStats:
    """Everything the statistics page shows, in four queries (five with an
    exam ahead: the cards its plan has no room for)."""
    today = profile.clock().study_day(now)
    rows = card_rows(user=user)
    counts = card_counts(rows, profile=profile, now=now)
    per_day = answers_per_day(user=user)
    reviews = sum(per_day.values())
    readiness = exam_readiness(rows, profile=profile, now=now, reviews=reviews)
    ahead = readiness is not None and not readiness.passed and readiness.exam_at is not None
    return LearnerStats(
        today=today,
        counts=counts,
        streak=study_streak(per_day, today=today),
        answered_today=per_day.get(today, 0),
        heatmap=heatmap(per_day, today=today),
        forecast=due_forecast(rows, profile=profile, now=now),
        retention=true_retention(user=user, profile=profile, now=now),
        mastery=domain_mastery(rows, profile=profile, now=now),
        readiness=readiness,
        leeches=leech_cards(user=user),
        gaps=plan_gaps(user=user, profile=profile, exam_at=readiness.exam_at) if ahead else [],
        # The published bank: what every learner studies (an author's drafts are not exam material yet).
        tasks=task_progress(rows, notes=Note.objects.published(), profile=profile, now=now),
    )
