"""studyapp.hot_sql returns exactly what the ORM returns.

The study loop runs hand-written SQL (studyapp/hot_sql.py says why); the
rules are also written as querysets (studyapp.study.queue, services). On a
fixture that covers every branch of the queue (due learning, relearning and
review cards, new cards, learning cards due soon and later, buried until
later and no longer, suspended, out of scope, ties, exam order with and
without a predicted recall, the daily limits at zero and at one, another
learner's cards) both must give the same candidates, field by field, and
the same counts. The suite runs on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from studyapp import hot_sql
from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog, StudyDay
from studyapp.study.queue import Today, candidates_orm, next_state, pick, pick_after, window
from studyapp.study.services import study_queue_sync

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
    sql = hot_sql.next_candidates(user.pk, window(today, count=count))
    for source in ("due", "new", "ahead"):
        loaded = [candidate.load() for candidate in getattr(sql, source)]
        assert described(loaded) == described(getattr(orm, source)), source
    assert sql.left == orm.left
    return orm


LIMITS = [
    # (new left, reviews left, exam order)
    (5, 10, False),
    (0, 10, False),
    (5, 0, False),
    (5, 1, False),
    (1, 3, True),
    (0, 0, True),
]


@pytest.mark.parametrize(("new_left", "reviews_left", "exam_order"), LIMITS)
@pytest.mark.parametrize("shift", [timedelta(0), -timedelta(hours=1), timedelta(minutes=25)])
@pytest.mark.parametrize("count", [True, False])
def test_the_next_card_query_equals_the_querysets(learners, new_left, reviews_left, exam_order, shift, count):
    alice, _bob = learners
    today = Today(now=NOW + shift, day_end=DAY_END, new_left=new_left, reviews_left=reviews_left, exam_order=exam_order)
    found = assert_same(alice, today, count)
    assert all(state.user_id == alice.pk for state in found.due + found.new + found.ahead)


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
    found = hot_sql.next_candidates(alice.pk, window(today, count=False))
    shown = pick(found)
    held = pick_after(found, today, shown)
    assert held is not None and held.pk != shown.pk
    # Take the shown card out of the queue (as an Easy answer would), and ask again.
    CardState.objects.filter(pk=shown.pk).update(due=NOW + timedelta(days=30), state=S.REVIEW)
    again = hot_sql.next_candidates(alice.pk, window(today, count=False))
    assert pick(again).pk == held.pk


def test_the_held_card_respects_the_limit_the_shown_card_uses_up(alice_deck):
    # Only new cards, and one new card left today: nothing to hold after it.
    today = Today(NOW, DAY_END, new_left=1, reviews_left=10)
    found = hot_sql.next_candidates(alice_deck.pk, window(today, count=False))
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
        found, answers = hot_sql.state_with_answers(alice.pk, state.pk, day)
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
    assert hot_sql.state_with_answers(alice.pk, other.pk, day) is None  # bob's state
    assert hot_sql.state_with_answers(alice.pk, 10**9, day) is None


def test_the_user_with_profile_equals_select_related(alice):
    alice.profile.exam_date = timezone.localdate() + timedelta(days=30)
    alice.profile.fsrs_parameters = [0.1] * 21
    alice.profile.save()
    expected = User.objects.select_related("profile").get(pk=alice.pk)
    found = hot_sql.user_with_profile(alice.pk)
    fields = lambda obj: {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # noqa: E731
    assert fields(found) == fields(expected)
    assert fields(found.profile) == fields(expected.profile)
    assert found.profile.user is found
    assert found.profile._stored_exam_date == expected.profile._stored_exam_date
    assert hot_sql.user_with_profile(10**9) is None


def test_a_user_without_a_profile_has_none_attached(alice, django_assert_num_queries):
    alice.profile.delete()
    found = hot_sql.user_with_profile(alice.pk)
    assert found.pk == alice.pk
    with pytest.raises(User.profile.RelatedObjectDoesNotExist):
        found.profile  # noqa: B018


def test_the_session_equals_djangos_lookup(alice):
    store = DjangoSessionStore()
    store["_auth_user_id"] = str(alice.pk)
    store.save()
    expected = Session.objects.get(session_key=store.session_key, expire_date__gt=timezone.now())
    found = hot_sql.session_row(store.session_key, timezone.now())
    assert (found.session_key, found.session_data, found.expire_date) == (
        expected.session_key,
        expected.session_data,
        expected.expire_date,
    )
    assert hot_sql.session_row(store.session_key, expected.expire_date) is None  # expired by then
    assert hot_sql.session_row("no-such-session", timezone.now()) is None
