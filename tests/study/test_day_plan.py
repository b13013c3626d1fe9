"""The exam policy's daily plan as the app runs it (studyapp.study.planning),
and the background tasks that run it and fit memory models."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from studyapp.scheduling import fitting
from studyapp.study import services, tasks
from studyapp.study.memory import MIN_ANSWERS, memory_model_learner_fit
from studyapp.study.models import CardState, MemoryModel, StudyDay
from studyapp.study.planning import study_day_plan, study_days_plan
from studyapp.study.queue import next_state
from tests.study import simulated_learners

pytestmark = pytest.mark.django_db
S = CardState.State
NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
DAY = timedelta(days=1)


def learner(user, *, exam_in_days: int | None):
    profile = user.profile
    profile.time_zone = "Asia/Tokyo"
    profile.exam_date = profile.clock().study_day(NOW) + timedelta(days=exam_in_days) if exam_in_days else None
    profile.save()
    services.study_queue_sync(user=user, profile=profile, now=NOW)
    return profile


def in_review(state, *, stability, last_review, due):
    CardState.objects.filter(pk=state.pk).update(
        state=S.REVIEW, step=None, stability=stability, difficulty=5.0, last_review=last_review, due=due, reps=2
    )
    state.refresh_from_db()
    return state


def test_a_day_is_planned_once_and_the_plan_is_recorded(alice_deck):
    profile = learner(alice_deck, exam_in_days=10)
    first = study_day_plan(user=alice_deck, profile=profile, now=NOW)
    assert first.planned_at == NOW and first.day == profile.clock().study_day(NOW)
    again = study_day_plan(user=alice_deck, profile=profile, now=NOW + timedelta(hours=3))
    assert again.pk == first.pk and again.planned_at == NOW
    assert StudyDay.objects.filter(user=alice_deck).count() == 1


def test_without_an_exam_date_there_is_nothing_to_plan(alice_deck):
    profile = learner(alice_deck, exam_in_days=None)
    assert study_day_plan(user=alice_deck, profile=profile, now=NOW) is None
    assert not StudyDay.objects.filter(user=alice_deck).exists()


def test_in_the_final_weeks_a_review_whose_window_opened_is_brought_to_a_light_day(alice_deck):
    profile = learner(alice_deck, exam_in_days=10)
    # Reviewed nine days ago, due the day after tomorrow: its interim review
    # may come a little early, and nothing else is due today.
    state = CardState.objects.filter(user=alice_deck).order_by("new_rank").first()
    in_review(state, stability=6.0, last_review=NOW - 9 * DAY, due=NOW + 2 * DAY)
    row = study_day_plan(user=alice_deck, profile=profile, now=NOW)
    state.refresh_from_db()
    assert row.pulled == 1 and row.reviews_planned == 1
    assert state.due == NOW and state.version == 1
    today = services.today_for(user=alice_deck, profile=profile, now=NOW)
    shown, _ = next_state(alice_deck, today)
    assert shown.pk == state.pk


def test_a_due_card_below_the_target_is_never_postponed_but_one_that_needs_no_review_may_be(alice_deck):
    profile = learner(alice_deck, exam_in_days=5)
    profile.reviews_per_day = 1  # the budget keeps one of the two due cards for tomorrow
    profile.save()
    weak, steady = CardState.objects.filter(user=alice_deck).order_by("new_rank")[:2]
    in_review(weak, stability=3.0, last_review=NOW - 4 * DAY, due=NOW - DAY)
    in_review(steady, stability=9000.0, last_review=NOW - 4 * DAY, due=NOW - 2 * DAY)
    row = study_day_plan(user=alice_deck, profile=profile, now=NOW)
    weak.refresh_from_db()
    steady.refresh_from_db()
    assert row.reviews_planned == 1 and row.postponed == 1
    assert weak.due == NOW - DAY  # still due: it needs its review before the exam
    assert steady.due == profile.clock().day_start(profile.clock().study_day(NOW) + DAY)


def test_the_background_task_plans_learners_who_have_not_opened_the_app(alice_deck, bob, deck):
    profile = learner(alice_deck, exam_in_days=None)
    learner(bob, exam_in_days=None)
    # The task runs now, on the real clock: an exam ten days from today.
    profile.exam_date = profile.clock().study_day(timezone.now()) + timedelta(days=10)
    profile.save()
    result = tasks.plan_study_days.enqueue()  # the immediate backend in tests runs it at once
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    assert StudyDay.objects.filter(user=alice_deck, planned_at__isnull=False).count() == 1
    assert not StudyDay.objects.filter(user=bob).exists()
    # Opening the study page later the same day does not plan again.
    assert study_days_plan(now=timezone.now()) == 0


@pytest.fixture
def big_deck(deck):
    """Thirty more notes: enough cards for a memory model to be fitted."""
    from tests import samples
    from tests.study.conftest import import_note

    for number in range(3, 33):
        import_note(samples.with_id(samples.CANONICAL, f"TST-{number}"))


def answers_of_a_learner_who_forgets_fast(user) -> int:
    """Two months of review logs, one session a day, of a learner whose
    memories last 0.4 of what FSRS's defaults predict (a fit must clearly win,
    fitting.MIN_GAIN); returns how many."""
    day0 = datetime(2026, 1, 5, tzinfo=UTC)
    return simulated_learners.answer_for_days(user, scale=0.4, days=60, seed=3, day0=day0, stagger=10)


def test_a_learners_own_fit_is_used_only_when_it_predicts_their_later_reviews_better(alice, big_deck):
    alice_deck = alice
    profile = learner(alice_deck, exam_in_days=None)
    assert answers_of_a_learner_who_forgets_fast(alice_deck) >= MIN_ANSWERS
    model = memory_model_learner_fit(user=alice_deck, profile=profile, now=NOW)
    profile.refresh_from_db()
    assert model.accepted, model.reason
    assert model.log_loss < model.previous_log_loss
    assert (profile.parameters_source, profile.parameters_reviews) == ("own", model.reviews)
    assert profile.fsrs_parameters == model.parameters != list(fitting.DEFAULT_PARAMETERS)
    # The scheduler of this learner now uses them.
    from studyapp.study.fsrs_bridge import scheduler_for

    assert tuple(scheduler_for(profile).parameters) == tuple(model.parameters)


def test_the_fitting_task_records_every_fit_and_leaves_a_newcomer_on_the_defaults_without_a_pool(alice, bob, big_deck):
    alice_deck = alice
    learner(alice_deck, exam_in_days=None)
    learner(bob, exam_in_days=None)
    answers_of_a_learner_who_forgets_fast(alice_deck)
    result = tasks.fit_memory_models.enqueue()
    assert result.status == "SUCCESSFUL"
    assert MemoryModel.objects.filter(user=alice_deck).count() == 1
    # One learner's answers are theirs, not a pool (docs/scheduling.md: at
    # least 20 learners): no pooled fit, and bob keeps FSRS's defaults.
    assert not MemoryModel.objects.filter(user=None).exists()
    bob.profile.refresh_from_db()
    assert (bob.profile.parameters_source, bob.profile.fsrs_parameters) == ("default", None)
    alice_deck.profile.refresh_from_db()
    assert alice_deck.profile.parameters_source == "own"
