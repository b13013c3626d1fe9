"""The study plan made again when the exam date or the daily limits change
(studyapp.study.replanning), driven through the services with a fake clock,
and checked against the plan's promises with a recall computed here, apart
from the app's code: every card below the target at the exam gets a review
before it when the budget has room; no day holds more reviews than the
budget; removing the date brings no burst of cards due at once."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.accounts.services import profile_update
from studyapp.study import services
from studyapp.study.models import CardState, PlanGap, ReviewLog, StudyDay
from studyapp.study.planning import study_day_plan
from studyapp.study.replanning import exam_replan_if_changed
from tests.support.study import study_next

pytestmark = pytest.mark.django_db
S = CardState.State
NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo, study day 2026-03-10
DAY = timedelta(days=1)
TARGET = 0.975


@pytest.fixture(autouse=True)
def fake_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def true_recall(stability: float, last_review: date, exam_day: date) -> float:
    """FSRS-6's forgetting curve, written out: R(t) = (1 + f t / S)^-w20
    with f chosen so that R(S) = 0.9; t in whole study days, as the plan
    counts them."""
    decay = DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (-1 / decay) - 1
    elapsed = (exam_day - last_review).days
    return (1 + factor * elapsed / stability) ** -decay


def tokyo(user, *, reviews_per_day=200, new_per_day=20, exam_in_days=None):
    profile = user.profile
    profile.time_zone = "Asia/Tokyo"
    profile.reviews_per_day, profile.new_per_day = reviews_per_day, new_per_day
    profile.exam_date = profile.clock().study_day(NOW) + exam_in_days * DAY if exam_in_days else None
    profile.save()
    services.study_queue_sync(user=user, profile=profile, now=NOW)
    # The settings the cards below were planned for.
    exam_replan_if_changed(user=user, profile=profile, now=NOW)
    return profile


def studied(user, *, days_ago=3, due_in=(20, 60)):
    """Every card in review, last reviewed ``days_ago`` study days ago with
    stabilities from 4 to 60 days, due spread over ``due_in`` days."""
    states = list(CardState.objects.filter(user=user).order_by("new_rank"))
    low, high = due_in
    for i, state in enumerate(states):
        CardState.objects.filter(pk=state.pk).update(
            state=S.REVIEW,
            step=None,
            stability=4.0 + 56.0 * i / max(1, len(states) - 1),
            difficulty=5.0,
            last_review=NOW - days_ago * DAY,
            due=NOW + (low + (high - low) * i // max(1, len(states) - 1)) * DAY,
            reps=3,
        )
    return len(states)


def change(user, **data):
    profile = User.objects.get(pk=user.pk).profile
    return profile_update(profile=profile, data=data)


def reviews_by_day(user, profile) -> Counter:
    """Cards in review due on each study day (overdue ones today), with
    today's reviews already answered; with an exam, the days before it."""
    today = profile.clock().study_day(NOW)
    days = Counter(
        max(today, profile.clock().study_day(due))
        for due in CardState.objects.filter(user=user, state=S.REVIEW, in_scope=True).values_list("due", flat=True)
    )
    days[today] += ReviewLog.objects.filter(user=user, study_day=today, previous_state=S.REVIEW).count()
    exam_day = profile.exam_date or profile.assigned_exam_date
    return Counter({day: n for day, n in days.items() if exam_day is None or day < exam_day})


def below_target_after_the_eve(user, profile) -> list[int]:
    exam_day = profile.exam_date or profile.assigned_exam_date
    late = []
    for state in CardState.objects.filter(user=user, state=S.REVIEW, in_scope=True):
        recall = true_recall(state.stability, profile.clock().study_day(state.last_review), exam_day)
        if recall < TARGET and profile.clock().study_day(state.due) >= exam_day:
            late.append(state.pk)
    return late


def assert_the_promises_hold(user):
    profile = User.objects.get(pk=user.pk).profile
    assert below_target_after_the_eve(user, profile) == []
    assert max(reviews_by_day(user, profile).values()) <= profile.reviews_per_day
    assert not PlanGap.objects.filter(user=user).exists()


def test_an_exam_moved_earlier_brings_every_card_below_the_target_before_it(alice_deck):
    tokyo(alice_deck, exam_in_days=45)
    cards = studied(alice_deck, due_in=(14, 44))
    profile = User.objects.get(pk=alice_deck.pk).profile
    profile.exam_date = profile.clock().study_day(NOW) + 14 * DAY
    assert below_target_after_the_eve(alice_deck, profile)  # what the plan must fix
    change(alice_deck, exam_date=profile.exam_date)
    assert_the_promises_hold(alice_deck)
    # Levelled, not all brought to one day.
    busiest = max(reviews_by_day(alice_deck, profile).values())
    assert busiest < cards


def test_an_exam_moved_later_leaves_no_card_below_the_target_after_the_eve(alice_deck):
    tokyo(alice_deck, exam_in_days=10)
    studied(alice_deck, due_in=(2, 9))
    profile = User.objects.get(pk=alice_deck.pk).profile
    change(alice_deck, exam_date=profile.clock().study_day(NOW) + 40 * DAY)
    assert_the_promises_hold(alice_deck)


def test_a_date_set_after_weeks_without_one_plans_the_cards_fsrs_had_put_after_it(alice_deck):
    tokyo(alice_deck, exam_in_days=None)
    studied(alice_deck, days_ago=20, due_in=(5, 60))
    profile = User.objects.get(pk=alice_deck.pk).profile
    profile.exam_date = profile.clock().study_day(NOW) + 25 * DAY
    assert below_target_after_the_eve(alice_deck, profile)  # what the plan must fix
    messages = change(alice_deck, exam_date=profile.exam_date)
    assert messages == []
    assert_the_promises_hold(alice_deck)


def test_removing_the_date_returns_to_plain_fsrs_without_a_burst(alice_deck):
    tokyo(alice_deck, exam_in_days=20)
    # Planned for the exam: some due in the coming days, some overdue by
    # plain FSRS (reviewed long ago with little stability) but not yet due.
    cards = studied(alice_deck, days_ago=30, due_in=(1, 15))
    profile = User.objects.get(pk=alice_deck.pk).profile
    change(alice_deck, exam_date=None)
    # Plain FSRS would have had most of them due today; none is.
    overdue_by_fsrs = [s for s in CardState.objects.filter(user=alice_deck) if s.last_review + s.stability * DAY < NOW]
    assert len(overdue_by_fsrs) >= cards // 3
    assert not CardState.objects.filter(user=alice_deck, due__lte=NOW).exists()
    assert max(reviews_by_day(alice_deck, profile).values()) <= cards // 4
    # A card whose plain FSRS date lies ahead is back on it: 90 % recall
    # after its stability (60 days), by definition of stability.
    steady = CardState.objects.filter(user=alice_deck).order_by("-stability").first()
    expected = profile.clock().study_day(NOW - 30 * DAY) + 60 * DAY
    assert abs((profile.clock().study_day(steady.due) - expected).days) <= 1


def test_cards_without_room_before_the_exam_are_named_with_the_reason(client, alice_deck):
    tokyo(alice_deck, reviews_per_day=1, exam_in_days=30)
    studied(alice_deck, days_ago=3, due_in=(31, 60))
    profile = User.objects.get(pk=alice_deck.pk).profile
    profile.exam_date = profile.clock().study_day(NOW) + 3 * DAY
    below = len(below_target_after_the_eve(alice_deck, profile))
    messages = change(alice_deck, exam_date=profile.exam_date)
    gaps = PlanGap.objects.filter(user=alice_deck)
    # Three days before the exam, one review a day: three of them get one.
    assert gaps.count() == below - 3 > 0 and {g.reason for g in gaps} == {PlanGap.Reason.NO_ROOM}
    assert max(reviews_by_day(alice_deck, User.objects.get(pk=alice_deck.pk).profile).values()) <= 1
    assert messages and "statistics page" in messages[0]
    client.force_login(alice_deck)
    body = client.get(reverse("stats")).content.decode()
    assert 'id="plan-gaps"' in body and "full to your daily review limit" in body
    # In Japanese too, the notice and each card's reason.
    change(alice_deck, language="ja")
    body = client.get(reverse("stats"), headers={"Accept-Language": "ja"}).content.decode()
    assert "試験日までに復習の予定がありません" in body and "1 日の復習上限まで埋まっています" in body
    # Raising the limit finds them room.
    change(alice_deck, reviews_per_day=200)
    assert_the_promises_hold(alice_deck)
    assert 'id="plan-gaps"' not in client.get(reverse("stats")).content.decode()


def test_raising_new_cards_per_day_mid_day_takes_effect_in_the_same_session(alice_deck):
    profile = tokyo(alice_deck, new_per_day=2, exam_in_days=60)
    services.study_session_open(user=alice_deck, profile=profile, now=NOW)
    assert StudyDay.objects.get(user=alice_deck).new_limit == 2
    for _ in range(2):
        state, _ = study_next(user=alice_deck, profile=profile, now=NOW)
        services.card_grade(user=alice_deck, profile=profile, state_id=state.pk, version=state.version, rating=3)
    assert services.today_for(user=alice_deck, profile=profile, now=NOW).new_left == 0
    assert change(alice_deck, new_per_day=6) == []
    profile = User.objects.get(pk=alice_deck.pk).profile
    assert services.today_for(user=alice_deck, profile=profile, now=NOW).new_left == 4
    # Lowered below what was done today: the learner is told.
    messages = change(alice_deck, new_per_day=1)
    assert messages == ["Today's new cards stay at 1: 2 were introduced already."]


def test_a_plan_made_mid_session_counts_the_reviews_already_answered(alice_deck):
    profile = tokyo(alice_deck, reviews_per_day=4, exam_in_days=10)
    studied(alice_deck, days_ago=8, due_in=(0, 0))  # all due today
    for state in CardState.objects.filter(user=alice_deck).order_by("pk")[:3]:
        services.card_grade(user=alice_deck, profile=profile, state_id=state.pk, version=state.version, rating=3)
    row = study_day_plan(user=alice_deck, profile=profile, now=NOW)
    assert row.reviews_planned <= 1
    today = services.today_for(user=alice_deck, profile=profile, now=NOW)
    assert today.reviews_left == 1


def test_a_replan_mid_session_never_gives_today_more_than_the_budget(alice_deck):
    tokyo(alice_deck, reviews_per_day=5, exam_in_days=30)
    studied(alice_deck, days_ago=3, due_in=(40, 60))
    profile = User.objects.get(pk=alice_deck.pk).profile
    answered = CardState.objects.filter(user=alice_deck).order_by("pk")[:4]
    for state in answered:
        CardState.objects.filter(pk=state.pk).update(due=NOW)
        state.refresh_from_db()
        services.card_grade(user=alice_deck, profile=profile, state_id=state.pk, version=state.version, rating=3)
    change(alice_deck, exam_date=profile.clock().study_day(NOW) + 6 * DAY)
    profile = User.objects.get(pk=alice_deck.pk).profile
    assert reviews_by_day(alice_deck, profile)[profile.clock().study_day(NOW)] <= 5


def test_a_team_assignment_that_sets_the_date_replans(alice_deck, bob):
    from studyapp.teams import services as teams

    tokyo(alice_deck, exam_in_days=None)
    studied(alice_deck, days_ago=20, due_in=(5, 60))
    team = teams.team_create(user=bob, name="SAP cohort")
    teams.team_join(user=alice_deck, invite=teams.invite_create(team=team))
    profile = User.objects.get(pk=alice_deck.pk).profile
    teams.assignment_create(team=team, kind="tag", value="S3", exam_date=profile.clock().study_day(NOW) + 21 * DAY)
    profile.refresh_from_db()
    assert profile.assigned_exam_date == profile.clock().study_day(NOW) + 21 * DAY
    assert_the_promises_hold(alice_deck)


def test_a_change_made_outside_the_settings_page_is_found_when_the_study_page_opens(alice_deck):
    tokyo(alice_deck, exam_in_days=None)
    studied(alice_deck, days_ago=20, due_in=(5, 60))
    profile = User.objects.get(pk=alice_deck.pk).profile
    profile.exam_date = profile.clock().study_day(NOW) + 25 * DAY
    profile.save()  # the admin, a script: no replan yet
    assert below_target_after_the_eve(alice_deck, profile)
    services.study_session_open(user=alice_deck, profile=profile, now=NOW)
    assert_the_promises_hold(alice_deck)
