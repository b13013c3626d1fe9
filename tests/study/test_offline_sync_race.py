"""The same batch sent twice at the same moment (a retry racing the first
request) on two PostgreSQL connections: every answer recorded once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from studyapp.study.models import ReviewLog
from studyapp.study.offline_entries import entries_parse
from studyapp.study.offline_sync import offline_answers_apply
from tests.study.offline_helpers import Device, assert_log_is_a_chain, assert_states_equal_the_replay, flashcards


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_twice_at_once_records_each_answer_once(alice_deck):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions: the two batches cannot interleave there")
    states = flashcards(alice_deck)
    device = Device(states, timezone.now() - timedelta(hours=1))
    for i in range(12):
        device.record(states[i % 3].pk, device.fetched_at + timedelta(minutes=2 * i + 1), rating=(3, 1, 4)[i % 3])
    start = threading.Barrier(2, timeout=60)
    results, errors = [], []

    def send():
        try:
            entries, refused = entries_parse({"answers": device.outbox}, now=timezone.now())
            start.wait()
            results.append(
                offline_answers_apply(user=alice_deck, profile=alice_deck.profile, entries=entries, refused=refused)
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == 2
    for first, second in zip(*results, strict=True):
        assert {first.status, second.status} <= {"applied", "duplicate"}
        assert "applied" in {first.status, second.status}, (first, second)
    assert ReviewLog.objects.filter(user=alice_deck).count() == 12
    assert sorted(str(c) for c in ReviewLog.objects.values_list("client_id", flat=True)) == sorted(
        e["client_id"] for e in device.outbox
    )
    assert_states_equal_the_replay(alice_deck)
    assert_log_is_a_chain(alice_deck)
