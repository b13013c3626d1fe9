"""The day's session for a device to study offline (docs/offline.md): reads only.

The bundle follows the day the server planned (``study_session_open`` runs
first, in the view): the reviews due before the study day ends, up to what
the daily review limit leaves; the new cards the day still allows, in the
order the queue introduces them; and the cards in learning. Each card comes
with its stored, sanitized HTML (never its Markdown), its FSRS state and its
version, and a scenario question with its options and their reasoning, so
that the device can show and grade every card of the day without the
network. The scheduler's configuration is the one grading uses, so the
device can time learning steps; the server's replay stays authoritative."""

from __future__ import annotations

import json
from datetime import date, datetime

from django.db.models import F, Q
from django.template.loader import render_to_string

from studyapp.accounts.models import Profile
from studyapp.notes.models import Card
from studyapp.notes.rendering import card_faces
from studyapp.notes.templatetags.markdown import markdown_inline_filter, markdown_marked_filter
from studyapp.study import questions
from studyapp.study.fsrs_bridge import LEARNING_STEPS, MAXIMUM_INTERVAL_DAYS, RELEARNING_STEPS, scheduler_for
from studyapp.study.models import CardState
from studyapp.study.presenters import scenario_for
from studyapp.study.queue import Today

VERSION = 1
S = CardState.State
# At most this many cards in learning go into a bundle: far more than a day
# holds, and it bounds the bundle whatever the learner's backlog.
LEARNING_MAX = 200
# The whole bundle holds at most this many cards (reviews first, then
# learning, then new): about 1.2 MB of JSON for cards of the seeded bank's
# size (docs/offline.md, bench/offline_sync.py).
CARDS_MAX = 600


STATE_FIELDS = (
    *(f.name for f in CardState._meta.concrete_fields if f.name not in ("user", "card")),
    "user_id",
    "card__id",
    "card__kind",
    "card__front",
    "card__back",
    "card__front_html",
    "card__back_html",
    "card__html_key",
    "card__note__id",
    "card__note__note_id",
    "card__note__title",
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _open(user, now: datetime):
    not_buried = Q(buried_until__isnull=True) | Q(buried_until__lte=now)
    return CardState.objects.filter(user=user, in_scope=True, suspended=False).filter(not_buried)


def bundle_state_ids(*, user, today: Today) -> list[int]:
    """The ids of the states the day holds, in the queue's order: reviews
    due today (lowest exam-day recall first in the final weeks), learning
    cards, new cards; each within the day's limits, all within CARDS_MAX."""
    open_ = _open(user, today.now)
    review_order = [F("exam_recall").asc(nulls_first=True), "due", "id"] if today.exam_order else ["due", "id"]
    reviews = open_.filter(state=S.REVIEW, due__lt=today.day_end).order_by(*review_order)
    learning = open_.filter(state__in=(S.LEARNING, S.RELEARNING)).order_by("due", "id")
    new = open_.filter(state=S.NEW).order_by("new_rank", "id")
    ids: list[int] = []
    for queryset, limit in ((reviews, today.reviews_left), (learning, LEARNING_MAX), (new, today.new_left)):
        room = min(limit, CARDS_MAX - len(ids))
        if room > 0:
            ids += list(queryset.values_list("id", flat=True)[:room])
    return ids


def _fsrs(state: CardState) -> dict:
    return {
        "state": state.state,
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": _iso(state.due),
        "last_review": _iso(state.last_review),
    }


def _question(state: CardState) -> dict:
    scenario = scenario_for(state)
    # The options in the note's order, with their own letters: the device
    # shuffles them for each showing, as the study page does.
    choices = questions.options(state.card.note.parsed)
    return {
        "stem_html": render_to_string("study/scenario_stem.html", {"sc": scenario}),
        "mode": "choice" if scenario.with_texts else "recall",
        "choose": scenario.needed,
        "options": [
            {
                "letter": c.letter,
                "label": c.label,
                "text_html": str(markdown_inline_filter(c.text)),
                "reasoning_html": str(markdown_marked_filter(c.reasoning, scenario.terms)),
                "correct": c.correct,
            }
            for c in choices
        ],
    }


def _card(state: CardState) -> dict:
    card = state.card
    is_question = card.kind == Card.Kind.QUESTION
    front, back = ("", "") if is_question else card_faces(card)
    return {
        "state_id": state.pk,
        "card_id": card.pk,
        "version": state.version,
        "kind": card.kind,
        "front_html": str(front),
        "back_html": str(back),
        "note_id": card.note.note_id,
        "note_title": card.note.title,
        "fsrs": _fsrs(state),
        "new_rank": state.new_rank,
        "exam_recall": state.exam_recall,
        "question": _question(state) if is_question else None,
    }


def scheduler_config(profile: Profile) -> dict:
    """What the device needs to time learning steps as grading does."""
    scheduler = scheduler_for(profile, fuzz=False)
    return {
        "parameters": list(scheduler.parameters),
        "desired_retention": scheduler.desired_retention,
        "learning_steps_s": [int(step.total_seconds()) for step in LEARNING_STEPS],
        "relearning_steps_s": [int(step.total_seconds()) for step in RELEARNING_STEPS],
        "maximum_interval": MAXIMUM_INTERVAL_DAYS,
        "enable_fuzzing": False,
    }


def offline_bundle(*, user, profile: Profile, today: Today, study_day: date) -> dict:
    """The bundle as the API describes it (docs/offline.md), ``bytes`` its
    size as JSON."""
    ids = bundle_state_ids(user=user, today=today)
    # Only what a card shows: the note's source, its other JSON and its
    # texts stay unread; its parsed structure only for scenario questions.
    states = CardState.objects.filter(pk__in=ids).select_related("card__note").only(*STATE_FIELDS)
    by_id = {s.pk: s for s in states}
    question_ids = [pk for pk, s in by_id.items() if s.card.kind == Card.Kind.QUESTION]
    if question_ids:
        for state in states.filter(pk__in=question_ids).only(*STATE_FIELDS, "card__note__parsed"):
            by_id[state.pk] = state
    bundle = {
        "version": VERSION,
        "generated_at": _iso(today.now),
        "study_day": study_day.isoformat(),
        "day_end": _iso(today.day_end),
        "new_left": today.new_left,
        "reviews_left": today.reviews_left,
        "scheduler": scheduler_config(profile),
        "cards": [_card(by_id[pk]) for pk in ids if pk in by_id],
        "bytes": 0,
    }
    return bundle_sized(bundle)


def bundle_sized(bundle: dict) -> dict:
    """``bytes`` set to the bundle's own size as compact UTF-8 JSON, which
    includes the figure's own digits."""
    bundle["bytes"] = 0
    size = len(bundle_json(bundle)) - 1  # without the placeholder's one digit
    digits = len(str(size))
    if len(str(size + digits)) > digits:  # 99,998 + 5 digits = 100,003: six digits
        digits += 1
    bundle["bytes"] = size + digits
    return bundle


def bundle_json(bundle: dict) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
