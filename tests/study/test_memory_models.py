"""Memory models that keep earning their place (studyapp.study.memory):
a fit in use is judged on the answers given since it was put in use, and a
pooled fit rests on many learners. The learners here are written with a known
truth: their memories last ``scale`` times what FSRS's defaults predict."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from studyapp.scheduling import fitting
from studyapp.study import services
from studyapp.study.memory import (
    MIN_ANSWERS,
    MIN_POOLED_LEARNERS,
    memory_model_own_check,
    memory_models_fit,
    own_model,
)
from studyapp.study.models import MemoryModel, ReviewLog
from tests.study import simulated_learners

pytestmark = pytest.mark.django_db
DAY0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # the learners live in UTC: noon
DAY = timedelta(days=1)
# Parameters that make every first memory last a fifth of the defaults': a fit
# gone wrong, for a learner whose memory follows the defaults.
SHORT_MEMORY = (*(w * 0.2 for w in fitting.DEFAULT_PARAMETERS[:4]), *fitting.DEFAULT_PARAMETERS[4:])


def on_deck(user):
    profile = user.profile
    profile.time_zone = "UTC"
    profile.save()
    services.study_queue_sync(user=user, profile=profile, now=DAY0)
    return profile


def answer_for_days(user, *, scale: float, days: int, seed: int) -> int:
    return simulated_learners.answer_for_days(user, scale=scale, days=days, seed=seed, day0=DAY0)


def put_in_use(user, parameters, *, on: date, replaced=None) -> MemoryModel:
    """An accepted fit of the learner's own, in use since ``on``."""
    fitted_at = datetime.combine(on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5)
    model = MemoryModel.objects.create(
        user=user,
        fitted_at=fitted_at,
        parameters=list(parameters),
        reviews=MIN_ANSWERS,
        accepted=True,
        reason="better on later reviews",
        replaced_parameters=list(replaced or fitting.DEFAULT_PARAMETERS),
        replaced_source="default",
    )
    user.profile.__class__.objects.filter(user=user).update(
        fsrs_parameters=list(parameters), parameters_source="own", parameters_reviews=MIN_ANSWERS
    )
    return model


@pytest.fixture
def many_cards(deck):
    from tests import samples
    from tests.study.conftest import import_note

    for number in range(3, 23):
        import_note(samples.with_id(samples.CANONICAL, f"TST-{number}"))


def test_a_fit_that_predicts_the_answers_since_worse_than_the_defaults_is_set_aside(alice, many_cards):
    profile = on_deck(alice)
    answer_for_days(alice, scale=1.0, days=60, seed=1)
    model = put_in_use(alice, SHORT_MEMORY, on=(DAY0 + 10 * DAY).date())
    now = DAY0 + 61 * DAY
    profile.refresh_from_db()

    assert memory_model_own_check(user=alice, profile=profile, now=now) == "default"

    model.refresh_from_db()
    profile.refresh_from_db()
    assert model.set_aside_at == now and "default" in model.set_aside_reason
    assert own_model(alice) is None
    assert (profile.parameters_source, profile.fsrs_parameters) == ("default", None)
    assert profile.parameters_set_aside_on == now.date()


def test_a_fit_that_predicts_the_answers_since_better_stays(alice, many_cards):
    profile = on_deck(alice)
    answer_for_days(alice, scale=0.2, days=60, seed=2)
    model = put_in_use(alice, SHORT_MEMORY, on=(DAY0 + 10 * DAY).date())
    profile.refresh_from_db()

    assert memory_model_own_check(user=alice, profile=profile, now=DAY0 + 61 * DAY) is None

    model.refresh_from_db()
    profile.refresh_from_db()
    assert model.set_aside_at is None and own_model(alice) == model
    assert profile.parameters_source == "own" and profile.parameters_set_aside_on is None


def test_a_fit_is_not_judged_before_enough_answers_came_after_it(alice, many_cards):
    profile = on_deck(alice)
    answer_for_days(alice, scale=1.0, days=40, seed=1)
    put_in_use(alice, SHORT_MEMORY, on=(DAY0 + 39 * DAY).date())  # one day of answers since
    profile.refresh_from_db()
    since = ReviewLog.objects.filter(user=alice, study_day__gte=(DAY0 + 39 * DAY).date()).count()
    assert since < fitting.KEEP_MIN_ITEMS
    assert memory_model_own_check(user=alice, profile=profile, now=DAY0 + 40 * DAY) is None


def test_a_set_aside_fit_returns_the_learner_to_the_fit_it_replaced_when_that_one_predicts_better(alice, many_cards):
    profile = on_deck(alice)
    answer_for_days(alice, scale=0.2, days=40, seed=3)
    # The older fit matches this learner; the newer one forgets nothing.
    older = put_in_use(alice, SHORT_MEMORY, on=(DAY0 + 10 * DAY).date())
    long_memory = (*(w * 5 for w in fitting.DEFAULT_PARAMETERS[:4]), *fitting.DEFAULT_PARAMETERS[4:])
    newer = put_in_use(alice, long_memory, on=(DAY0 + 20 * DAY).date(), replaced=SHORT_MEMORY)
    MemoryModel.objects.filter(pk=newer.pk).update(replaced_source="own", replaced_reviews=older.reviews)
    profile.refresh_from_db()

    assert memory_model_own_check(user=alice, profile=profile, now=DAY0 + 41 * DAY) == "own"

    profile.refresh_from_db()
    assert tuple(profile.fsrs_parameters) == SHORT_MEMORY and own_model(alice) == older
    assert profile.parameters_set_aside_on == (DAY0 + 41 * DAY).date()


def test_a_one_learner_install_never_calls_its_own_answers_pooled(alice, bob, many_cards):
    on_deck(alice)
    on_deck(bob)
    assert answer_for_days(alice, scale=0.3, days=60, seed=4) >= MIN_ANSWERS

    memory_models_fit(now=DAY0 + 61 * DAY)

    assert not MemoryModel.objects.filter(user=None).exists()
    bob.profile.refresh_from_db()
    assert (bob.profile.parameters_source, bob.profile.fsrs_parameters) == ("default", None)


def test_a_pooled_fit_rests_on_twenty_learners_and_becomes_the_newcomers_prior(deck, bob):
    learners = [User.objects.create_user(f"learner-{i}") for i in range(MIN_POOLED_LEARNERS)]
    for number, user in enumerate(learners):
        on_deck(user)
        answer_for_days(user, scale=0.3, days=60, seed=10 + number)
    on_deck(bob)
    assert ReviewLog.objects.count() >= MIN_ANSWERS
    assert all(ReviewLog.objects.filter(user=u).count() < MIN_ANSWERS for u in learners)  # none has a fit

    # One learner short: no pooled fit is tried.
    ReviewLog.objects.filter(user=learners[-1]).delete()
    memory_models_fit(now=DAY0 + 61 * DAY)
    assert not MemoryModel.objects.filter(user=None).exists()

    answer_for_days(learners[-1], scale=0.3, days=60, seed=99)
    memory_models_fit(now=DAY0 + 62 * DAY)
    pooled = MemoryModel.objects.get(user=None)
    assert pooled.accepted, pooled.reason
    bob.profile.refresh_from_db()
    assert bob.profile.parameters_source == "pooled" and bob.profile.fsrs_parameters == pooled.parameters
