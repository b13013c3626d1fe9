"""One member's figures for one assignment, from their own rows: what a
MemberSnapshot stores. Run by the refresh task, never by a page.

Coverage: assigned cards studied at least once, of the cards assigned
(active cards of the published notes the assignment names, as a study scope
would choose them). Activity: answers to assigned cards. Readiness: see
teams/readiness.py. Details (only for members who share them): mean
predicted recall now per exam domain and per tag, scenario accuracy, and the
wrong options they chose."""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from django.utils.html import strip_tags

from studyapp.noteformat.vocabulary import domain_name, domain_order
from studyapp.notes.models import Card, Note, Option
from studyapp.sanitizer import render_inline
from studyapp.study.fsrs_bridge import retrievability, scheduler_for
from studyapp.study.models import CardState, ReviewLog
from studyapp.study.scope import Scope, cards_in_scope
from studyapp.study.stats import card_rows, study_streak
from studyapp.teams.models import Assignment
from studyapp.teams.readiness import (
    PACE_DAYS,
    band_for,
    forecast_recall,
    member_readiness,
    readiness_band,
)

NEW = CardState.State.NEW


def plain_text(markdown: str) -> str:
    """A card's Markdown front as the text it shows (the aggregate keeps text;
    pages escape it like any other)."""
    return html.unescape(strip_tags(render_inline(markdown))).strip()


TOP_TRAPS_PER_MEMBER = 5


@dataclass
class AssignmentCards:
    """The cards an assignment names, read once per refresh."""

    ids: set[int] = field(default_factory=set)
    domain: dict[int, str] = field(default_factory=dict)  # card -> canonical exam domain ("" for none)
    tags: dict[int, list[str]] = field(default_factory=dict)
    triggers: dict[int, tuple[str, str]] = field(default_factory=dict)  # trigger card -> (term, note id)
    note: dict[int, str] = field(default_factory=dict)  # card -> note id
    correct: dict[str, set[str]] = field(default_factory=dict)  # note id -> correct letters
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (note id, letter) -> option label

    @property
    def domains(self) -> list[str]:
        return sorted(set(self.domain.values()), key=domain_order)

    @property
    def tag_names(self) -> list[str]:
        return sorted({tag for tags in self.tags.values() for tag in tags})


def assignment_cards(assignment: Assignment) -> AssignmentCards:
    """Three queries: the cards, their notes' tags, their notes' options."""
    cards = cards_in_scope(Scope(assignment.kind, assignment.value))
    result = AssignmentCards()
    canonical = cache(domain_name)
    note_of = {}
    for card_id, kind, front, note_pk, note_id, domain in cards.values_list(
        "id", "kind", "front", "note_id", "note__note_id", "note__domain"
    ):
        result.ids.add(card_id)
        result.domain[card_id] = canonical(domain) if domain else ""
        result.note[card_id] = note_id
        note_of[card_id] = note_pk
        if kind == Card.Kind.TRIGGER:
            result.triggers[card_id] = (plain_text(front), note_id)
    note_ids = cards.values("note_id")
    tags_by_note = defaultdict(list)
    for note_pk, tag in Note.tags.through.objects.filter(note_id__in=note_ids).values_list("note_id", "tag__name"):
        tags_by_note[note_pk].append(tag)
    result.tags = {card_id: sorted(tags_by_note[note_pk]) for card_id, note_pk in note_of.items()}
    for note_id, letter, label, is_correct in Option.objects.filter(note_id__in=note_ids).values_list(
        "note__note_id", "letter", "label", "is_correct"
    ):
        result.labels[(note_id, letter)] = label
        if is_correct:
            result.correct.setdefault(note_id, set()).add(letter)
    return result


@dataclass(frozen=True)
class Activity:
    last_active: datetime | None
    reviews_7: int
    reviews_30: int
    streak: int
    new_recently: int  # first answers to assigned cards in the last PACE_DAYS study days


def member_answers(*, user, cards: AssignmentCards) -> list[tuple]:
    """The member's answers to assigned cards: (card, study day, state before,
    when, options chosen, score). One indexed read of their log, filtered
    here: joining the log to the assignment's notes and tags in SQL costs far
    more than the rows."""
    rows = ReviewLog.objects.filter(user=user).values_list(
        "card_id", "study_day", "previous_state", "reviewed_at", "chosen", "score"
    )
    return [row for row in rows.iterator(chunk_size=5000) if row[0] in cards.ids]


def activity(answers: list[tuple], *, today: date) -> Activity:
    counts: Counter = Counter()
    news, last = 0, None
    pace_from = today - timedelta(days=PACE_DAYS)
    for _card, day, previous, reviewed_at, _chosen, _score in answers:
        counts[day] += 1
        if previous == NEW and pace_from < day <= today:
            news += 1
        if last is None or reviewed_at > last:
            last = reviewed_at

    def within(days: int) -> int:
        return sum(n for day, n in counts.items() if today - timedelta(days=days) < day <= today)

    return Activity(last, within(7), within(30), study_streak(counts, today=today), news)


def member_figures(*, user, profile, assignment: Assignment, cards: AssignmentCards, share_details: bool, now):
    """The fields of the member's MemberSnapshot (without the keys)."""
    today = profile.clock().study_day(now)
    rows = [row for row in card_rows(user=user) if row.card_id in cards.ids]
    seen = sum(1 for row in rows if row.state != NEW)
    assigned = len(cards.ids)
    answers = member_answers(user=user, cards=cards)
    done = activity(answers, today=today)
    readiness = member_readiness(rows=rows, profile=profile, exam_date=assignment.exam_date, assigned=assigned, now=now)
    forecast = forecast_recall(
        readiness, seen=seen, new_per_day=done.new_recently / PACE_DAYS, active=done.reviews_7 > 0
    )
    figures = {
        "day": today,
        "target": readiness.target,
        "share_details": share_details,
        "assigned": assigned,
        "seen": seen,
        "last_active": done.last_active,
        "reviews_7": done.reviews_7,
        "reviews_30": done.reviews_30,
        "streak": done.streak,
        "band": readiness_band(readiness),
        "forecast_band": band_for(
            recall=forecast, target=readiness.target, days_left=readiness.days_left, cards=readiness.cards
        ),
        "details": None,
        "inputs": None,
    }
    if share_details:
        figures["details"], figures["inputs"] = _details(profile, rows, answers, cards, readiness, now)
    return figures


def _details(profile, rows, answers, cards: AssignmentCards, readiness, now) -> tuple[dict, dict]:
    scheduler = scheduler_for(profile, fuzz=False)
    # The study app's memory model, card by card (a CardRow has what it reads).
    clock = profile.clock()
    recall = {row.card_id: retrievability(scheduler, row, now, clock=clock) for row in rows}
    studied = {row.card_id for row in rows if row.state != NEW}

    def mean_by(groups: dict[str, list[int]]) -> dict[str, float]:
        # Over every assigned card of the group: a card never studied counts 0.
        return {name: sum(recall.get(c, 0.0) for c in ids) / len(ids) for name, ids in groups.items() if ids}

    by_domain, by_tag = defaultdict(list), defaultdict(list)
    for card_id in cards.ids:
        by_domain[cards.domain[card_id]].append(card_id)
        for tag in cards.tags[card_id]:
            by_tag[tag].append(card_id)
    domains = mean_by(by_domain)
    answered, score_sum, traps = 0, 0.0, Counter()
    scenario = [(cards.note[card], chosen, score) for card, _d, _p, _w, chosen, score in answers if chosen is not None]
    for note_id, chosen, score in scenario:
        answered += 1
        score_sum += score or 0.0
        for letter in set(chosen or []) - cards.correct.get(note_id, set()):
            traps[(note_id, letter)] += 1
    top = sorted(traps.items(), key=lambda item: (-item[1], item[0]))[:TOP_TRAPS_PER_MEMBER]
    details = {
        "recall": readiness.recall,
        "at_target": readiness.at_target,
        "domains": [[name, domains[name], len(by_domain[name])] for name in sorted(domains, key=domain_order)],
        "scenario": {"answers": answered, "accuracy": score_sum / answered if answered else None},
        "traps": [[note_id, letter, cards.labels.get((note_id, letter), ""), n] for (note_id, letter), n in top],
    }
    inputs = {
        "domains": domains,
        "tags": mean_by(by_tag),
        "traps": {f"{note_id}\t{letter}": n for (note_id, letter), n in traps.items()},
        "triggers": {str(c): recall[c] for c in cards.triggers if c in studied},
    }
    return details, inputs
