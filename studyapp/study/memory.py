"""Each learner's memory model: FSRS parameters fitted to their own answers.

A background task (``studyapp.study.tasks.fit_memory_models``) runs
``memory_models_fit`` once a week:

1. a pooled fit over the latest answers of every learner: the prior for
   learners who have too few answers of their own (it replaces FSRS's defaults
   only where it predicts those answers better);
2. a fit per learner with at least ``MIN_ANSWERS`` answers and
   ``MIN_NEW_ANSWERS`` more since their last fit, starting from what they are
   scheduled with; kept only if it predicts their later answers better
   (studyapp.scheduling.fitting: log loss and RMSE over bins, time-ordered
   split). Every fit is recorded (MemoryModel), kept or not;
3. the parameters in use are copied onto the profile (one row every request
   loads anyway): their own when one was accepted, else the pooled prior.

The one-number calibration (StabilityCalibration) keeps running each study
day, relative to whichever parameters are in use: it reacts within days, the
fit within weeks."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max

from studyapp.accounts.models import Profile
from studyapp.scheduling import fitting
from studyapp.study.models import MemoryModel, ReviewLog

# Answers a learner needs before their own fit is tried (see docs/scheduling.md
# for the measurement behind it), and new answers between two fits.
MIN_ANSWERS = 800
MIN_NEW_ANSWERS = 200
# The pooled fit reads at most this many of the latest answers, and a learner's
# fit at most this many of theirs: bounded work whatever the history.
POOLED_ANSWERS = 100_000
LEARNER_ANSWERS = 20_000

OWN, POOLED, DEFAULT = "own", "pooled", "default"


def _answers(logs) -> list[fitting.Answer]:
    """Answers in the order given, the card identified by its state (one per
    learner and card), days as ordinals of the learners' study days."""
    return [
        fitting.Answer(state_id, rating, study_day.toordinal())
        for state_id, rating, study_day in logs
        if state_id is not None
    ]


def _latest_answers(queryset, limit: int) -> list[fitting.Answer]:
    rows = list(queryset.order_by("-id").values_list("state_id", "rating", "study_day")[:limit])
    rows.reverse()
    return _answers(rows)


def pooled_model() -> MemoryModel | None:
    """The pooled fit in use: the latest that was accepted."""
    return MemoryModel.objects.filter(user=None, accepted=True).order_by("-fitted_at", "-id").first()


def memory_model_pooled_fit(*, now: datetime) -> MemoryModel:
    prior = pooled_model()
    current = tuple(prior.parameters) if prior else fitting.DEFAULT_PARAMETERS
    answers = _latest_answers(ReviewLog.objects.all(), POOLED_ANSWERS)
    return _record(None, fitting.fit(answers=answers, current=current), now)


def memory_model_learner_fit(*, user, profile: Profile, now: datetime) -> MemoryModel:
    current = tuple(profile.fsrs_parameters or ()) or fitting.DEFAULT_PARAMETERS
    answers = _latest_answers(ReviewLog.objects.filter(user=user), LEARNER_ANSWERS)
    model = _record(user, fitting.fit(answers=answers, current=current), now)
    if model.accepted:
        Profile.objects.filter(pk=profile.pk).update(
            fsrs_parameters=list(model.parameters), parameters_source=OWN, parameters_reviews=model.reviews
        )
    return model


def due_for_fit(*, answers: int, last_fit_answers: int | None) -> bool:
    """Enough answers for a fit, and enough new ones since the last."""
    if answers < MIN_ANSWERS:
        return False
    return last_fit_answers is None or answers - last_fit_answers >= MIN_NEW_ANSWERS


def memory_model_learner_fit_if_due(*, user, profile: Profile, now: datetime) -> MemoryModel | None:
    """The learner's fit, when they are due for one (what the weekly task
    does for each learner)."""
    answers = ReviewLog.objects.filter(user=user).count()
    last = MemoryModel.objects.filter(user=user).aggregate(n=Max("reviews"))["n"]
    if not due_for_fit(answers=answers, last_fit_answers=last):
        return None
    return memory_model_learner_fit(user=user, profile=profile, now=now)


def _record(user, outcome: fitting.FitOutcome, now: datetime) -> MemoryModel:
    candidate, current = outcome.candidate, outcome.current
    return MemoryModel.objects.create(
        user=user,
        fitted_at=now,
        parameters=list(outcome.parameters),
        reviews=outcome.reviews,
        accepted=outcome.accepted,
        reason=outcome.reason[:300],
        log_loss=candidate.log_loss if candidate else None,
        rmse_bins=candidate.rmse_bins if candidate else None,
        previous_log_loss=current.log_loss if current else None,
        previous_rmse_bins=current.rmse_bins if current else None,
    )


def memory_models_fit(*, now: datetime) -> dict:
    """The weekly fit: pooled, then each learner due for one; returns counts."""
    pooled = memory_model_pooled_fit(now=now)
    prior = pooled_model()
    counts: dict[str, int] = defaultdict(int)
    answered = dict(
        ReviewLog.objects.values("user").annotate(n=Count("id")).filter(n__gte=MIN_ANSWERS).values_list("user", "n")
    )
    last_fit = dict(
        MemoryModel.objects.filter(user__in=answered).values("user").annotate(n=Max("reviews")).values_list("user", "n")
    )
    users = get_user_model().objects.filter(pk__in=answered).select_related("profile")
    for user in users:
        if not due_for_fit(answers=answered[user.pk], last_fit_answers=last_fit.get(user.pk)):
            continue
        model = memory_model_learner_fit(user=user, profile=user.profile, now=now)
        counts["accepted" if model.accepted else "kept"] += 1
    if prior is not None:
        # Everyone not on their own parameters is scheduled with the pooled prior.
        with transaction.atomic():
            counts["prior"] = Profile.objects.exclude(parameters_source=OWN).update(
                fsrs_parameters=list(prior.parameters), parameters_source=POOLED, parameters_reviews=prior.reviews
            )
    counts["pooled_accepted"] = int(pooled.accepted)
    return dict(counts)
