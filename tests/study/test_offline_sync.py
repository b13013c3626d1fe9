"""Answers recorded offline, sent back (POST /study/offline/sync/): applied in
time order through grading, never lost, never doubled, times clamped."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.study.models import CardState, HideAction, ReviewLog
from tests.study.offline_helpers import (
    Device,
    assert_log_is_a_chain,
    assert_states_equal_the_replay,
    flashcards,
    ms,
    sync,
)

pytestmark = pytest.mark.django_db
S = CardState.State


def studied(user):
    return list(CardState.objects.filter(user=user).order_by("new_rank", "id"))


def question(user):
    return CardState.objects.get(user=user, card__kind=Card.Kind.QUESTION, card__note__note_id="TST-1")


@pytest.fixture
def device(alice_deck):
    now = timezone.now()
    return Device(studied(alice_deck), fetched_at=now - timedelta(hours=3))


def test_the_log_equals_the_answers_in_order_and_the_states_equal_a_replay(client, alice_deck, device):
    cards = flashcards(alice_deck)[:6]
    q = question(alice_deck)
    start = device.fetched_at + timedelta(minutes=1)
    ratings = [3, 1, 3, 4, 2, 3, 1, 3, 3, 3, 4, 3]
    for i, rating in enumerate(ratings):
        # Cards come back: an Again, learning steps, several rounds.
        device.record(cards[i % len(cards)].pk, start + timedelta(minutes=7 * i, seconds=13), rating=rating)
    device.record(q.pk, start + timedelta(minutes=100), kind="answer", chosen=["A", "B"])
    client.force_login(alice_deck)
    response = sync(client, device.outbox)
    assert response.status_code == 200
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["applied"] * 13
    assert [r["client_id"] for r in body["results"]] == [e["client_id"] for e in device.outbox]
    logs = list(ReviewLog.objects.filter(user=alice_deck).order_by("reviewed_at", "id"))
    assert [(log.state_id, ms(log.reviewed_at), str(log.client_id)) for log in logs] == [
        (e["state_id"], e["answered_at"], e["client_id"]) for e in device.outbox
    ]
    assert [log.rating for log in logs[:-1]] == ratings
    # The question was scored as online: A right, B wrong, one of two correct -> score 0, Again.
    assert logs[-1].chosen == ["A", "B"] and logs[-1].score == 0.0 and logs[-1].rating == 1
    assert_states_equal_the_replay(alice_deck)
    assert_log_is_a_chain(alice_deck)


def test_a_batch_sent_again_records_nothing_twice(client, alice_deck, device):
    cards = flashcards(alice_deck)
    for i in range(3):
        device.record(cards[i].pk, device.fetched_at + timedelta(minutes=i + 1), rating=3)
    client.force_login(alice_deck)
    assert sync(client, device.outbox).status_code == 200
    states = list(CardState.objects.filter(user=alice_deck).values())
    again = sync(client, device.outbox)
    assert again.status_code == 200
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
    assert ReviewLog.objects.filter(user=alice_deck).count() == 3
    assert list(CardState.objects.filter(user=alice_deck).values()) == states


def test_the_same_client_id_twice_in_one_batch_is_recorded_once(client, alice_deck, device):
    entry = device.record(flashcards(alice_deck)[0].pk, device.fetched_at + timedelta(minutes=1), rating=3)
    client.force_login(alice_deck)
    response = sync(client, [entry, dict(entry)])
    assert [r["status"] for r in response.json()["results"]] == ["applied", "duplicate"]
    assert ReviewLog.objects.filter(user=alice_deck).count() == 1


def test_a_forged_future_time_is_clamped_to_now(client, alice_deck, device):
    state = flashcards(alice_deck)[0]
    device.record(state.pk, timezone.now() + timedelta(days=400), rating=3)
    client.force_login(alice_deck)
    before = timezone.now()
    assert sync(client, device.outbox).status_code == 200
    log = ReviewLog.objects.get(user=alice_deck)
    assert before <= log.reviewed_at <= timezone.now()


def test_a_forged_past_time_is_clamped_to_when_the_queue_was_fetched(client, alice_deck, device):
    state = flashcards(alice_deck)[0]
    device.record(state.pk, device.fetched_at - timedelta(days=30), rating=3)
    client.force_login(alice_deck)
    sync(client, device.outbox)
    assert ms(ReviewLog.objects.get(user=alice_deck).reviewed_at) == ms(device.fetched_at)


def test_a_forged_fetch_time_cannot_date_an_answer_more_than_a_week_back(client, alice_deck):
    long_ago = timezone.now() - timedelta(days=300)
    device = Device(studied(alice_deck), fetched_at=long_ago)
    device.record(flashcards(alice_deck)[0].pk, long_ago, rating=3)
    client.force_login(alice_deck)
    sync(client, device.outbox)
    reviewed_at = ReviewLog.objects.get(user=alice_deck).reviewed_at
    assert timezone.now() - timedelta(days=7, minutes=5) <= reviewed_at <= timezone.now() - timedelta(days=6)


def test_a_card_the_learner_cannot_see_is_refused_404_and_nothing_else_is_lost(client, alice_deck, bob, device):
    from studyapp.study.services import study_queue_sync

    study_queue_sync(user=bob, profile=bob.profile)
    bobs = CardState.objects.filter(user=bob).first()
    bobs_before = CardState.objects.filter(pk=bobs.pk).values().get()
    cards = flashcards(alice_deck)
    device.versions[bobs.pk] = bobs.version
    device.record(cards[0].pk, device.fetched_at + timedelta(minutes=1), rating=3)
    device.record(bobs.pk, device.fetched_at + timedelta(minutes=2), rating=3)
    device.versions[99_999_999] = 0
    device.record(99_999_999, device.fetched_at + timedelta(minutes=3), rating=3)
    device.record(cards[1].pk, device.fetched_at + timedelta(minutes=4), rating=3)
    client.force_login(alice_deck)
    response = sync(client, device.outbox)
    assert response.status_code == 207
    results = response.json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", 200),
        ("not_found", 404),
        ("not_found", 404),
        ("applied", 200),
    ]
    assert list(ReviewLog.objects.filter(user=alice_deck).values_list("state_id", flat=True).order_by("id")) == [
        cards[0].pk,
        cards[1].pk,
    ]
    assert not ReviewLog.objects.filter(user=bob).exists()
    assert CardState.objects.filter(pk=bobs.pk).values().get() == bobs_before
    assert response.json()["notices"]


def test_a_malformed_entry_is_refused_naming_its_field_and_the_rest_applied(client, alice_deck, device):
    card = flashcards(alice_deck)[0]
    good = device.record(card.pk, device.fetched_at + timedelta(minutes=1), rating=3)
    bad_rating = {**good, "client_id": str(uuid.uuid4()), "rating": 7}
    bad_id = {**good, "client_id": "not-a-uuid"}
    bad_time = {**good, "client_id": str(uuid.uuid4()), "answered_at": "yesterday"}
    client.force_login(alice_deck)
    response = sync(client, [bad_rating, good, bad_id, bad_time, "nonsense"])
    assert response.status_code == 207
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["invalid", "applied", "invalid", "invalid", "invalid"]
    assert "rating" in results[0]["message"]
    assert "client_id" in results[2]["message"]
    assert "answered_at" in results[3]["message"]
    assert ReviewLog.objects.filter(user=alice_deck).count() == 1


@pytest.mark.parametrize(
    "body",
    [b"not json", b"\xff\xfe", b"[]", b'{"answers": 3}', json.dumps({"answers": [{}] * 501}).encode()],
)
def test_a_body_that_is_no_batch_is_refused_400_and_records_nothing(client, alice_deck, body):
    client.force_login(alice_deck)
    response = client.post(reverse("study_offline_sync"), data=body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()
    assert not ReviewLog.objects.exists()


def test_a_multipart_form_is_refused_400_not_a_server_error(client, alice_deck):
    client.force_login(alice_deck)
    response = client.post(reverse("study_offline_sync"), {"answers": "[]"})  # multipart, as a form posts
    assert response.status_code == 400
    assert "error" in response.json()
    assert not ReviewLog.objects.exists()


def test_bury_and_suspend_are_applied_as_entries(client, alice_deck, device):
    first, second = flashcards(alice_deck)[:2]
    device.record(first.pk, device.fetched_at + timedelta(minutes=1), kind="bury")
    device.record(second.pk, device.fetched_at + timedelta(minutes=2), kind="suspend")
    client.force_login(alice_deck)
    response = sync(client, device.outbox)
    assert [r["status"] for r in response.json()["results"]] == ["applied", "applied"]
    assert CardState.objects.get(pk=first.pk).buried_until > timezone.now()
    assert CardState.objects.get(pk=second.pk).suspended
    assert sorted(HideAction.objects.values_list("client_id", flat=True)) == sorted(
        uuid.UUID(e["client_id"]) for e in device.outbox
    )
    again = sync(client, device.outbox)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert HideAction.objects.count() == 2


def test_a_new_card_beyond_the_days_limit_is_not_recorded(client, alice_deck, device):
    alice_deck.profile.new_per_day = 2
    alice_deck.profile.save()
    cards = flashcards(alice_deck)[:3]
    for i, state in enumerate(cards):
        device.record(state.pk, device.fetched_at + timedelta(minutes=i + 1), rating=3)
    client.force_login(alice_deck)
    response = sync(client, device.outbox)
    assert [(r["status"], r["code"]) for r in response.json()["results"]] == [
        ("applied", 200),
        ("applied", 200),
        ("over_limit", 409),
    ]
    assert CardState.objects.get(pk=cards[2].pk).state == S.NEW


def test_an_answer_to_a_card_withdrawn_meanwhile_is_not_recorded(client, alice_deck, device):
    state = flashcards(alice_deck)[0]
    CardState.objects.filter(pk=state.pk).update(in_scope=False)
    device.record(state.pk, device.fetched_at + timedelta(minutes=1), rating=3)
    client.force_login(alice_deck)
    response = sync(client, device.outbox)
    assert response.json()["results"][0]["status"] == "unavailable"
    assert not ReviewLog.objects.exists()


def test_an_exam_date_set_while_offline_schedules_the_answers_at_sync(client, alice_deck, device):
    """The same answers, without and with an exam date set on the server
    after the device fetched its queue: the exam policy decides the due dates."""
    from datetime import date

    from studyapp.study.services import snapshot

    card = flashcards(alice_deck)[0]
    at = device.fetched_at + timedelta(minutes=1)
    for i, rating in enumerate((3, 3, 3)):
        device.record(card.pk, at + timedelta(days=0, minutes=15 * i), rating=rating)
    client.force_login(alice_deck)
    sync(client, device.outbox)
    plain = snapshot(CardState.objects.get(pk=card.pk))
    # Again from scratch, with an exam in five days.
    ReviewLog.objects.all().delete()
    CardState.objects.filter(pk=card.pk).update(
        state=S.NEW, step=None, stability=None, difficulty=None, due=None, last_review=None, reps=0, version=0
    )
    profile = alice_deck.profile
    profile.exam_date = timezone.now().date() + timedelta(days=5)
    profile.save()
    assert isinstance(profile.exam_date, date)
    for entry, version in zip(device.outbox, range(3), strict=True):
        entry["client_id"], entry["card_version"] = str(uuid.uuid4()), version
    sync(client, device.outbox)
    planned = snapshot(CardState.objects.get(pk=card.pk))
    assert planned["exam_recall"] is not None and plain["exam_recall"] is None
    assert planned["due"] != plain["due"]


def test_anonymous_is_sent_to_log_in(client, alice_deck, device):
    device.record(flashcards(alice_deck)[0].pk, device.fetched_at, rating=3)
    response = sync(client, device.outbox)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not ReviewLog.objects.exists()


def test_get_is_not_allowed(client, alice_deck):
    client.force_login(alice_deck)
    assert client.get(reverse("study_offline_sync")).status_code == 405


def test_without_a_csrf_token_nothing_is_recorded(alice_deck, device):
    from django.test import Client

    device.record(flashcards(alice_deck)[0].pk, device.fetched_at, rating=3)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice_deck)
    assert sync(strict, device.outbox).status_code == 403
    assert not ReviewLog.objects.exists()


def test_the_notices_speak_the_learners_language(client, alice_deck, device):
    alice_deck.profile.language = "ja"
    alice_deck.profile.save()
    device.versions[99_999_999] = 0
    device.record(99_999_999, device.fetched_at + timedelta(minutes=1), rating=3)
    client.force_login(alice_deck)
    client.cookies["django_language"] = "ja"
    notices = sync(client, device.outbox).json()["notices"]
    assert notices == ["オフラインでの解答 1 件は記録できませんでした。"]
