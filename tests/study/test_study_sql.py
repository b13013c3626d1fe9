"""studyapp.study.sql returns, and writes, exactly what the ORM would.

The study loop runs hand-written SQL (studyapp/sql.py says why); the queue's
rules are also written as querysets, the oracle (tests/support/queue_oracle.py),
and the counts and the answer's write as the ORM would do them here.

The next-card statement has 16 shapes, one text each
(``studyapp.study.sql.next_shape``): 2 (reviews due are a source: the daily
review limit leaves room, or not) x 2 (new cards are a source: the daily new
limit leaves room, or not) x 2 (exam order or normal order) x 2 (what is left
today counted, or not). So the limit combinations are all here: both limits
left, the new limit used up while reviews remain, reviews at 0 with new cards
left, both at 0; each in exam order (the last weeks before an exam) and in
normal order, counted and not. ``SHAPES`` lists the 16 and
``test_every_shape_of_the_next_card_statement_equals_the_querysets`` runs
each one (one parametrized case a shape; each at three moments and with one
and with several answers left), and a guard checks that the 16 are every
statement the code builds.

The fixture covers every branch of the queue: due learning, relearning and
review cards, new cards, learning cards due soon and later, buried until
later and no longer, suspended, out of scope, ties, exam order with and
without a predicted recall, another learner's cards. Both must give the same
candidates, field by field, and the same counts. The state with today's
answer counts and ``answer_record`` (against the ORM's UPDATE and INSERT it
replaces) are compared the same way. The suite runs on SQLite and on
PostgreSQL."""

import copy
import itertools
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.sql import default_connection, plans_for
from studyapp.study import services
from studyapp.study import sql as study_sql
from studyapp.study.models import CardState, ReviewLog, StudyDay
from studyapp.study.queue import Today, next_state, pick, pick_after, window
from studyapp.study.services import study_queue_sync
from tests.support.queue_oracle import candidates_orm

pytestmark = pytest.mark.django_db
S = CardState.State
NOW = timezone.now().replace(microsecond=0)
DAY_END = NOW + timedelta(hours=6)


def arrange(user, plan: list[dict]) -> list[CardState]:
    """Give the user's states (in card order) the fields of ``plan``, in order."""
    states = list(CardState.objects.filter(user=user).order_by("card__note__note_id", "card__position"))
    # The scenario question first: a candidate whose note's parsed structure is read.
    states.sort(key=lambda s: s.card.kind != Card.Kind.QUESTION)
    for state, fields in zip(states, plan, strict=False):
        defaults = {"stability": 3.0, "difficulty": 5.0, "last_review": NOW - timedelta(days=3), "step": 0}
        values = (defaults if fields.get("state", S.NEW) != S.NEW else {}) | fields
        CardState.objects.filter(pk=state.pk).update(**values)
    return states


def every_branch(user):
    h, d, m = timedelta(hours=1), timedelta(days=1), timedelta(minutes=1)
    later = NOW + 10 * h
    return arrange(
        user,
        [
            {"state": S.LEARNING, "due": NOW - 4 * d, "exam_recall": 0.5},  # the question: due learning
            {"state": S.NEW, "new_rank": 0},
            {"state": S.NEW, "new_rank": 1, "buried_until": later},  # buried: hidden
            {"state": S.NEW, "new_rank": 2, "buried_until": NOW - h},  # buried yesterday: back
            {"state": S.NEW, "new_rank": 2},  # a tie on rank: the lower id first
            {"state": S.NEW, "new_rank": 0, "suspended": True},
            {"state": S.NEW, "new_rank": 0, "in_scope": False},
            {"state": S.RELEARNING, "due": NOW - m, "exam_recall": 0.3},
            {"state": S.LEARNING, "due": NOW + 10 * m},  # learn ahead
            {"state": S.LEARNING, "due": NOW + 30 * m},  # later today, not ahead
            {"state": S.REVIEW, "due": NOW - 2 * d, "exam_recall": 0.9},
            {"state": S.REVIEW, "due": NOW + 2 * h, "exam_recall": None},  # due before the day ends
            {"state": S.REVIEW, "due": NOW + 2 * d},  # not due
            {"state": S.REVIEW, "due": NOW - d, "exam_recall": 0.2},
            {"state": S.REVIEW, "due": NOW - d, "exam_recall": 0.2},  # a tie: the lower id first
            {"state": S.REVIEW, "due": NOW - 3 * d, "suspended": True},
            {"state": S.LEARNING, "due": NOW - m, "buried_until": later},
            {"state": S.REVIEW, "due": NOW - h, "in_scope": False},
            {"state": S.LEARNING, "due": NOW + 5 * m, "buried_until": NOW - m},
        ],
    )


@pytest.fixture
def learners(alice_deck, bob):
    study_queue_sync(user=bob, profile=bob.profile)
    every_branch(alice_deck)
    # Bob's cards are due too: they must never show up in alice's queue.
    CardState.objects.filter(user=bob).update(state=S.LEARNING, due=NOW - timedelta(days=9), step=0)
    return alice_deck, bob


def card_fields(card: Card) -> dict:
    return {f.attname: getattr(card, f.attname) for f in Card._meta.concrete_fields}


def described(states: list[CardState]) -> list[tuple]:
    """Everything a candidate carries: every field of the state and its card,
    the note's id and name, and the parsed note for a scenario question."""
    rows = []
    for state in states:
        note = state.card.note
        parsed = note.parsed if state.card.kind == Card.Kind.QUESTION else None
        rows.append(
            (
                {f.attname: getattr(state, f.attname) for f in CardState._meta.concrete_fields},
                card_fields(state.card),
                (note.pk, note.note_id, note.title),
                parsed,
            )
        )
    return rows


def assert_same(user, today: Today, count: bool):
    orm = candidates_orm(user, today, count=count)
    sql = study_sql.next_candidates(user.pk, window(today, count=count))
    for source in ("due", "new", "ahead"):
        loaded = [candidate.load() for candidate in getattr(sql, source)]
        assert described(loaded) == described(getattr(orm, source)), source
    assert sql.left == orm.left
    return orm


# (reviews due are a source, new cards are a source, exam order, counted)
SHAPES = list(itertools.product([True, False], repeat=4))


def shape_id(shape: tuple) -> str:
    reviews, new, exam_order, count = shape
    return "-".join(
        (
            "reviews-left" if reviews else "reviews-at-0",
            "new-left" if new else "new-used-up",
            "exam-order" if exam_order else "normal-order",
            "counted" if count else "not-counted",
        )
    )


def today_of(shape: tuple, *, left: int, shift: timedelta = timedelta(0)) -> Today:
    """A day whose window has ``shape``: a source is there when its limit leaves ``left``."""
    reviews, new, exam_order, _count = shape
    return Today(
        now=NOW + shift,
        day_end=DAY_END,
        new_left=left if new else 0,
        reviews_left=left if reviews else 0,
        exam_order=exam_order,
    )


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_every_shape_of_the_next_card_statement_equals_the_querysets(learners, shape):
    alice, _bob = learners
    count = shape[3]
    for left, shift in itertools.product([1, 10], [timedelta(0), -timedelta(hours=1), timedelta(minutes=25)]):
        today = today_of(shape, left=left, shift=shift)
        assert study_sql.next_shape(window(today, count=count)) == ("next", *shape)
        found = assert_same(alice, today, count)
        assert all(state.user_id == alice.pk for state in found.due + found.new + found.ahead)


def test_the_sixteen_shapes_are_every_next_card_statement_the_code_builds(learners):
    alice, _ = learners
    texts = set()
    for shape in SHAPES:
        study_sql.next_candidates(alice.pk, window(today_of(shape, left=5), count=shape[3]))
        texts.add(plans_for(default_connection())[("next", *shape)].sql)
    assert len(texts) == len(SHAPES) == 16
    built = {key for key in plans_for(default_connection()) if isinstance(key, tuple) and key[0] == "next"}
    assert built == {("next", *shape) for shape in SHAPES}


def test_the_statements_take_their_parameters_by_name(learners):
    alice, _ = learners
    plans = plans_for(default_connection())
    texts = []
    for shape in SHAPES:
        study_sql.next_candidates(alice.pk, window(today_of(shape, left=5), count=shape[3]))
        texts.append(plans[("next", *shape)].sql)
    study_sql.state_with_answers(alice.pk, 10**9, NOW.date())
    texts.append(plans["state"][0])
    assert all("%s" not in text for text in texts)
    assert all("%(user)s" in text for text in texts)


def test_the_fixture_reaches_every_source(learners):
    """Guard the fixture: the comparisons above see due, new and learn-ahead
    candidates, exam order changes the due order, and limits empty sources."""
    alice, _ = learners
    plain = candidates_orm(alice, Today(NOW, DAY_END, 5, 10))
    assert plain.due and plain.new and plain.ahead and plain.left
    assert any(s.card.kind == Card.Kind.QUESTION for s in plain.due)
    exam = candidates_orm(alice, Today(NOW, DAY_END, 5, 10, exam_order=True))
    assert [s.pk for s in exam.due] != [s.pk for s in plain.due]
    assert not candidates_orm(alice, Today(NOW, DAY_END, 0, 10)).new
    only_learning = candidates_orm(alice, Today(NOW, DAY_END, 5, 0))
    assert {s.state for s in only_learning.due} <= {S.LEARNING, S.RELEARNING}


def test_an_empty_queue_is_empty_both_ways(alice_deck):
    CardState.objects.filter(user=alice_deck).update(suspended=True)
    assert_same(alice_deck, Today(NOW, DAY_END, 5, 10), True)
    assert next_state(alice_deck, Today(NOW, DAY_END, 5, 10)) == (None, 0)


def test_the_card_held_ready_is_the_next_one_once_the_shown_card_is_answered(learners):
    alice, _ = learners
    today = Today(NOW, DAY_END, 5, 10)
    found = study_sql.next_candidates(alice.pk, window(today, count=False))
    shown = pick(found)
    held = pick_after(found, today, shown)
    assert held is not None and held.pk != shown.pk
    # Take the shown card out of the queue (as an Easy answer would), and ask again.
    CardState.objects.filter(pk=shown.pk).update(due=NOW + timedelta(days=30), state=S.REVIEW)
    again = study_sql.next_candidates(alice.pk, window(today, count=False))
    assert pick(again).pk == held.pk


def test_the_held_card_respects_the_limit_the_shown_card_uses_up(alice_deck):
    # Only new cards, and one new card left today: nothing to hold after it.
    today = Today(NOW, DAY_END, new_left=1, reviews_left=10)
    found = study_sql.next_candidates(alice_deck.pk, window(today, count=False))
    shown = pick(found)
    assert shown.state == S.NEW
    assert pick_after(found, today, shown) is None


def log(user, state, day, previous):
    return ReviewLog(
        user=user, card_id=state.card_id, state=state, rating=3, reviewed_at=NOW, study_day=day, previous_state=previous
    )


def test_the_state_with_todays_answers_equals_the_querysets(learners):
    alice, bob = learners
    day = alice.profile.clock().study_day(NOW)
    state = CardState.objects.filter(user=alice).order_by("id").first()
    other = CardState.objects.filter(user=bob).first()
    ReviewLog.objects.bulk_create(
        [
            log(alice, state, day, S.NEW),
            log(alice, state, day, S.NEW),
            log(alice, state, day, S.REVIEW),
            log(alice, state, day, S.LEARNING),  # counts against neither limit
            log(alice, state, day - timedelta(days=1), S.NEW),  # yesterday
            log(bob, other, day, S.REVIEW),  # someone else
        ]
    )

    def orm(state_id):
        found = CardState.objects.filter(pk=state_id, user=alice).first()
        return found, services._counts_today(alice, day)

    for expected_limit in (None, 37):
        if expected_limit:
            StudyDay.objects.create(user=alice, day=day, new_limit=expected_limit)
        found, answers = study_sql.state_with_answers(alice.pk, state.pk, day)
        expected, counts = orm(state.pk)
        assert {f.attname: getattr(found, f.attname) for f in CardState._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in CardState._meta.concrete_fields
        }
        assert (answers.new_done, answers.reviews_done, answers.new_limit) == (
            counts.new_done,
            counts.reviews_done,
            counts.new_limit,
        )
        assert (answers.new_done, answers.reviews_done, answers.new_limit) == (2, 1, expected_limit)
    assert study_sql.state_with_answers(alice.pk, other.pk, day) is None  # bob's state
    assert study_sql.state_with_answers(alice.pk, 10**9, day) is None


# -- answer_record against the ORM's write ---------------------------------------


def orm_answer_record(*, state: CardState, version: int, fields: tuple[str, ...], log: ReviewLog) -> bool:
    """The write answer_record replaces, as the ORM does it: the state's
    fields over ``version`` while it is current and in scope, then the log."""
    with transaction.atomic():
        updated = CardState.objects.filter(pk=state.pk, version=version, in_scope=True).update(
            **{name: getattr(state, name) for name in fields}
        )
        if updated != 1:
            return False
        log.save()
    return True


def fields_of(obj, *, without=()) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if f.attname not in without}


def written_by(record, state: CardState, version: int, log: ReviewLog) -> tuple:
    """What ``record`` leaves in the database (then rolled back): its answer,
    the state's row and the learner's log rows (their ids aside: sequences
    move on even when rolled back)."""
    state, log = copy.deepcopy(state), copy.deepcopy(log)
    with transaction.atomic():
        done = record(state=state, version=version, fields=services.ANSWERED, log=log)
        if done:
            assert ReviewLog.objects.filter(pk=log.pk).exists()  # the log's id is set to its row's
        row = fields_of(CardState.objects.get(pk=state.pk))
        logs = [fields_of(found, without={"id"}) for found in ReviewLog.objects.filter(user=state.user_id)]
        transaction.set_rollback(True)
    return done, row, logs


@pytest.mark.parametrize("case", ["current", "stale version", "withdrawn"])
def test_recording_an_answer_writes_what_the_orm_writes(learners, case):
    alice, _ = learners
    state = CardState.objects.filter(user=alice, state=S.REVIEW, in_scope=True).order_by("id").first()
    version = state.version
    log = services.state_review(
        state=state, profile=alice.profile, clock=alice.profile.clock(), rating=3, now=NOW, duration_ms=1234
    )
    # Every kind of column the log has: JSON lists, a float, a UUID.
    log.chosen, log.score, log.client_id = ["A", "C"], 0.5, uuid.uuid4()
    if case == "stale version":
        version -= 1
    if case == "withdrawn":
        CardState.objects.filter(pk=state.pk).update(in_scope=False)
    sql = written_by(study_sql.answer_record, state, version, log)
    orm = written_by(orm_answer_record, state, version, log)
    assert sql == orm
    assert sql[0] is (case == "current")
    plan = plans_for(default_connection())[("answer", services.ANSWERED)]
    assert all("%s" not in (sql or "") for sql in (plan.update, plan.insert, plan.both))  # parameters by name


def test_a_state_with_a_null_in_every_nullable_column_is_recorded_as_the_orm_records_it(learners):
    alice, _ = learners
    state = CardState.objects.filter(user=alice, state=S.NEW, in_scope=True).order_by("id").first()
    version = state.version
    log = services.state_review(state=state, profile=alice.profile, clock=alice.profile.clock(), rating=1, now=NOW)
    state.exam_recall = None
    assert log.duration_ms is None and log.chosen is None and log.client_id is None
    assert written_by(study_sql.answer_record, state, version, log) == written_by(
        orm_answer_record, state, version, log
    )
