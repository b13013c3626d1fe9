"""Each learner's memory model: FSRS parameters fitted to their own answers.

A background task (``studyapp.study.tasks.fit_memory_models``) runs
``memory_models_fit`` once a day:

1. a pooled fit over the latest answers of every learner, once at least
   ``MIN_POOLED_LEARNERS`` learners gave ``MIN_ANSWERS`` answers between them
   (one learner's answers are their own, never "pooled"): the prior for
   learners who have too few answers of their own (it replaces FSRS's defaults
   only where it predicts those answers better);
2. every fit in use, pooled or a learner's own, is judged on the answers given
   since it was put in use (studyapp.scheduling.fitting.keeps_its_place): when
   FSRS's defaults or the parameters it replaced predicted them better, it is
   set aside and the better of those is used again;
3. a fit per learner with at least ``MIN_ANSWERS`` answers and
   ``MIN_NEW_ANSWERS`` more since their last fit, starting from what they are
   scheduled with; kept only if it predicts their later answers better than
   those and the defaults (log loss and RMSE over bins, time-ordered split).
   Every fit is recorded (MemoryModel), kept or not;
4. the parameters in use are copied onto the profile (one row every request
   loads anyway): their own when one is in use, else the pooled prior.

The one-number calibration (StabilityCalibration) keeps running each study
day, relative to whichever parameters are in use: it reacts within days, the
fit within weeks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

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
# A pooled fit rests on this many learners at least: fewer are a few people's
# habits, not a prior for a newcomer (and one learner's are simply their own).
MIN_POOLED_LEARNERS = 20

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
    """The pooled fit in use: the latest that was accepted and not set aside."""
    models = MemoryModel.objects.filter(user=None, accepted=True, set_aside_at=None)
    return models.order_by("-fitted_at", "-id").first()


def own_model(user) -> MemoryModel | None:
    """The learner's own fit in use: the latest accepted and not set aside."""
    models = MemoryModel.objects.filter(user=user, accepted=True, set_aside_at=None)
    return models.order_by("-fitted_at", "-id").first()


def pooled_learners(answers: int = POOLED_ANSWERS) -> int:
    """How many learners the latest ``answers`` answers come from."""
    latest = ReviewLog.objects.order_by("-id").values_list("id", flat=True)[answers - 1 : answers]
    logs = ReviewLog.objects.filter(id__gte=latest[0]) if latest else ReviewLog.objects.all()
    return logs.values("user").distinct().count()


def memory_model_pooled_fit(*, now: datetime) -> MemoryModel | None:
    """The pooled fit; None (no fit tried) while fewer than
    ``MIN_POOLED_LEARNERS`` learners or ``MIN_ANSWERS`` answers are there."""
    if pooled_learners() < MIN_POOLED_LEARNERS:
        return None
    answers = _latest_answers(ReviewLog.objects.all(), POOLED_ANSWERS)
    if len(answers) < MIN_ANSWERS:
        return None
    prior = pooled_model()
    current = tuple(prior.parameters) if prior else fitting.DEFAULT_PARAMETERS
    replaced = (current, POOLED, prior.reviews) if prior else (current, DEFAULT, 0)
    return _record(None, fitting.fit(answers=answers, current=current), now, replaced)


def memory_model_learner_fit(*, user, profile: Profile, now: datetime) -> MemoryModel:
    current = tuple(profile.fsrs_parameters or ()) or fitting.DEFAULT_PARAMETERS
    answers = _latest_answers(ReviewLog.objects.filter(user=user), LEARNER_ANSWERS)
    replaced = (current, profile.parameters_source, profile.parameters_reviews)
    model = _record(user, fitting.fit(answers=answers, current=current), now, replaced)
    if model.accepted:
        _use(profile, list(model.parameters), OWN, model.reviews, set_aside_on=None)
    return model


def due_for_fit(*, answers: int, last_fit_answers: int | None) -> bool:
    """Enough answers for a fit, and enough new ones since the last."""
    if answers < MIN_ANSWERS:
        return False
    return last_fit_answers is None or answers - last_fit_answers >= MIN_NEW_ANSWERS


def memory_model_learner_fit_if_due(*, user, profile: Profile, now: datetime) -> MemoryModel | None:
    """The learner's fit, when they are due for one."""
    answers = ReviewLog.objects.filter(user=user).count()
    last = MemoryModel.objects.filter(user=user).aggregate(n=Max("reviews"))["n"]
    if not due_for_fit(answers=answers, last_fit_answers=last):
        return None
    return memory_model_learner_fit(user=user, profile=profile, now=now)


def memory_model_learner_update(*, user, profile: Profile, now: datetime) -> MemoryModel | None:
    """What the nightly task does for one learner: judge their own fit in use
    (set aside when it predicts worse), then fit when they are due for one.
    Returns the new fit, if one was tried."""
    memory_model_own_check(user=user, profile=profile, now=now)
    profile.refresh_from_db(fields=["fsrs_parameters", "parameters_source", "parameters_reviews"])
    return memory_model_learner_fit_if_due(user=user, profile=profile, now=now)


def _record(user, outcome: fitting.FitOutcome, now: datetime, replaced: tuple) -> MemoryModel:
    """Record a fit; ``replaced``: what was in use (parameters, source, reviews)."""
    candidate, current = outcome.candidate, outcome.current
    parameters, source, reviews = replaced
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
        replaced_parameters=list(parameters) if outcome.accepted else None,
        replaced_source=source if outcome.accepted else "",
        replaced_reviews=reviews if outcome.accepted else 0,
    )


def _use(profile: Profile, parameters: list | None, source: str, reviews: int, *, set_aside_on) -> None:
    Profile.objects.filter(pk=profile.pk).update(
        fsrs_parameters=parameters,
        parameters_source=source,
        parameters_reviews=reviews,
        parameters_set_aside_on=set_aside_on,
    )


def _alternatives(model: MemoryModel) -> dict[str, tuple[tuple[float, ...] | None, int]]:
    """What a fit in use could give way to, by source: FSRS's defaults and the
    parameters it replaced (and, for a learner's own, the pooled prior)."""
    options: dict[str, tuple[tuple[float, ...] | None, int]] = {DEFAULT: (None, 0)}
    if model.user_id is not None and (prior := pooled_model()) is not None:
        options[POOLED] = (tuple(prior.parameters), prior.reviews)
    replaced = tuple(model.replaced_parameters or ())
    if replaced and replaced != fitting.DEFAULT_PARAMETERS and model.replaced_source in (OWN, POOLED):
        options[model.replaced_source] = (replaced, model.replaced_reviews)
    return options


def _standing(model: MemoryModel, answers: list[fitting.Answer], since: date):
    options = _alternatives(model)
    alternatives = {name: params or fitting.DEFAULT_PARAMETERS for name, (params, _n) in options.items()}
    standing = fitting.keeps_its_place(
        in_use=tuple(model.parameters), alternatives=alternatives, answers=answers, since_day=since.toordinal()
    )
    return standing, options


def _set_aside(model: MemoryModel, standing, now: datetime) -> None:
    model.set_aside_at, model.set_aside_reason = now, standing.reason[:300]
    model.save(update_fields=["set_aside_at", "set_aside_reason"])


def memory_model_own_check(*, user, profile: Profile, now: datetime) -> str | None:
    """Set the learner's own fit aside when the defaults, the pooled prior or
    the parameters it replaced predicted their answers since it was put in use
    better; returns the source used from now on, or None when it stays."""
    model = own_model(user) if profile.parameters_source == OWN else None
    if model is None:
        return None
    answers = _latest_answers(ReviewLog.objects.filter(user=user), LEARNER_ANSWERS)
    standing, options = _standing(model, answers, profile.clock().study_day(model.fitted_at))
    if standing.keep:
        return None
    with transaction.atomic():
        _set_aside(model, standing, now)
        parameters, reviews = options[standing.best]
        _use(
            profile,
            list(parameters) if parameters else None,
            standing.best,
            reviews,
            set_aside_on=profile.clock().study_day(now),
        )
    return standing.best


def memory_model_pooled_check(*, now: datetime) -> bool:
    """Set the pooled fit in use aside when the defaults or the pooled fit it
    replaced predicted every learner's answers since better; True if it was."""
    model = pooled_model()
    if model is None:
        return False
    answers = _latest_answers(ReviewLog.objects.all(), POOLED_ANSWERS)
    # Study days are the learners' own; the fit's UTC date is close enough for all of them.
    standing, _options = _standing(model, answers, model.fitted_at.date())
    if standing.keep:
        return False
    _set_aside(model, standing, now)
    return True


def memory_models_fit(*, now: datetime) -> dict:
    """The daily fit: pooled, then each learner; returns counts."""
    pooled = memory_model_pooled_fit(now=now)
    counts: dict[str, int] = defaultdict(int)
    counts["pooled_set_aside"] = int(memory_model_pooled_check(now=now))
    prior = pooled_model()
    for profile in Profile.objects.filter(parameters_source=OWN).select_related("user"):
        counts["own_set_aside"] += memory_model_own_check(user=profile.user, profile=profile, now=now) is not None
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
    with transaction.atomic():
        # Everyone not on their own parameters is scheduled with the pooled
        # prior, except who returned to the defaults because they predicted
        # that learner's answers better than the prior too.
        others = Profile.objects.exclude(parameters_source=OWN)
        if prior is not None:
            counts["prior"] = others.exclude(parameters_source=DEFAULT, parameters_set_aside_on__isnull=False).update(
                fsrs_parameters=list(prior.parameters), parameters_source=POOLED, parameters_reviews=prior.reviews
            )
        else:
            counts["prior"] = 0
            others.filter(parameters_source=POOLED).update(
                fsrs_parameters=None, parameters_source=DEFAULT, parameters_reviews=0
            )
    counts["pooled_accepted"] = int(bool(pooled and pooled.accepted))
    return dict(counts)
