"""What the exam page needs: every question of the attempt with its options
in the order drawn, what is chosen and flagged, and the clock. The page holds
all questions at once, so that moving between them needs no server (a network
blip stops nothing but the saving, which the page retries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from studyapp.exams.models import Attempt, AttemptItem
from studyapp.exams.selectors import items_of
from studyapp.study import questions
from studyapp.study.presenters import LETTERS, Scenario, ShownOption

WARN_AT_MINUTES = (30, 10, 5)
ITEM_FIELDS = ("attempt_id", "position", "note_id", "card_id", "domain", "option_order", "chosen", "needed", "flagged")
ITEM_FIELDS += ("answered_at", "time_ms")


@dataclass
class ExamQuestion:
    item: AttemptItem
    scenario: Scenario
    current: bool

    @property
    def position(self) -> int:
        return self.item.position


def exam_question(item: AttemptItem, *, current: bool) -> ExamQuestion:
    parsed = item.note.parsed
    context = parsed.get("context", {})
    by_letter = {c.letter: c for c in questions.options(parsed)}
    picked = set(item.chosen or ())
    # The options as drawn; one the note has lost since (an edit) is left out.
    shown = [by_letter[letter] for letter in item.option_order if letter in by_letter]
    scenario = Scenario(
        architecture=context.get("architecture", ""),
        requirements=[*context.get("requirements", []), *context.get("points", [])],
        text=context.get("text", ""),
        question=parsed.get("question", ""),
        needed=item.needed,
        options=[ShownOption(LETTERS[i], c, c.letter in picked) for i, c in enumerate(shown)],
    )
    return ExamQuestion(item=item, scenario=scenario, current=current)


def exam_page_context(*, attempt: Attempt, position: int, now: datetime) -> dict:
    # The note's parsed JSON only: its source can be a megabyte.
    items = list(items_of(attempt=attempt).select_related("note").only(*ITEM_FIELDS, "note__parsed", "note__note_id"))
    seconds_left = max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline else None
    return {
        "attempt": attempt,
        "questions": [exam_question(item, current=item.position == position) for item in items],
        "position": position,
        "answered": sum(1 for item in items if item.chosen),
        "flagged": sum(1 for item in items if item.flagged),
        "seconds_left": seconds_left,
        # Shown until the script counts down (and without a script).
        "minutes_left": -(-seconds_left // 60) if seconds_left is not None else None,
        "now": now,
        "warn_at": WARN_AT_MINUTES,
    }
