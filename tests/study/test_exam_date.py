"""The exam-date policy inside the app: due dates, order, new-card pace."""

from datetime import timedelta

import pytest
from django.utils import timezone
from fsrs import Rating

from studyapp.study import services
from studyapp.study.exam_bridge import target_recall
from studyapp.study.fsrs_bridge import scheduler_for, to_fsrs
from studyapp.study.models import CardState, StudyDay
from studyapp.study.planning import study_day_plan
from studyapp.study.queue import next_state

pytestmark = pytest.mark.django_db
S = CardState.State


def make_review(state, *, now, stability, days_ago, due_in_days):
    state.state, state.step = S.REVIEW, None
    state.stability, state.difficulty = stability, 5.0
    state.last_review = now - timedelta(days=days_ago)
    state.due = now + timedelta(days=due_in_days)
    state.save()


def test_a_card_that_would_fall_below_target_is_reviewed_before_the_exam(alice_deck):
    profile = alice_deck.profile
    now = timezone.now()
    profile.exam_date = profile.clock().study_day(now) + timedelta(days=30)
    profile.save()
    state = CardState.objects.filter(user=alice_deck).first()
    make_review(state, now=now, stability=6.0, days_ago=6, due_in_days=0)
    services.card_grade(
        user=alice_deck, profile=profile, state_id=state.pk, version=state.version, rating=Rating.Good, now=now
    )
    state.refresh_from_db()
    exam_at = profile.clock().exam_at
    scheduler, clock = scheduler_for(profile, fuzz=False), profile.clock()
    card = to_fsrs(state, clock=clock, now=now)
    # Below the target on the exam's study day without another review: one comes before.
    assert scheduler.get_card_retrievability(card, clock.fsrs_time(exam_at)) < target_recall(profile)
    assert state.due < exam_at
    assert state.exam_recall is not None


def test_without_an_exam_date_fsrs_decides_alone(alice_deck):
    profile = alice_deck.profile
    now = timezone.now()
    state = CardState.objects.filter(user=alice_deck).first()
    make_review(state, now=now, stability=6.0, days_ago=6, due_in_days=0)
    services.card_grade(
        user=alice_deck, profile=profile, state_id=state.pk, version=state.version, rating=Rating.Good, now=now
    )
    state.refresh_from_db()
    assert state.exam_recall is None
    assert state.due > now + timedelta(days=5)


def test_in_the_last_weeks_the_lowest_exam_recall_comes_first(alice_deck):
    profile = alice_deck.profile
    now = timezone.now()
    profile.exam_date = profile.clock().study_day(now) + timedelta(days=10)
    profile.save()
    first, second = CardState.objects.filter(user=alice_deck).order_by("id")[:2]
    make_review(first, now=now, stability=10.0, days_ago=5, due_in_days=-3)  # overdue longest
    make_review(second, now=now, stability=10.0, days_ago=5, due_in_days=-1)
    CardState.objects.filter(pk=first.pk).update(exam_recall=0.95)
    CardState.objects.filter(pk=second.pk).update(exam_recall=0.60)
    today = services.today_for(user=alice_deck, profile=profile, now=now)
    assert today.exam_order
    shown, _ = next_state(alice_deck, today)
    assert shown.pk == second.pk


def test_far_from_the_exam_due_order_applies(alice_deck):
    profile = alice_deck.profile
    now = timezone.now()
    profile.exam_date = profile.clock().study_day(now) + timedelta(days=90)
    profile.save()
    first, second = CardState.objects.filter(user=alice_deck).order_by("id")[:2]
    make_review(first, now=now, stability=10.0, days_ago=5, due_in_days=-3)
    make_review(second, now=now, stability=10.0, days_ago=5, due_in_days=-1)
    CardState.objects.filter(pk=first.pk).update(exam_recall=0.95)
    CardState.objects.filter(pk=second.pk).update(exam_recall=0.60)
    shown, _ = next_state(alice_deck, services.today_for(user=alice_deck, profile=profile, now=now))
    assert shown.pk == first.pk


def test_a_near_exam_raises_the_new_card_pace_once_a_day(alice_deck):
    profile = alice_deck.profile
    now = timezone.now()
    profile.new_per_day = 1
    profile.exam_date = profile.clock().study_day(now) + timedelta(days=16)
    profile.save()
    study_day_plan(user=alice_deck, profile=profile, now=now)
    day = StudyDay.objects.get(user=alice_deck)
    remaining = CardState.objects.filter(user=alice_deck, state=S.NEW).count()
    assert day.new_limit > 1
    assert day.new_limit <= 3  # never more than three times the learner's own pace
    assert remaining > day.new_limit
    profile.refresh_from_db()
    assert profile.calibrated_on == profile.clock().study_day(now)
    today = services.today_for(user=alice_deck, profile=profile, now=now)
    assert today.new_left == day.new_limit
