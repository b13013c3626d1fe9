"""Practice outside a mock (issue 16, "Practice modes"): N questions of one
exam domain or task statement, the questions the learner missed, and a short
diagnostic across every domain offered after sign-up. Each is an untimed
attempt (services.attempt_start with kind practice, misses or diagnostic)
shown on the exam page in its feedback mode: every option's reasoning right
after each answer (docs/exams.md, "Practice")."""

from __future__ import annotations

from datetime import datetime

from studyapp.exams import services
from studyapp.exams.models import Attempt, Blueprint
from studyapp.noteformat.vocabulary import DOMAINS, TASK_STATEMENTS

DIAGNOSTIC_QUESTIONS = 15
# The exam whose domain weights a diagnostic follows.
DIAGNOSTIC_BLUEPRINT = "SAP-C02"
PRACTICE_COUNTS = (5, 10, 20, 30)


def practice_start(
    *, user, kind: str, filter_kind: str = "", filter_value: str = "", count: int | None = None, now: datetime
) -> Attempt:
    """Open an untimed attempt of ``kind`` (practice, misses, diagnostic).
    A diagnostic is DIAGNOSTIC_QUESTIONS questions drawn by the shipped
    blueprint's domain weights; the others take ``count`` questions (10 by
    default). Raises services.InvalidAnswer (naming the field) for a bad
    kind, filter or count, services.NoQuestions when nothing matches."""
    if kind == Attempt.Kind.DIAGNOSTIC:
        blueprint = Blueprint.objects.active().filter(code=DIAGNOSTIC_BLUEPRINT).first()
        return services.attempt_start(user=user, blueprint=blueprint, kind=kind, count=DIAGNOSTIC_QUESTIONS, now=now)
    if kind not in (Attempt.Kind.PRACTICE, Attempt.Kind.MISSES):
        raise services.InvalidAnswer(f"kind: no practice of kind {kind!r}", field="kind")
    if kind == Attempt.Kind.PRACTICE and filter_kind not in ("domain", "task"):
        raise services.InvalidAnswer("filter_kind: choose a domain or a task statement", field="filter_kind")
    return services.attempt_start(
        user=user,
        kind=kind,
        filter_kind=filter_kind if kind == Attempt.Kind.PRACTICE else "",
        filter_value=filter_value if kind == Attempt.Kind.PRACTICE else "",
        count=count,
        now=now,
    )


def practice_choices() -> dict:
    """What the entry page offers: the four domains and the twenty task statements."""
    return {
        "domains": [(str(d.number), d) for d in DOMAINS],
        "tasks": [(t.code, t) for t in TASK_STATEMENTS],
        "counts": PRACTICE_COUNTS,
    }


def open_practice(*, user):
    """The learner's untimed attempts not yet submitted, newest first."""
    return Attempt.objects.open().filter(user=user).exclude(kind=Attempt.Kind.MOCK)
