"""Grading, undo, duplicates, burying, suspending, leeches: the services."""

from datetime import timedelta

import pytest
from django.utils import timezone
from fsrs import Rating

from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from tests.support.study import study_next

pytestmark = pytest.mark.django_db
S = CardState.State


def first_new(user):
    return CardState.objects.filter(user=user, state=S.NEW).order_by("new_rank").first()


def grade(user, state, rating, now=None, **kw):
    return services.card_grade(
        user=user, profile=user.profile, state_id=state.pk, version=state.version, rating=rating, now=now, **kw
    )


def row(state):
    """Every column of a card state, for exact comparisons."""
    return {f.attname: getattr(CardState.objects.get(pk=state.pk), f.attname) for f in CardState._meta.fields}


def test_the_queue_has_a_new_state_for_every_card_in_scope(alice_deck):
    assert CardState.objects.filter(user=alice_deck).count() == Card.objects.active().count()
    assert set(CardState.objects.filter(user=alice_deck).values_list("state", flat=True)) == {S.NEW}


def test_grading_a_new_card_schedules_it_and_logs_the_answer(alice_deck):
    state = first_new(alice_deck)
    outcome = grade(alice_deck, state, Rating.Good, duration_ms=4200)
    state.refresh_from_db()
    assert state.state == S.LEARNING and state.reps == 1 and state.version == 1
    assert state.due > timezone.now()
    log = ReviewLog.objects.get()
    assert (log.rating, log.previous_state, log.duration_ms) == (3, S.NEW, 4200)
    assert log.state_before["state"] == S.NEW and log.state_after["state"] == S.LEARNING
    today = services.today_for(user=alice_deck, profile=alice_deck.profile, now=timezone.now())
    assert today.done == 1
    assert today.new_left == alice_deck.profile.new_per_day - 1
    assert outcome.counts.new_done == 1


def test_undo_restores_the_state_and_removes_the_log_exactly(alice_deck):
    # Both answers on one study day, whatever the time the test runs at.
    start = timezone.now().replace(hour=12, minute=0)
    state = first_new(alice_deck)
    grade(alice_deck, state, Rating.Good, now=start)
    state.refresh_from_db()
    before = row(state)
    logs_before = list(ReviewLog.objects.values_list("id", flat=True))
    counts_before = services.today_for(user=alice_deck, profile=alice_deck.profile, now=start)
    grade(alice_deck, state, Rating.Again, now=start + timedelta(minutes=11), duration_ms=1500)
    assert row(state) != before
    restored = services.review_undo(user=alice_deck, profile=alice_deck.profile)
    assert restored.kind == "answer" and restored.state.pk == state.pk
    assert row(state) == before
    assert list(ReviewLog.objects.values_list("id", flat=True)) == logs_before
    assert services.today_for(user=alice_deck, profile=alice_deck.profile, now=start) == counts_before


def test_undo_steps_back_through_several_answers(alice_deck):
    first = first_new(alice_deck)
    untouched = row(first)
    grade(alice_deck, first, Rating.Good)
    second = first_new(alice_deck)
    grade(alice_deck, second, Rating.Easy)
    services.review_undo(user=alice_deck, profile=alice_deck.profile)
    services.review_undo(user=alice_deck, profile=alice_deck.profile)
    assert row(first) == untouched
    assert ReviewLog.objects.count() == 0
    nothing = services.review_undo(user=alice_deck, profile=alice_deck.profile)
    assert nothing.state is None and not nothing.refused


def test_the_same_answer_submitted_twice_is_recorded_once(alice_deck):
    state = first_new(alice_deck)
    first = grade(alice_deck, state, Rating.Good)
    again = grade(alice_deck, state, Rating.Good)  # same version: a double click
    assert not first.duplicate and again.duplicate
    assert ReviewLog.objects.count() == 1
    assert services.today_for(user=alice_deck, profile=alice_deck.profile, now=timezone.now()).done == 1


def test_an_outsider_cannot_grade_anothers_card(alice_deck, bob):
    state = first_new(alice_deck)
    with pytest.raises(services.NotFound):
        services.card_grade(user=bob, profile=bob.profile, state_id=state.pk, version=0, rating=3)
    assert ReviewLog.objects.count() == 0


def test_a_card_answered_again_comes_back_in_the_same_session(alice_deck):
    profile = alice_deck.profile
    profile.new_per_day = 1
    profile.save()
    now = timezone.now()
    state = first_new(alice_deck)
    grade(alice_deck, state, Rating.Again, now=now)
    shown, _left = study_next(user=alice_deck, profile=profile, now=now + timedelta(seconds=5))
    assert shown.pk == state.pk  # nothing else is left today, so its step is learnt ahead


def test_learning_cards_come_before_new_ones_once_due(alice_deck):
    now = timezone.now()
    state = first_new(alice_deck)
    grade(alice_deck, state, Rating.Again, now=now)
    shown, _ = study_next(user=alice_deck, profile=alice_deck.profile, now=now + timedelta(minutes=2))
    assert shown.pk == state.pk
    other, _ = study_next(user=alice_deck, profile=alice_deck.profile, now=now + timedelta(seconds=10))
    assert other.pk != state.pk and other.state == S.NEW


def test_the_daily_new_limit_holds(alice_deck):
    profile = alice_deck.profile
    profile.new_per_day = 2
    profile.save()
    now = timezone.now()
    for _ in range(2):
        state, _ = study_next(user=alice_deck, profile=profile, now=now)
        grade(alice_deck, state, Rating.Easy, now=now)
    state, left = study_next(user=alice_deck, profile=profile, now=now)
    assert state is None and left == 0


def test_burying_hides_a_card_until_the_next_study_day(alice_deck):
    profile = alice_deck.profile
    now = timezone.now()
    state, _ = study_next(user=alice_deck, profile=profile, now=now)
    services.card_bury(user=alice_deck, profile=profile, state_id=state.pk, version=state.version, now=now)
    shown, _ = study_next(user=alice_deck, profile=profile, now=now)
    assert shown.pk != state.pk
    tomorrow = profile.clock().day_end(profile.clock().study_day(now)) + timedelta(minutes=1)
    shown, _ = study_next(user=alice_deck, profile=profile, now=tomorrow)
    assert shown.pk == state.pk


def test_suspending_hides_a_card_for_good(alice_deck):
    profile = alice_deck.profile
    state, _ = study_next(user=alice_deck, profile=profile)
    services.card_suspend(user=alice_deck, profile=profile, state_id=state.pk, version=state.version)
    assert CardState.objects.get(pk=state.pk).suspended
    shown, _ = study_next(user=alice_deck, profile=profile, now=timezone.now() + timedelta(days=400))
    assert shown is None or shown.pk != state.pk


def test_a_card_forgotten_eight_times_is_a_leech(alice_deck):
    state = first_new(alice_deck)
    now = timezone.now()
    grade(alice_deck, state, Rating.Easy, now=now)
    for _lapse in range(8):
        state.refresh_from_db()
        assert not state.is_leech
        now = state.due + timedelta(hours=1)
        grade(alice_deck, state, Rating.Again, now=now)  # a lapse
        state.refresh_from_db()
        for _ in range(3):  # relearn until it is a review card again
            if state.state == S.REVIEW:
                break
            now = max(now, state.due) + timedelta(minutes=1)
            grade(alice_deck, state, Rating.Easy, now=now)
            state.refresh_from_db()
    assert state.lapses == 8 and state.is_leech


def test_the_study_day_starts_at_four_in_the_learners_time_zone(alice):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    profile = alice.profile
    profile.time_zone = "Asia/Tokyo"
    tokyo = ZoneInfo("Asia/Tokyo")
    assert str(profile.clock().study_day(datetime(2026, 5, 2, 3, 59, tzinfo=tokyo))) == "2026-05-01"
    assert str(profile.clock().study_day(datetime(2026, 5, 2, 4, 0, tzinfo=tokyo))) == "2026-05-02"


def test_choosing_a_scope_limits_the_queue(alice_deck):
    services.study_scope_set(user=alice_deck, profile=alice_deck.profile, kind="note", value="TST-2")
    in_scope = CardState.objects.filter(user=alice_deck, in_scope=True)
    assert set(in_scope.values_list("card__note__note_id", flat=True)) == {"TST-2"}
    state, _ = study_next(user=alice_deck, profile=alice_deck.profile)
    assert state.card.note.note_id == "TST-2"


def test_a_changed_answer_sends_the_card_back_to_learning_with_a_notice(alice_deck):
    from tests import samples
    from tests.study.conftest import import_note

    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    state = CardState.objects.get(user=alice_deck, card=card)
    now = timezone.now()
    grade(alice_deck, state, Rating.Easy, now=now)
    state.refresh_from_db()
    assert state.state == S.REVIEW
    import_note(
        samples.CANONICAL.replace("レプリケーションには KMS 権限が必要。", "KMS キーポリシーの変更だけで十分。")
    )
    services.study_queue_sync(user=alice_deck, profile=alice_deck.profile)
    state.refresh_from_db()
    assert state.state == S.LEARNING and state.changed_notice
    assert ReviewLog.objects.filter(card=card).count() == 1  # history kept
