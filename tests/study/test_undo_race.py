"""Undo against answers recorded at the same moment, and against states and
logs that are gone or were changed by something undo cannot take back."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from fsrs import Rating

from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog

pytestmark = pytest.mark.django_db
S = CardState.State
HTMX = {"HX-Request": "true"}


def first_new(user):
    return CardState.objects.filter(user=user, state=S.NEW).order_by("new_rank").first()


def grade(user, state_id, rating=Rating.Good):
    version = CardState.objects.get(pk=state_id).version
    return services.card_grade(user=user, profile=user.profile, state_id=state_id, version=version, rating=rating)


def row(state_id):
    state = CardState.objects.get(pk=state_id)
    return {f.attname: getattr(state, f.attname) for f in CardState._meta.fields}


@contextmanager
def before_the_first_state_read(action):
    """Run ``action`` once, just before the first statement that reads a card
    state: inside undo, that is between reading the latest answer and locking
    its card. The same connection, so the interleaving is exact on any
    database, with no threads and no waiting."""
    fired = []

    def wrapper(execute, sql, params, many, context):
        if not fired and "study_cardstate" in sql and sql.lstrip().upper().startswith("SELECT"):
            fired.append(True)
            action()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield fired


def test_an_answer_recorded_while_undo_waits_is_the_one_undone(alice_deck):
    """Undo read answer 1 as the latest; answer 2 to the same card was
    recorded before undo locked the card. Restoring answer 1's "before" would
    leave answer 2 in the log for a state that never had it."""
    state = first_new(alice_deck)
    grade(alice_deck, state.pk)  # answer 1
    after_first = row(state.pk)
    first_log = ReviewLog.objects.get()

    with before_the_first_state_read(lambda: grade(alice_deck, state.pk, Rating.Again)) as fired:
        outcome = services.review_undo(user=alice_deck, profile=alice_deck.profile)

    assert fired, "the answer was never interleaved"
    # Answer 2 is taken back, answer 1 stays, and the state is what answer 1 left.
    assert outcome.kind == "answer" and outcome.state.pk == state.pk
    assert list(ReviewLog.objects.values_list("id", flat=True)) == [first_log.pk]
    assert row(state.pk) == after_first
    # The log and the state agree: the state is exactly what the last log row left.
    assert CardState.objects.get(pk=state.pk).version == first_log.state_after["version"]


def test_a_bury_recorded_while_undo_waits_is_the_one_undone(alice_deck):
    state = first_new(alice_deck)
    grade(alice_deck, state.pk)
    after_answer = row(state.pk)

    def bury():
        version = CardState.objects.get(pk=state.pk).version
        services.card_bury(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=version)

    with before_the_first_state_read(bury):
        outcome = services.review_undo(user=alice_deck, profile=alice_deck.profile)
    assert outcome.kind == "bury"
    assert row(state.pk) == after_answer
    assert ReviewLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_undo_and_an_answer_on_two_connections(alice_deck):
    """The same race with two real connections on PostgreSQL: undo (in a
    thread) has read the latest answer and waits; the answer commits on the
    other connection; then undo goes on and locks the card. Ordered with
    events, not sleeps."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writing transactions (BEGIN IMMEDIATE): this race cannot happen there")
    state = first_new(alice_deck)
    grade(alice_deck, state.pk)
    after_first = row(state.pk)
    first_log = ReviewLog.objects.get()
    undo_has_read, answer_committed = threading.Event(), threading.Event()
    outcome, errors = [], []

    def undo_in_a_thread():
        try:
            fired = []

            def wrapper(execute, sql, params, many, context):
                if not fired and "study_cardstate" in sql and sql.lstrip().upper().startswith("SELECT"):
                    fired.append(True)
                    undo_has_read.set()
                    assert answer_committed.wait(timeout=60)
                return execute(sql, params, many, context)

            with connections["default"].execute_wrapper(wrapper):
                outcome.append(services.review_undo(user=alice_deck, profile=alice_deck.profile))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            undo_has_read.set()
            connections.close_all()

    thread = threading.Thread(target=undo_in_a_thread)
    thread.start()
    try:
        assert undo_has_read.wait(timeout=60)
        grade(alice_deck, state.pk, Rating.Again)  # commits on this thread's connection
    finally:
        answer_committed.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert outcome[0].kind == "answer"
    assert list(ReviewLog.objects.values_list("id", flat=True)) == [first_log.pk]
    assert row(state.pk) == after_first


def test_undo_refuses_when_the_card_changed_since_and_keeps_everything(alice_deck):
    """A trap pulled the answered card forward after the answer: restoring the
    answer's "before" would silently drop that change. Refused, nothing changes."""
    state = first_new(alice_deck)
    grade(alice_deck, state.pk, Rating.Easy)
    CardState.objects.filter(pk=state.pk).update(
        due=timezone.now(), version=CardState.objects.get(pk=state.pk).version + 1
    )
    before = row(state.pk)
    outcome = services.review_undo(user=alice_deck, profile=alice_deck.profile)
    assert outcome.state is None and outcome.refused
    assert row(state.pk) == before
    assert ReviewLog.objects.count() == 1


def test_undo_after_the_state_was_deleted_answers_and_changes_nothing(client, alice_deck):
    state = first_new(alice_deck)
    grade(alice_deck, state.pk)
    CardState.objects.filter(pk=state.pk).delete()  # from the shell: the log's state becomes NULL
    client.force_login(alice_deck)
    for _ in range(2):
        response = client.post(reverse("study_undo"), headers=HTMX)
        assert response.status_code == 200
        assert "can no longer be undone" in response.content.decode()
    assert ReviewLog.objects.count() == 1


@pytest.mark.parametrize(
    "damage",
    [
        {"state_after": {}},
        {"state_after": "not a snapshot"},
        {"state_before": {"state": "learning"}},
        {"state_before": []},
        {"state_before": {"due": "yesterday"}},
    ],
)
def test_undo_of_a_log_edited_by_hand_answers_and_changes_nothing(client, alice_deck, damage):
    state = first_new(alice_deck)
    grade(alice_deck, state.pk)
    log = ReviewLog.objects.get()
    if "state_before" in damage and isinstance(damage["state_before"], dict):
        damage = {"state_before": log.state_before | damage["state_before"]}
    ReviewLog.objects.filter(pk=log.pk).update(**damage)
    before = row(state.pk)
    client.force_login(alice_deck)
    response = client.post(reverse("study_undo"), headers=HTMX)
    assert response.status_code == 200
    assert "can no longer be undone" in response.content.decode()
    assert row(state.pk) == before
    assert ReviewLog.objects.count() == 1


def test_an_answer_logged_before_exam_recall_existed_is_still_undone(alice_deck):
    state = first_new(alice_deck)
    untouched = row(state.pk)
    grade(alice_deck, state.pk)
    log = ReviewLog.objects.get()
    ReviewLog.objects.filter(pk=log.pk).update(
        state_before={k: v for k, v in log.state_before.items() if k != "exam_recall"}
    )
    outcome = services.review_undo(user=alice_deck, profile=alice_deck.profile)
    assert outcome.kind == "answer"
    assert row(state.pk) == untouched


def test_with_nothing_to_undo_undo_says_so(client, alice_deck):
    client.force_login(alice_deck)
    response = client.post(reverse("study_undo"), headers=HTMX)
    assert response.status_code == 200 and "Nothing to undo." in response.content.decode()
