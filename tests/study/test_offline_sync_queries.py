"""What a sync costs the database: a constant number of statements per
answer, whatever the batch's size or the learner's history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from studyapp.study.models import CardState
from studyapp.study.offline_entries import entries_parse
from studyapp.study.offline_sync import offline_answers_apply
from tests.study.offline_helpers import Device, flashcards

pytestmark = pytest.mark.django_db
# Statements per answer on the version the device had, at most: the state
# with today's counts, the update and insert (one on PostgreSQL), the
# transaction's savepoint (or BEGIN and COMMIT).
PER_ANSWER = 6
# Per answer merged with another device's (lock, later rows, their update, the insert, the state's update).
PER_MERGED = 12


def statements(user, answers) -> int:
    entries, refused = entries_parse({"answers": answers}, now=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        results = offline_answers_apply(user=user, profile=user.profile, entries=entries, refused=refused)
    assert all(r.code == 200 for r in results), results
    return len(queries)


def device_answers(user, n: int, *, device=None, offset=0):
    states = flashcards(user)
    device = device or Device(states, timezone.now() - timedelta(hours=2))
    for i in range(n):
        device.record(states[i % 4].pk, device.fetched_at + timedelta(minutes=offset + 3 * i + 1), rating=3)
    return device


def test_statements_per_answer_are_constant_at_two_batch_sizes_and_histories(alice_deck, bob):
    from studyapp.study.services import study_queue_sync

    study_queue_sync(user=bob, profile=bob.profile)
    four = statements(alice_deck, device_answers(alice_deck, 4).outbox)
    eight = statements(bob, device_answers(bob, 8).outbox)
    # Alice again, now with a history: the same cost per answer.
    again = statements(alice_deck, device_answers(alice_deck, 4, offset=60).outbox)
    per_answer = (eight - four) / 4
    assert per_answer <= PER_ANSWER
    assert four == again
    assert four - 4 * per_answer == eight - 8 * per_answer <= 2  # the batch's two reads of client ids


def test_merged_answers_cost_a_constant_number_of_statements(alice_deck):
    states = list(CardState.objects.filter(user=alice_deck))
    fetched = timezone.now() - timedelta(hours=2)
    phone, laptop = Device(states, fetched), Device(states, fetched)
    device_answers(alice_deck, 8, device=laptop, offset=10)
    statements(alice_deck, laptop.outbox)
    device_answers(alice_deck, 4, device=phone)
    four = statements(alice_deck, phone.outbox)
    assert four - 2 <= 4 * PER_MERGED
    more = Device(states, fetched)
    device_answers(alice_deck, 8, device=more, offset=1)
    eight = statements(alice_deck, more.outbox)
    assert eight - 2 <= 8 * PER_MERGED
