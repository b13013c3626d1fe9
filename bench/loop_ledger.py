"""The answer ledger: every answer the virtual learners sent, and the check
that the review log holds exactly one row per answer the server accepted,
none twice, none missing, none that was never sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.loadgen import Response


@dataclass
class AnswerBook:
    """Every answer a virtual learner sent: (state id, version) -> the
    statuses of the requests that carried it."""

    answers: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    retries: int = 0
    double_clicks: int = 0
    sittings: int = 0
    done_for_today: int = 0
    unreadable: int = 0

    def record(self, key: tuple[int, int], responses: Sequence[Response]) -> None:
        self.answers.setdefault(key, []).extend(r.status for r in responses)

    @property
    def accepted(self) -> set[tuple[int, int]]:
        return {key for key, statuses in self.answers.items() if any(200 <= s < 300 for s in statuses)}

    @property
    def submissions(self) -> int:
        return sum(len(statuses) for statuses in self.answers.values())


@dataclass(frozen=True)
class LedgerCheck:
    logs_added: int
    accepted_answers: int
    recorded_twice: int
    missing: int
    unexpected: int

    @property
    def equal(self) -> bool:
        return self.logs_added == self.accepted_answers and not (self.recorded_twice or self.missing or self.unexpected)


def latest_log_id() -> int:
    from django.db.models import Max

    from studyapp.study.models import ReviewLog

    return ReviewLog.objects.aggregate(top=Max("id"))["top"] or 0


def check_ledger(after_id: int, book: AnswerBook) -> LedgerCheck:
    """The logs written since ``after_id`` against the answers the server
    accepted: one log per (card state, version answered), no more, no less."""
    from studyapp.study.models import ReviewLog

    rows = ReviewLog.objects.filter(id__gt=after_id).values_list("state_id", "state_before")
    logged = Counter((state_id, before["version"]) for state_id, before in rows)
    accepted = book.accepted
    return LedgerCheck(
        logs_added=sum(logged.values()),
        accepted_answers=len(accepted),
        recorded_twice=sum(1 for n in logged.values() if n > 1),
        missing=len(accepted - set(logged)),
        unexpected=len(set(logged) - accepted),
    )
