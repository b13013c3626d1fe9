"""What the study templates need about the card on screen, built from the
CardState (with its card and note already loaded: no queries here)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from django.urls import get_script_prefix, reverse

from studyapp.accounts.models import Profile
from studyapp.notes.models import Card
from studyapp.notes.rendering import card_faces
from studyapp.study import questions
from studyapp.study.exam_bridge import exam_due
from studyapp.study.fsrs_bridge import scheduler_for, to_fsrs
from studyapp.study.intervals import humanize, preview
from studyapp.study.models import CardState

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class ShownOption:
    display: str  # the letter shown (options are reshuffled at each showing)
    choice: questions.Choice
    chosen: bool = False

    @property
    def verdict(self) -> str:
        """right: chosen and correct; wrong: chosen, not correct; missed: a
        correct option left out; plain: neither."""
        if self.chosen:
            return "right" if self.choice.correct else "wrong"
        return "missed" if self.choice.correct else "plain"


@dataclass
class Scenario:
    architecture: str
    requirements: list[dict]
    text: str
    question: str
    needed: int
    options: list[ShownOption] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    with_texts: bool = True


@dataclass(frozen=True)
class CardUrls:
    """Where the card's forms post, and its note."""

    grade: str
    answer: str
    bury: str
    suspend: str
    note: str


# Reversing a URL in the template cost a third of the card's rendering: each
# per-card URL is the card's id put into a pattern reversed once.
_SLOT = 987_654_321


@functools.cache
def _url_around_id(name: str, prefix: str) -> tuple[str, str]:
    head, tail = reverse(name, args=[_SLOT]).split(str(_SLOT))
    return head, tail


def card_urls(state: CardState) -> CardUrls:
    prefix = get_script_prefix()

    def url(name: str) -> str:
        head, tail = _url_around_id(name, prefix)
        return f"{head}{state.pk}{tail}"

    return CardUrls(
        grade=url("study_grade"),
        answer=url("study_answer"),
        bury=url("study_bury"),
        suspend=url("study_suspend"),
        note=reverse("note_detail", args=[state.card.note.note_id]),
    )


@dataclass
class Showing:
    state: CardState
    card: Card
    mode: str  # "flash", "choice" (scenario with option texts), "recall" (scenario without)
    intervals: dict[int, str]
    scenario: Scenario | None = None
    # A flashcard's faces as safe HTML (studyapp.notes.rendering: rendered once, kept).
    front: str = ""
    back: str = ""
    urls: CardUrls | None = None

    @property
    def key(self) -> str:
        """Which card at which version: what the page and the server compare."""
        return showing_key(self.state)


def showing_key(state: CardState) -> str:
    return f"{state.pk}:{state.version}"


def scenario_for(state: CardState, chosen: list[str] | None = None) -> Scenario:
    parsed = state.card.note.parsed
    context = parsed.get("context", {})
    choices = questions.options(parsed)
    # The seed changes with every answer, so each showing gets a new order.
    order = questions.shuffled(choices, seed=state.id * 7919 + state.version)
    picked = set(chosen or [])
    return Scenario(
        architecture=context.get("architecture", ""),
        requirements=[*context.get("requirements", []), *context.get("points", [])],
        text=context.get("text", ""),
        question=parsed.get("question", ""),
        needed=sum(1 for c in choices if c.correct),
        options=[ShownOption(LETTERS[i], c, c.letter in picked) for i, c in enumerate(order)],
        terms=questions.terms(parsed),
        with_texts=questions.has_option_texts(parsed),
    )


def showing_for(state: CardState, profile: Profile, now: datetime) -> Showing:
    card = state.card
    scheduler, clock = scheduler_for(profile, fuzz=False), profile.clock()
    adjust = lambda after, at: exam_due(profile=profile, clock=clock, scheduler=scheduler, card=after, fsrs_now=at)  # noqa: E731
    card_now = to_fsrs(state, clock=clock, now=now)
    intervals = {r: humanize(d) for r, d in preview(scheduler, card_now, clock.fsrs_time(now), adjust).items()}
    urls = card_urls(state)
    if card.kind != Card.Kind.QUESTION:
        front, back = card_faces(card)
        return Showing(state, card, "flash", intervals, front=front, back=back, urls=urls)
    scenario = scenario_for(state)
    return Showing(state, card, "choice" if scenario.with_texts else "recall", intervals, scenario, urls=urls)
