"""The same cards answered offline on two devices, synced in either order:
both answers kept, in time order, the states those of the time-ordered
replay, the log a chain, and undo exact or cleanly refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.study.models import CardState, ReviewLog
from tests.study.offline_helpers import (
    Device,
    assert_log_is_a_chain,
    assert_states_equal_the_replay,
    flashcards,
    ms,
    sync,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def two_devices(user):
    states = list(CardState.objects.filter(user=user))
    fetched = timezone.now() - timedelta(hours=5)
    return Device(states, fetched), Device(states, fetched)


def overlapping(user):
    """Phone and laptop, interleaved in time, sharing cards 0-2 of five."""
    phone, laptop = two_devices(user)
    cards = [s.pk for s in flashcards(user)[:5]]
    t = phone.fetched_at + timedelta(minutes=2)
    plan = [
        (phone, cards[0], 0, 3),
        (laptop, cards[0], 4, 1),
        (phone, cards[1], 9, 3),
        (phone, cards[0], 14, 3),
        (laptop, cards[1], 21, 2),
        (laptop, cards[2], 25, 3),
        (phone, cards[2], 31, 4),
        (laptop, cards[0], 40, 3),
        (phone, cards[3], 45, 3),
        (laptop, cards[4], 50, 3),
        (laptop, cards[2], 61, 3),
    ]
    for device, card, minutes, rating in plan:
        device.record(card, t + timedelta(minutes=minutes, seconds=7), rating=rating)
    return phone, laptop


@pytest.mark.parametrize("phone_first", [True, False])
def test_two_devices_in_either_order_lose_nothing_and_equal_the_time_ordered_replay(client, alice_deck, phone_first):
    phone, laptop = overlapping(alice_deck)
    client.force_login(alice_deck)
    first, second = (phone, laptop) if phone_first else (laptop, phone)
    assert {r["status"] for r in sync(client, first.outbox).json()["results"]} == {"applied"}
    statuses = [r["status"] for r in sync(client, second.outbox).json()["results"]]
    assert "superseded" in statuses and set(statuses) <= {"applied", "superseded"}
    every = sorted(phone.outbox + laptop.outbox, key=lambda e: e["answered_at"])
    logs = list(ReviewLog.objects.filter(user=alice_deck).order_by("reviewed_at", "id"))
    assert [(log.state_id, ms(log.reviewed_at), log.rating, str(log.client_id)) for log in logs] == [
        (e["state_id"], e["answered_at"], e["rating"], e["client_id"]) for e in every
    ]
    assert_states_equal_the_replay(alice_deck)
    assert_log_is_a_chain(alice_deck)
    # Sent again, in the other order: nothing doubles.
    for device in (second, first):
        assert {r["status"] for r in sync(client, device.outbox).json()["results"]} == {"duplicate"}
    assert ReviewLog.objects.filter(user=alice_deck).count() == len(every)


def one_card_laptop_then_phone(client, user, *, laptop_minutes: int, phone_minutes: int, phone_rating: int):
    """The first card answered Good on the laptop and then on the phone, each
    offline, minutes after the fetch; the laptop syncs first. The card's id
    and the two devices."""
    phone, laptop = two_devices(user)
    card = flashcards(user)[0].pk
    laptop.record(card, laptop.fetched_at + timedelta(minutes=laptop_minutes), rating=3)
    phone.record(card, phone.fetched_at + timedelta(minutes=phone_minutes), rating=phone_rating)
    client.force_login(user)
    sync(client, laptop.outbox)
    return card, phone, laptop


def test_the_merged_answers_counts_for_the_day_are_the_logs(client, alice_deck):
    """Both devices introduced the same new card: it counts once as new."""
    _card, phone, laptop = one_card_laptop_then_phone(
        client, alice_deck, laptop_minutes=5, phone_minutes=1, phone_rating=3
    )
    sync(client, phone.outbox)
    logs = list(ReviewLog.objects.filter(user=alice_deck).order_by("reviewed_at"))
    assert [log.previous_state for log in logs] == [CardState.State.NEW, CardState.State.LEARNING]
    assert [str(log.client_id) for log in logs] == [phone.outbox[0]["client_id"], laptop.outbox[0]["client_id"]]


def test_undo_after_an_answer_merged_into_the_past_refuses_and_changes_nothing(client, alice_deck):
    card, phone, _laptop = one_card_laptop_then_phone(
        client, alice_deck, laptop_minutes=30, phone_minutes=1, phone_rating=1
    )
    sync(client, phone.outbox)
    state = CardState.objects.filter(pk=card).values().get()
    response = client.post(reverse("study_undo"), headers=HTMX)
    assert response.status_code == 200
    assert "can no longer be undone" in response.content.decode()
    assert CardState.objects.filter(pk=card).values().get() == state
    assert ReviewLog.objects.filter(user=alice_deck).count() == 2


def test_undo_after_an_answer_merged_last_in_time_restores_exactly(client, alice_deck):
    card, phone, laptop = one_card_laptop_then_phone(
        client, alice_deck, laptop_minutes=1, phone_minutes=30, phone_rating=1
    )
    after_laptop = CardState.objects.filter(pk=card).values().get()
    assert sync(client, phone.outbox).json()["results"][0]["status"] == "superseded"
    response = client.post(reverse("study_undo"), headers=HTMX)
    assert response.status_code == 200
    restored = CardState.objects.filter(pk=card).values().get()
    assert restored == after_laptop
    remaining = ReviewLog.objects.filter(user=alice_deck).values_list("client_id", flat=True)
    assert [str(c) for c in remaining] == [laptop.outbox[0]["client_id"]]
