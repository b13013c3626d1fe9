"""The answers a device sends after studying offline: checked and their
times clamped, before any is applied (docs/offline.md, "Sync"). Pure
validation: no database.

Each entry is judged on its own: a malformed one is refused with a message
naming its field, and the others are applied all the same. A time the
device reports is never trusted beyond what is possible: not in the future,
not before the day's queue was fetched, and never more than MAX_AGE ago."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# A batch holds at most this many answers (the device sends a longer outbox
# in several): far more than a day of study, and it bounds one request.
MAX_ANSWERS = 500
# An answer older than this (a device that stayed offline for weeks, or a
# forged time) counts as given this long ago.
MAX_AGE = timedelta(days=7)
# As the study page: the browser measures a duration, an absurd one is capped.
MAX_DURATION_MS = 30 * 60 * 1000
KINDS = ("grade", "answer", "bury", "suspend")
_MAX_ID = 2**63 - 1
_MAX_VERSION = 2**31
# Epoch milliseconds up to the year 9999 (datetime's limit).
_MAX_EPOCH_MS = 253_402_300_799_000


@dataclass(frozen=True)
class Entry:
    """One answer recorded on the device, checked; ``answered_at`` clamped."""

    index: int  # its place in the batch, for the reply's order
    client_id: uuid.UUID
    state_id: int
    card_version: int
    kind: str
    rating: int | None
    chosen: list[str] | None
    answered_at: datetime
    duration_ms: int | None


@dataclass(frozen=True)
class Refused:
    index: int
    client_id: str
    message: str


class BatchInvalid(ValueError):
    """The body as a whole is not a batch of answers: nothing is applied."""


def _int(entry: dict, name: str, low: int, high: int, *, required: bool = True) -> int | None:
    value = entry.get(name)
    if value is None and not required:
        return None
    # bool is an int in Python; JSON's true is no number here.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value


def _moment(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def clamped(answered_at: datetime, fetched_at: datetime, now: datetime) -> datetime:
    """Not in the future, not before the queue was fetched (itself not in
    the future), and not before MAX_AGE ago."""
    earliest = max(min(fetched_at, now), now - MAX_AGE)
    return min(max(answered_at, earliest), now)


def _entry(index: int, raw, now: datetime) -> Entry:
    if not isinstance(raw, dict):
        raise ValueError("each answer must be an object")
    try:
        client_id = uuid.UUID(str(raw.get("client_id")))
    except ValueError:
        raise ValueError("client_id must be a UUID") from None
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    rating = _int(raw, "rating", 1, 4) if kind == "grade" else None
    chosen = None
    if kind == "answer":
        chosen = raw.get("chosen")
        letters = isinstance(chosen, list) and all(isinstance(c, str) and len(c) == 1 for c in chosen)
        if not letters or len(chosen) > 26:
            raise ValueError("chosen must be a list of option letters")
    duration = _int(raw, "duration_ms", 0, 10**9, required=False)
    answered_at = _moment(_int(raw, "answered_at", 0, _MAX_EPOCH_MS))
    fetched_at = _moment(_int(raw, "fetched_at", 0, _MAX_EPOCH_MS))
    return Entry(
        index=index,
        client_id=client_id,
        state_id=_int(raw, "state_id", 1, _MAX_ID),
        card_version=_int(raw, "card_version", 0, _MAX_VERSION),
        kind=kind,
        rating=rating,
        chosen=chosen,
        answered_at=clamped(answered_at, fetched_at, now),
        duration_ms=min(duration, MAX_DURATION_MS) if duration is not None else None,
    )


def entries_parse(body, *, now: datetime) -> tuple[list[Entry], list[Refused]]:
    """The batch's entries that can be applied, and those refused (each
    with a message naming the field). BatchInvalid when ``body`` is no batch."""
    if not isinstance(body, dict) or not isinstance(body.get("answers"), list):
        raise BatchInvalid('the body must be a JSON object with a list "answers"')
    answers = body["answers"]
    if len(answers) > MAX_ANSWERS:
        raise BatchInvalid(f"answers: at most {MAX_ANSWERS} in one request")
    entries, refused = [], []
    for index, raw in enumerate(answers):
        try:
            entries.append(_entry(index, raw, now))
        except ValueError as exc:
            client_id = raw.get("client_id") if isinstance(raw, dict) else None
            refused.append(Refused(index, str(client_id)[:64] if client_id is not None else "", str(exc)))
    return entries, refused
