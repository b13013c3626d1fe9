"""The review loop benchmark's machinery, tiny and untimed: the data builder
(bench/loop_data.py), the sessions, the floor project (bench/floor.py), the
virtual learners against live servers (bench/loop_load.py), the duplicate
answers and the check of the log against them (bench/loop_ledger.py).

Performance is measured by the benchmark only (make bench), never here: these
tests assert that the figures would be counted right, not what they are. Every
phase ends on a request budget, never on a clock, so the same requests are
sent however busy the machine is."""

from urllib.parse import urlsplit

import pytest
from django.db import connection

from bench import review_loop
from bench.floor import FLOOR_APP, FLOOR_READY_PATH, floor_prepare
from bench.loadgen import percentile, run_phase
from bench.loop_data import CARDS_PER_NOTE, Learner, Scale, build_data, learner_ids, learner_sessions
from bench.loop_ledger import check_ledger, latest_log_id
from bench.loop_load import FloorReader, Schedule, drive_load
from bench.servers import HOST, gunicorn
from studyapp.study.models import CardState, ReviewLog

TINY = Scale(learners=3, notes=1, review_logs=60, seed=7)


@pytest.fixture
def tiny_data(transactional_db):
    return build_data(TINY)


@pytest.fixture
def floor_site(tmp_path):
    """The floor project on a database of its own (a file: the app's SQLite
    test database lives in this process's memory), under gunicorn."""
    floor = floor_prepare(f"sqlite:///{tmp_path / 'floor.sqlite3'}", sessions=3)
    with gunicorn(floor.env, tmp_path, workers=1, app=FLOOR_APP, ready_path=FLOOR_READY_PATH, name="floor") as server:
        yield floor, server


def test_the_builder_makes_consistent_learners(tiny_data):
    cards = CARDS_PER_NOTE
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


def test_the_floor_is_a_logged_in_page_of_its_own_project(floor_site):
    floor, server = floor_site
    assert floor.queries == 3  # session, user, its one query
    reader = FloorReader(floor.with_sessions([Learner(1, "", "", "")]))
    phase = run_phase([reader], host=HOST, port=server.port, seconds=None, max_requests=3)
    assert phase.errors == []
    assert dict(phase.samples["floor"].statuses) == {200: 3}
    assert reader.wrong_pages == 0


def test_the_loop_counts_every_answer_once(tiny_data, floor_site, live_server):
    floor, floor_server = floor_site
    learners = floor.with_sessions(learner_sessions(learner_ids()))
    queries = review_loop.count_queries(learners[-1], floor.queries)
    assert queries.grade > queries.floor > 0
    baseline = latest_log_id()
    url = urlsplit(live_server.url)
    # The SQLite test database is one in-memory connection the live server's
    # threads share: one virtual learner, duplicates sent one after the other.
    concurrent = connection.vendor == "postgresql"
    schedule = Schedule(
        rounds=1,
        seconds=None,
        warmup_seconds=0,
        solo_seconds=None,
        max_requests=40,
        virtual_learners=2 if concurrent else 1,
        duplicate_every=3,
        double_clicks=concurrent,
        answers_per_sitting=5,
        quiet_wait_s=0,
    )
    outcome = drive_load(
        learners[:-1], host=url.hostname, port=url.port, floor_port=floor_server.port, schedule=schedule
    )
    book = outcome.book()
    assert outcome.errors == []
    assert outcome.failed_requests() == 0, outcome.all_statuses
    assert book.unreadable == 0 and len(book.answers) > 3
    # Every third answer is sent twice, and a phase sends 40 requests: duplicates, always.
    assert book.retries + book.double_clicks >= 3
    assert book.submissions > len(book.answers)
    assert sum(reader.wrong_pages for reader in outcome.readers) == 0
    assert {"floor", "loop", "floor_solo", "loop_solo"} <= set(outcome.measured)
    assert outcome.summary("loop").requests > 0 and outcome.summary("floor_solo").requests > 0
    check = check_ledger(baseline, book)
    assert check.equal, check
    assert check.recorded_twice == 0


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 0.99) == 7.0
