"""bench/review_loop.py's machinery, tiny and untimed: the data builder, the
sessions, the virtual learners against a live server, the duplicate answers
and the check of the log against them.

Performance is measured by the benchmark only (make bench), never here: these
tests assert that the figures would be counted right, not what they are."""

from urllib.parse import urlsplit

import pytest
from django.db import connection

from bench import review_loop
from bench.loadgen import percentile
from studyapp.study.models import CardState, ReviewLog

TINY = review_loop.Scale(learners=3, notes=1, review_logs=60, seed=7)


@pytest.fixture
def tiny_data(transactional_db):
    return review_loop.build_data(TINY)


def test_the_builder_makes_consistent_learners(tiny_data):
    cards = review_loop.CARDS_PER_NOTE
    assert (tiny_data.cards, tiny_data.learners) == (cards, 3)
    assert CardState.objects.count() == 3 * cards
    assert ReviewLog.objects.count() == 60
    # Every studied card has as many logs as reps; new cards have none.
    for state in CardState.objects.all():
        assert state.logs.count() == state.reps == state.version
    # Explicit ids were written: the next row the app creates must not collide.
    user = CardState.objects.first().user
    log = ReviewLog.objects.create(
        user=user, card_id=CardState.objects.first().card_id, rating=3, reviewed_at="2026-01-01T00:00Z",
        study_day="2026-01-01", previous_state=0,
    )  # fmt: skip
    assert log.pk > 60


def test_the_loop_counts_every_answer_once(tiny_data, live_server):
    learners = review_loop.learner_sessions(review_loop.learner_ids())
    queries = review_loop.count_queries(learners[-1])
    assert queries.grade > queries.floor > 0
    baseline = review_loop.latest_log_id()
    url = urlsplit(live_server.url)
    # The SQLite test database is one in-memory connection the live server's
    # threads share: one virtual learner, duplicates sent one after the other.
    concurrent = connection.vendor == "postgresql"
    schedule = review_loop.Schedule(
        rounds=1,
        seconds=0.5,
        warmup_seconds=0,
        solo_seconds=0.3,
        max_requests=40,
        virtual_learners=2 if concurrent else 1,
        duplicate_every=3,
        double_clicks=concurrent,
        answers_per_sitting=5,
        quiet_wait_s=0,
    )
    outcome = review_loop.drive_load(learners[:-1], host=url.hostname, port=url.port, schedule=schedule)
    book = outcome.book()
    assert outcome.errors == []
    assert outcome.failed_requests() == 0, outcome.all_statuses
    assert book.unreadable == 0 and len(book.answers) > 3
    assert book.submissions > len(book.answers), "no duplicate was sent"
    assert sum(reader.wrong_pages for reader in outcome.readers) == 0
    assert {"floor", "loop", "floor_solo", "loop_solo"} <= set(outcome.measured)
    assert outcome.summary("loop").requests > 0 and outcome.summary("floor_solo").requests > 0
    check = review_loop.check_ledger(baseline, book)
    assert check.equal, check
    assert check.recorded_twice == 0


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 0.99) == 7.0
