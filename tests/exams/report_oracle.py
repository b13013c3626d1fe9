"""An independent computation of a report's figures, straight from the
stored rows (AttemptItem, Option): the product's figures must equal these.
Written apart from studyapp.exams.report on purpose: its own scoring (the
key from the Option rows), its own Wilson (the roots of the quadratic the
interval solves), its own grouping."""

from __future__ import annotations

import math

from studyapp.exams.models import AttemptItem
from studyapp.notes.models import Option

Z = 1.959963984540054


def wilson_by_quadratic(k: int, n: int) -> tuple[float, float]:
    """The p with |p̂ − p| = z·sqrt(p(1−p)/n): roots of
    (1 + z²/n)p² − (2p̂ + z²/n)p + p̂² = 0, in percent."""
    phat = k / n
    a = 1 + Z * Z / n
    b = -(2 * phat + Z * Z / n)
    c = phat * phat
    root = math.sqrt(max(0.0, b * b - 4 * a * c))
    return 100 * (-b - root) / (2 * a), 100 * (-b + root) / (2 * a)


def expected_report(attempt) -> dict:
    items = list(AttemptItem.objects.filter(attempt=attempt).values("note_id", "domain", "chosen", "time_ms"))
    key: dict[int, set[str]] = {}
    for note_id, letter in Option.objects.filter(is_correct=True).values_list("note_id", "letter"):
        key.setdefault(note_id, set()).add(letter)
    rights = [bool(i["chosen"]) and set(i["chosen"]) == key[i["note_id"]] for i in items]
    domains: dict[str, list[bool]] = {}
    for item, right in zip(items, rights, strict=True):
        domains.setdefault(item["domain"], []).append(right)
    end = min(attempt.submitted_at, attempt.deadline) if attempt.deadline else attempt.submitted_at
    used = (end - attempt.started_at).total_seconds()
    return {
        "questions": len(items),
        "correct": sum(rights),
        "percent": 100 * sum(rights) / len(items),
        "interval": wilson_by_quadratic(sum(rights), len(items)),
        "domains": {name: (sum(r), len(r)) for name, r in domains.items()},
        "used_seconds": used,
        "per_question_seconds": used / len(items),
    }
