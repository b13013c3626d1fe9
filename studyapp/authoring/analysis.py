"""Item analysis for authors: which questions are too easy, too hard or
misleading, and which flashcards learners keep forgetting. Reads only.

Scenario questions are measured on each learner's *first* answer to them
(ReviewLog.chosen / score): later answers come after the explanation was
shown and measure memory, not the question.

- facility: the share of first answers that were fully correct;
- option shares: how often each option was chosen;
- discrimination: the point-biserial correlation between being fully
  correct on this question (1/0) and the learner's mean score on their first
  answers to every *other* question: positive when those who do well
  overall get it right; negative when they are the ones it misleads;
- flags, once a question has ``MIN_ATTEMPTS`` first answers: an option
  nobody chose, a distractor chosen more often than a correct option,
  negative discrimination, facility above 0.95 or below 0.2.

Flashcards: the lapse rate (answers Again to a card in review, over all
answers to it in review) and leeches (learners for whom it became one).
Definitions and thresholds: docs/authoring.md."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q

from studyapp.authoring.models import ProblemReport
from studyapp.notes.models import Card
from studyapp.study.models import CardState, ReviewLog

MIN_ATTEMPTS = 20
EASY = 0.95
HARD = 0.2
LAPSE_RATE_FLAG = 0.3
# Flag names, most serious first: the list is sorted by them.
QUESTION_FLAGS = ("negative_discrimination", "distractor_over_key", "option_never_chosen", "too_hard", "too_easy")
CARD_FLAGS = ("leech", "high_lapse_rate")


@dataclass
class OptionShare:
    letter: str
    label: str
    correct: bool
    chosen: int
    share: float


@dataclass
class QuestionStats:
    card: Card
    attempts: int  # every answer
    learners: int  # first answers
    facility: float | None
    mean_score: float | None
    discrimination: float | None
    options: list[OptionShare] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    open_reports: int = 0

    @property
    def attention(self) -> tuple:
        weight = sum(len(QUESTION_FLAGS) - QUESTION_FLAGS.index(f) for f in self.flags)
        return (-(weight + 2 * self.open_reports), -self.learners, self.card.key)


@dataclass
class CardStats:
    card: Card
    reviews: int
    review_answers: int
    lapses: int
    leeches: int
    flags: list[str] = field(default_factory=list)
    open_reports: int = 0

    @property
    def lapse_rate(self) -> float | None:
        return self.lapses / self.review_answers if self.review_answers else None

    @property
    def attention(self) -> tuple:
        weight = sum(len(CARD_FLAGS) - CARD_FLAGS.index(f) for f in self.flags)
        return (-(weight + 2 * self.open_reports), -(self.lapse_rate or 0), self.card.key)


def point_biserial(xs: list[int], ys: list[float]) -> float | None:
    """Pearson's r of a 0/1 variable against a continuous one; None when
    either does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def _open_reports(cards) -> dict[int, int]:
    return dict(
        ProblemReport.objects.filter(card__in=cards, status=ProblemReport.Status.OPEN)
        .values("card_id")
        .annotate(n=Count("id"))
        .values_list("card_id", "n")
    )


def _first_answers() -> dict[tuple[int, int], tuple[list, float]]:
    """(learner, question) -> (options chosen, score) of their first answer,
    over every question (a learner's score on the rest needs them all)."""
    first_ids = (
        ReviewLog.objects.filter(chosen__isnull=False, card__kind=Card.Kind.QUESTION)
        .values("user_id", "card_id")
        .annotate(first=Min("id"))
        .values("first")
    )
    rows = ReviewLog.objects.filter(id__in=first_ids).values_list("user_id", "card_id", "chosen", "score")
    return {(user, card): (chosen or [], score or 0.0) for user, card, chosen, score in rows}


def questions_analyse(*, notes) -> list[QuestionStats]:
    cards = list(
        Card.objects.active().filter(note__in=notes, kind=Card.Kind.QUESTION).select_related("note").order_by("key")
    )
    if not cards:
        return []
    firsts = _first_answers()
    # Each learner's (sum, count) of first-answer scores: the rest of a
    # question is that minus the question itself.
    totals: dict[int, tuple[float, int]] = defaultdict(lambda: (0.0, 0))
    by_card: dict[int, list] = defaultdict(list)
    for (user, card_id), (chosen, score) in firsts.items():
        total, count = totals[user]
        totals[user] = (total + score, count + 1)
        by_card[card_id].append((user, chosen, score))
    attempts = dict(
        ReviewLog.objects.filter(card__in=cards, chosen__isnull=False)
        .values("card_id")
        .annotate(n=Count("id"))
        .values_list("card_id", "n")
    )
    reports = _open_reports(cards)
    stats = [_question_stats(card, by_card[card.pk], totals, attempts.get(card.pk, 0)) for card in cards]
    for s in stats:
        s.open_reports = reports.get(s.card.pk, 0)
    return sorted(stats, key=lambda s: s.attention)


def _question_stats(card: Card, answers: list, totals: dict, attempts: int) -> QuestionStats:
    n = len(answers)
    stats = QuestionStats(card, attempts, n, None, None, None)
    options = card.note.parsed.get("options", [])
    counts = {o["letter"]: 0 for o in options}
    for _user, chosen, _score in answers:
        for letter in set(chosen):
            if letter in counts:
                counts[letter] += 1
    stats.options = [
        OptionShare(o["letter"], o.get("label", ""), bool(o.get("correct")), chosen, chosen / n if n else 0.0)
        for o in options
        for chosen in [counts[o["letter"]]]
    ]
    if not n:
        return stats
    full = [1 if score >= 1.0 else 0 for _u, _c, score in answers]
    stats.facility = sum(full) / n
    stats.mean_score = sum(score for _u, _c, score in answers) / n
    xs, ys = [], []
    for (user, _chosen, score), x in zip(answers, full, strict=True):
        total, count = totals[user]
        if count > 1:
            xs.append(x)
            ys.append((total - score) / (count - 1))
    stats.discrimination = point_biserial(xs, ys)
    stats.flags = _question_flags(stats, n)
    return stats


def _question_flags(stats: QuestionStats, n: int) -> list[str]:
    if n < MIN_ATTEMPTS:
        return []
    flags = []
    if stats.discrimination is not None and stats.discrimination < 0:
        flags.append("negative_discrimination")
    keys = [o.share for o in stats.options if o.correct]
    if keys and any(o.share > min(keys) for o in stats.options if not o.correct):
        flags.append("distractor_over_key")
    if any(o.chosen == 0 for o in stats.options):
        flags.append("option_never_chosen")
    if stats.facility is not None and stats.facility < HARD:
        flags.append("too_hard")
    if stats.facility is not None and stats.facility > EASY:
        flags.append("too_easy")
    return flags


def cards_analyse(*, notes, limit: int = 200) -> list[CardStats]:
    """Flashcards with answers, most in need of attention first."""
    cards = Card.objects.active().filter(note__in=notes).exclude(kind=Card.Kind.QUESTION)
    logs = (
        ReviewLog.objects.filter(card__in=cards)
        .values("card_id")
        .annotate(
            reviews=Count("id"),
            review_answers=Count("id", filter=Q(previous_state=CardState.State.REVIEW)),
            lapses=Count("id", filter=Q(previous_state=CardState.State.REVIEW, rating=1)),
        )
    )
    figures = {row["card_id"]: row for row in logs}
    leeches = dict(
        CardState.objects.filter(card__in=cards, is_leech=True)
        .values("card_id")
        .annotate(n=Count("id"))
        .values_list("card_id", "n")
    )
    reports = _open_reports(cards)
    wanted = set(figures) | set(leeches) | set(reports)
    stats = []
    for card in Card.objects.filter(pk__in=wanted).select_related("note"):
        row = figures.get(card.pk, {})
        s = CardStats(
            card,
            row.get("reviews", 0),
            row.get("review_answers", 0),
            row.get("lapses", 0),
            leeches.get(card.pk, 0),
            open_reports=reports.get(card.pk, 0),
        )
        if s.leeches:
            s.flags.append("leech")
        if s.review_answers >= MIN_ATTEMPTS and (s.lapse_rate or 0) > LAPSE_RATE_FLAG:
            s.flags.append("high_lapse_rate")
        stats.append(s)
    return sorted(stats, key=lambda s: s.attention)[:limit]
