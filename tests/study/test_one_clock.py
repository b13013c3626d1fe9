"""One clock per request: a grade makes the learner's StudyClock (their study
days, their exam's moment and its fsrs time) once, and everything on the way
(the study day, the exam policy's due date, the queue's order, the next
card's intervals) asks it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from fsrs import Rating

from studyapp.accounts import models as accounts_models
from studyapp.accounts.models import Profile
from studyapp.scheduling.clock import StudyClock
from studyapp.study import services
from studyapp.study.models import CardState

pytestmark = pytest.mark.django_db


def with_exam(user, days: int) -> Profile:
    profile = Profile.objects.get(user=user)
    profile.exam_date = profile.clock().study_day(timezone.now()) + timedelta(days=days)
    profile.save()
    return profile


def first_new(user) -> CardState:
    return CardState.objects.filter(user=user, state=CardState.State.NEW).order_by("new_rank").first()


@pytest.mark.parametrize("days", [60, 10])  # before and in the final weeks
def test_a_graded_card_makes_the_clock_and_the_exam_moment_once(client, alice_deck, days):
    with_exam(alice_deck, days)
    client.force_login(alice_deck)
    state = first_new(alice_deck)
    with mock.patch.object(accounts_models, "StudyClock", wraps=StudyClock) as made:
        response = client.post(
            reverse("study_grade", args=[state.pk]),
            {"rating": Rating.Good, "version": state.version},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    assert made.call_count == 1


def test_the_grading_service_makes_the_clock_once(alice_deck):
    profile = with_exam(alice_deck, 20)
    state = first_new(alice_deck)
    with mock.patch.object(accounts_models, "StudyClock", wraps=StudyClock) as made:
        services.card_grade(
            user=alice_deck, profile=profile, state_id=state.pk, version=state.version, rating=Rating.Good
        )
    assert made.call_count == 1


def test_the_clock_follows_a_changed_setting(alice_deck):
    profile = with_exam(alice_deck, 20)
    before = profile.clock()
    assert profile.clock() is before
    profile.time_zone = "Asia/Tokyo"
    assert profile.clock().zone.key == "Asia/Tokyo"
    profile.exam_date = None
    assert profile.clock().exam_at is None and profile.clock().exam_fsrs is None


def test_the_exam_moment_is_the_exam_date_at_the_exam_time_in_the_learners_zone(alice_deck):
    profile = with_exam(alice_deck, 20)
    profile.time_zone = "Asia/Tokyo"
    clock = profile.clock()
    assert clock.exam_at.date() == clock.exam_date == profile.exam_date
    assert clock.exam_at.timetz().replace(tzinfo=None) == profile.exam_time
    assert clock.exam_at.utcoffset() == timedelta(hours=9)
    assert clock.exam_fsrs == clock.fsrs_time(clock.exam_at)
