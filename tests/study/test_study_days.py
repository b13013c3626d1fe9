"""fsrs counts study days, not clock time: the time of day a learner studies
does not change their schedule (studyapp.scheduling.clock)."""

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating

from studyapp.scheduling.clock import StudyClock, fractional_recall, fsrs_day
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from studyapp.study.services import study_queue_sync

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
DAY0 = date(2026, 3, 2)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, tzinfo=TOKYO) + timedelta(days=day)


def learner(user):
    profile = user.profile
    profile.time_zone = "Asia/Tokyo"
    profile.save()
    study_queue_sync(user=user, profile=profile, now=at(0, 6))
    return profile


def answer(user, profile, card_id: int, rating: Rating, when: datetime) -> CardState:
    state = CardState.objects.get(user=user, card_id=card_id)
    random.seed(7)  # the same fuzz for both learners
    services.card_grade(
        user=user, profile=profile, state_id=state.pk, version=state.version, rating=int(rating), now=when
    )
    return CardState.objects.get(pk=state.pk)


def study_days_from(profile, state: CardState) -> int:
    return (profile.clock().study_day(state.due) - DAY0).days


def test_answers_at_seven_one_day_and_at_eleven_at_night_the_next_schedule_as_at_eight_both_days(alice, bob, deck):
    a, b = learner(alice), learner(bob)
    card_id = CardState.objects.filter(user=alice).order_by("new_rank").first().card_id
    # A new card: Good, then its learning step ten minutes later, on study day 0.
    for minutes, rating in ((0, Rating.Good), (10, Rating.Good)):
        early = answer(alice, a, card_id, rating, at(0, 7, minutes))
        usual = answer(bob, b, card_id, rating, at(0, 8, minutes))
    assert early.state == usual.state == CardState.State.REVIEW
    assert study_days_from(a, early) == study_days_from(b, usual)
    # Due on study day n: alice answers at 23:00 that day, bob at 08:00.
    n = study_days_from(b, usual)
    for rating in (Rating.Good, Rating.Again, Rating.Good):
        late = answer(alice, a, card_id, rating, at(n, 23))
        usual = answer(bob, b, card_id, rating, at(n, 8))
        if late.state != CardState.State.REVIEW:
            assert (late.due - at(n, 23)) == (usual.due - at(n, 8))  # a step: minutes after the answer
        else:
            assert study_days_from(a, late) == study_days_from(b, usual)
        assert (late.state, late.step) == (usual.state, usual.step)
        assert late.stability == pytest.approx(usual.stability)
        assert late.difficulty == pytest.approx(usual.difficulty)
        n = study_days_from(b, usual)
    # The logs say what fsrs saw: whole study days between reviews.
    elapsed = list(ReviewLog.objects.filter(user=alice, previous_state=CardState.State.REVIEW).values_list(
        "elapsed_days", flat=True
    ))  # fmt: skip
    assert elapsed == list(
        ReviewLog.objects.filter(user=bob, previous_state=CardState.State.REVIEW).values_list("elapsed_days", flat=True)
    )


def test_fifteen_minutes_earlier_the_next_day_is_one_study_day_not_zero(alice, deck):
    profile = learner(alice)
    card_id = CardState.objects.filter(user=alice).order_by("new_rank").first().card_id
    answer(alice, profile, card_id, Rating.Good, at(0, 20))
    state = answer(alice, profile, card_id, Rating.Good, at(0, 20, 10))
    n = study_days_from(profile, state)
    state = answer(alice, profile, card_id, Rating.Good, at(n, 20) - timedelta(minutes=15))
    log = ReviewLog.objects.filter(user=alice).latest("id")
    assert log.elapsed_days == n
    # A same-day update would have brought it back tomorrow; a real review pushes it further.
    assert study_days_from(profile, state) > n + 1


def test_the_study_day_starts_at_four_in_the_morning_local_time():
    clock = StudyClock(TOKYO)
    assert clock.study_day(at(1, 3, 59)) == DAY0
    assert clock.study_day(at(1, 4)) == DAY0 + timedelta(days=1)
    assert clock.fsrs_time(at(1, 3, 59)) == clock.fsrs_time(at(0, 4)) == fsrs_day(DAY0)
    assert clock.fsrs_time(at(0, 23)) - clock.fsrs_time(at(0, 7)) == timedelta(0)
    # What fsrs returns comes back to the clock by the same offset.
    now = at(0, 23)
    assert clock.to_clock(fsrs_day(DAY0) + timedelta(minutes=10), now=now) == now + timedelta(minutes=10)
    assert clock.to_clock(fsrs_day(DAY0) + timedelta(days=3), now=now) == now + timedelta(days=3)


def test_fractional_recall_is_the_fsrs_curve_between_whole_days():
    from fsrs import Card, Scheduler, State

    scheduler = Scheduler()
    last = datetime(2026, 3, 2, tzinfo=UTC)
    card = Card(card_id=1, state=State.Review, stability=7.0, difficulty=5.0, due=last, last_review=last)
    for days in (0, 1, 7, 30):
        whole = scheduler.get_card_retrievability(card, last + timedelta(days=days))
        assert fractional_recall(parameters=scheduler.parameters, stability=7.0, elapsed_days=days) == pytest.approx(
            whole
        )
    half = fractional_recall(parameters=scheduler.parameters, stability=7.0, elapsed_days=7.5)
    assert scheduler.get_card_retrievability(card, last + timedelta(days=8)) < half < 0.9
