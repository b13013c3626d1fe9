"""Applying the answers a device recorded offline (docs/offline.md, "Sync").

Entries are applied in the order they were given (``answered_at``, clamped),
each on its own (one transaction each: a refused entry loses nothing else),
through the services an online answer goes through:
- on the card's version the device had: ``card_grade`` / ``question_answer``
  / ``card_bury`` / ``card_suspend``, exactly as online ("applied");
- on a card that changed since (another device answered it, the server
  moved it): the answer is kept in the log and the state rebuilt by replaying
  the card's log in time order (``offline_replay.answer_merge``); a bury or
  suspend is applied to the card as it is ("superseded").
Idempotent by the device's ``client_id``: a unique constraint per learner on
the log and on the hide records, and entries already recorded are found with
one query per table before any is applied ("duplicate")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import ngettext

from studyapp.accounts.models import Profile
from studyapp.study import offline_replay, services
from studyapp.study.models import CardState, HideAction, ReviewLog
from studyapp.study.offline_entries import Entry, Refused

APPLIED, DUPLICATE, SUPERSEDED = "applied", "duplicate", "superseded"
NOT_FOUND, UNAVAILABLE, OVER_LIMIT, INVALID = "not_found", "unavailable", "over_limit", "invalid"
# The HTTP status each outcome would have had as a request of its own.
CODES = {APPLIED: 200, DUPLICATE: 200, SUPERSEDED: 200, NOT_FOUND: 404, UNAVAILABLE: 410, OVER_LIMIT: 409, INVALID: 400}
MESSAGES = {
    APPLIED: "recorded",
    DUPLICATE: "already recorded",
    SUPERSEDED: "recorded; the card had changed elsewhere, so its answers were merged in time order",
    NOT_FOUND: "no such card",
    UNAVAILABLE: "the card is no longer in what you study: not recorded",
    OVER_LIMIT: "no new card is left for that day: not recorded, the card stays new",
    INVALID: "more options chosen than the question asks for: not recorded",
}


@dataclass(frozen=True)
class Result:
    index: int
    client_id: str
    status: str
    state_id: int | None = None
    message: str = ""

    @property
    def code(self) -> int:
        return CODES[self.status]

    def as_json(self) -> dict:
        return {
            "client_id": self.client_id,
            "status": self.status,
            "code": self.code,
            "message": self.message or MESSAGES[self.status],
            "state_id": self.state_id,
        }


def offline_answers_apply(*, user, profile: Profile, entries: list[Entry], refused: list[Refused]) -> list[Result]:
    """Apply the batch; one result per entry, in the batch's order."""
    results = [Result(r.index, r.client_id, INVALID, message=r.message) for r in refused]
    recorded = _recorded(user, [e.client_id for e in entries])
    for entry in sorted(entries, key=lambda e: (e.answered_at, e.index)):
        if entry.client_id in recorded:
            status = DUPLICATE
        else:
            recorded.add(entry.client_id)
            status = _apply(user, profile, entry)
        results.append(Result(entry.index, str(entry.client_id), status, entry.state_id))
    return sorted(results, key=lambda r: r.index)


def _recorded(user, client_ids: list) -> set:
    """The ids among ``client_ids`` already recorded (two queries a batch)."""
    if not client_ids:
        return set()
    logs = ReviewLog.objects.filter(user=user, client_id__in=client_ids).values_list("client_id", flat=True)
    hidings = HideAction.objects.filter(user=user, client_id__in=client_ids).values_list("client_id", flat=True)
    return {*logs, *hidings}


def _apply(user, profile: Profile, entry: Entry) -> str:
    try:
        with transaction.atomic():
            if entry.kind in ("bury", "suspend"):
                return _hide(user, profile, entry)
            return _answer(user, profile, entry)
    except IntegrityError:
        # The same client_id recorded meanwhile (the batch sent twice at once).
        return DUPLICATE
    except services.NotFound:
        return NOT_FOUND
    except services.Unavailable:
        return UNAVAILABLE
    except services.OverLimit:
        return OVER_LIMIT
    except services.TooManyChoices:
        # More options than the question asks for: refused like online (400).
        return INVALID


def _answer(user, profile: Profile, entry: Entry) -> str:
    common = {
        "user": user,
        "profile": profile,
        "state_id": entry.state_id,
        "version": entry.card_version,
        "duration_ms": entry.duration_ms,
        "now": entry.answered_at,
        "client_id": entry.client_id,
        "offline": True,
    }
    if entry.kind == "answer":
        outcome = services.question_answer(chosen=entry.chosen, **common)
    else:
        outcome = services.card_grade(rating=entry.rating, **common)
    if not outcome.duplicate:
        return APPLIED
    merge = {"rating": entry.rating}
    if entry.kind == "answer":
        # The card is a question (question_answer found it so).
        scored = services.question_score(outcome.state.card, entry.chosen)
        merge = {"rating": scored.rating, "chosen": scored.picked, "score": scored.score}
    offline_replay.answer_merge(
        user=user,
        profile=profile,
        state_id=entry.state_id,
        at=entry.answered_at,
        duration_ms=entry.duration_ms,
        client_id=entry.client_id,
        **merge,
    )
    if entry.kind == "answer" and scored.wrong:
        services.traps_pull_forward(user=user, card=outcome.state.card, wrong=set(scored.wrong), now=entry.answered_at)
    return SUPERSEDED


def _hide(user, profile: Profile, entry: Entry) -> str:
    """A bury or suspend hides the card whatever changed it since: on the
    device's version "applied", else on the version it has now "superseded"."""
    action = services.card_bury if entry.kind == "bury" else services.card_suspend
    common = {"user": user, "profile": profile, "state_id": entry.state_id, "now": entry.answered_at}
    if action(version=entry.card_version, client_id=entry.client_id, **common):
        return APPLIED
    current = CardState.objects.filter(pk=entry.state_id, user=user).values_list("version", flat=True).first()
    if current is None:
        raise services.NotFound(entry.state_id)
    action(version=current, client_id=entry.client_id, **common)
    return SUPERSEDED


def sync_notices(results: list[Result]) -> list[str]:
    """What the learner is told about the batch as a whole, in their language."""
    merged = sum(r.status == SUPERSEDED for r in results)
    dropped = sum(r.code >= 400 for r in results)
    notices = []
    if merged:
        notices.append(
            ngettext(
                "%(n)d answer given offline was merged with answers given on another device.",
                "%(n)d answers given offline were merged with answers given on another device.",
                merged,
            )
            % {"n": merged}
        )
    if dropped:
        notices.append(
            ngettext(
                "%(n)d answer given offline could not be recorded.",
                "%(n)d answers given offline could not be recorded.",
                dropped,
            )
            % {"n": dropped}
        )
    return notices
