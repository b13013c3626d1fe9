"""Replanning against a second change of the settings and against a grade,
on two real PostgreSQL connections (SQLite serialises writing transactions:
these races cannot happen there). Ordered with events and PostgreSQL's own
view of who waits for a lock, not with sleeps."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.utils import timezone

from studyapp.accounts.services import profile_update
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from studyapp.study.replanning import exam_replan_if_changed, plan_basis

pytestmark = pytest.mark.django_db(transaction=True)
S = CardState.State
NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def on_postgresql(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions (BEGIN IMMEDIATE): these races cannot happen there")
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def learner_with_cards_after_the_exam(user):
    profile = user.profile
    profile.time_zone, profile.exam_date = "Asia/Tokyo", profile.clock().study_day(NOW) + 45 * DAY
    profile.save()
    services.study_queue_sync(user=user, profile=profile, now=NOW)
    exam_replan_if_changed(user=user, profile=profile, now=NOW)
    CardState.objects.filter(user=user).update(
        state=S.REVIEW, stability=8.0, difficulty=5.0, last_review=NOW - 3 * DAY, due=NOW + 40 * DAY, reps=3
    )
    return profile


def someone_waits_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def wait_until(condition, *, seconds=60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
    raise AssertionError("the other connection never waited")


def paused_after_locking_the_cards(action, locked: threading.Event, go: threading.Event, errors: list):
    """Run ``action`` in a thread whose replan stops right after it locked
    the learner's review cards, until ``go``."""

    def run():
        try:

            def wrapper(execute, sql, params, many, context):
                result = execute(sql, params, many, context)
                if not locked.is_set() and "study_cardstate" in sql and "FOR UPDATE" in sql.upper():
                    locked.set()
                    assert go.wait(timeout=60)
                return result

            with connections["default"].execute_wrapper(wrapper):
                action()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            locked.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def in_a_thread(action, errors: list):
    def run():
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def fresh_profile(user):
    return User.objects.get(pk=user.pk).profile


def race(first, second) -> None:
    """``first`` (which replans) stops once it holds the locks; ``second``
    runs on another connection until it waits for one of them; then
    ``first`` goes on, and both finish."""
    locked, go, errors = threading.Event(), threading.Event(), []
    first_thread = paused_after_locking_the_cards(first, locked, go, errors)
    second_thread = None
    try:
        assert locked.wait(timeout=60)
        second_thread = in_a_thread(second, errors)
        wait_until(someone_waits_for_a_lock)
    finally:
        go.set()
        first_thread.join(timeout=60)
        if second_thread is not None:
            second_thread.join(timeout=60)
    assert not errors, errors


def exam_date_set(user, exam_date):
    return lambda: profile_update(profile=fresh_profile(user), data={"exam_date": exam_date})


def test_two_changes_of_the_date_at_once_leave_the_plan_of_the_last_one(alice_deck):
    profile = learner_with_cards_after_the_exam(alice_deck)
    today = profile.clock().study_day(NOW)
    race(exam_date_set(alice_deck, today + 10 * DAY), exam_date_set(alice_deck, today + 20 * DAY))
    profile = fresh_profile(alice_deck)
    assert profile.exam_date == today + 20 * DAY
    assert profile.plan_basis == plan_basis(profile)
    # Every card was planned for the date that won: none after its eve.
    days = {
        profile.clock().study_day(due)
        for due in CardState.objects.filter(user=alice_deck).values_list("due", flat=True)
    }
    assert max(days) < today + 20 * DAY


def test_a_grade_racing_a_replan_waits_and_is_refused_on_a_card_the_replan_moved(alice_deck):
    profile = learner_with_cards_after_the_exam(alice_deck)
    today = profile.clock().study_day(NOW)
    state = CardState.objects.filter(user=alice_deck).order_by("pk").first()
    seen, graded = state.version, []

    def grade():
        graded.append(services.card_grade(user=alice_deck, profile=profile, state_id=state.pk, version=seen, rating=3))

    race(exam_date_set(alice_deck, today + 10 * DAY), grade)
    state.refresh_from_db()
    # The replan moved the card (a new version): the answer, made on the
    # card as it was, is refused whole; the card shows again, on the new plan.
    assert graded[0].duplicate
    assert not ReviewLog.objects.filter(user=alice_deck).exists()
    assert state.version == seen + 1 and profile.clock().study_day(state.due) < today + 10 * DAY
