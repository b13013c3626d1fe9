"""Building offline answers the way a device records them, and sending them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.urls import reverse

from studyapp.notes.models import Card
from studyapp.study.models import CardState, ReviewLog
from tests.study import offline_oracle


def flashcards(user) -> list[CardState]:
    """The learner's states of cards that are not scenario questions, in the queue's order."""
    states = CardState.objects.filter(user=user).exclude(card__kind=Card.Kind.QUESTION)
    return list(states.order_by("new_rank", "id"))


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


class Device:
    """A device's outbox: it keeps each card's version as the server would
    move it (one per action), as the browser does."""

    def __init__(self, states, fetched_at: datetime):
        self.versions = {s.pk: s.version for s in states}
        self.fetched_at = fetched_at
        self.outbox: list[dict] = []

    def record(self, state_id: int, at: datetime, *, kind="grade", rating=None, chosen=None, duration_ms=4000):
        entry = {
            "client_id": str(uuid.uuid4()),
            "state_id": state_id,
            "card_version": self.versions[state_id],
            "kind": kind,
            "rating": rating,
            "chosen": chosen,
            "answered_at": ms(at),
            "duration_ms": duration_ms,
            "fetched_at": ms(self.fetched_at),
        }
        self.versions[state_id] += 1
        self.outbox.append(entry)
        return entry


def sync(client, answers: list[dict]):
    return client.post(
        reverse("study_offline_sync"), data=json.dumps({"answers": answers}), content_type="application/json"
    )


def log_rows(user) -> list[tuple[int, datetime, int]]:
    """The learner's log as (card, time, rating), in time order."""
    return list(
        ReviewLog.objects.filter(user=user)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "reviewed_at", "rating")
    )


def assert_states_equal_the_replay(user):
    """Every answered card's state is what the independent replay of the log gives."""
    user.profile.refresh_from_db()
    expected = offline_oracle.replay(log_rows(user), profile=user.profile)
    assert expected
    for card_id, want in expected.items():
        state = CardState.objects.get(user=user, card_id=card_id)
        got = offline_oracle.Replayed(
            state.state,
            state.step,
            state.stability,
            state.difficulty,
            state.due,
            state.last_review,
            state.reps,
            state.lapses,
        )
        assert got == want, (card_id, got, want)


def assert_log_is_a_chain(user):
    """Each row's "before" is the previous row's "after", card by card, and
    the last "after" is the state as it is."""
    by_state: dict[int, list[ReviewLog]] = {}
    for row in ReviewLog.objects.filter(user=user).order_by("reviewed_at", "id"):
        by_state.setdefault(row.state_id, []).append(row)
    for state_id, rows in by_state.items():
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert later.state_before == earlier.state_after, state_id
        state = CardState.objects.get(pk=state_id)
        assert rows[-1].state_after["version"] == state.version
        assert rows[-1].state_after["stability"] == state.stability
