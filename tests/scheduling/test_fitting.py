"""Fitting FSRS parameters to a learner (studyapp.scheduling.fitting), without
Django: synthetic learners whose true forgetting differs from the defaults.

Run alone with: .venv/bin/python -m pytest tests/scheduling -p no:django -q"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from studyapp.scheduling import fitting

MODEL = Scheduler(enable_fuzzing=False)
START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


def learner(*, scale: float, cards: int = 300, days: int = 60, seed: int = 1) -> list[fitting.Answer]:
    """Answers of a learner whose memories last ``scale`` times what the
    default parameters predict, scheduled by plain FSRS, one session a day
    (same-day learning steps answered Good in the same session)."""
    rng = random.Random(seed)
    answers = []
    for card_id in range(1, cards + 1):
        card, day = Card(card_id=card_id), rng.randrange(20)
        while day < days:
            at = START + timedelta(days=day)
            if card.stability is None:
                recalled = rng.random() < 0.75
            else:
                elapsed = (at - card.last_review).days
                recalled = rng.random() < (1 + MODEL._FACTOR * elapsed / (card.stability * scale)) ** MODEL._DECAY
            rating = Rating.Good if recalled else Rating.Again
            card, _ = MODEL.review_card(card, rating, review_datetime=at)
            answers.append(fitting.Answer(card_id, int(rating), day))
            while card.state != State.Review:
                card, _ = MODEL.review_card(card, Rating.Good, review_datetime=at)
                answers.append(fitting.Answer(card_id, int(Rating.Good), day))
            day = (card.due - START).days
    return answers


def test_a_fit_wins_for_a_learner_who_forgets_faster_than_the_defaults():
    # Memories lasting 0.4 of the defaults': a fit must win every part of the
    # test by a clear margin (fitting.MIN_GAIN, TEST_BLOCKS), which 60 days of
    # a learner at 0.5 do not show.
    answers = learner(scale=0.4)
    outcome = fitting.fit(answers=answers)
    assert outcome.accepted, outcome.reason
    assert outcome.candidate.log_loss < outcome.current.log_loss
    assert outcome.parameters != fitting.DEFAULT_PARAMETERS
    # Judged on reviews it was not fitted on, it predicts all of them better too.
    assert (
        fitting.evaluate(outcome.parameters, answers).log_loss
        < fitting.evaluate(fitting.DEFAULT_PARAMETERS, answers).log_loss
    )


def test_too_few_reviews_keep_the_parameters_in_use():
    answers = learner(scale=0.5, cards=5, days=10)
    outcome = fitting.fit(answers=answers)
    assert not outcome.accepted
    assert outcome.parameters == fitting.DEFAULT_PARAMETERS
    assert "too few" in outcome.reason


def test_parameters_in_use_are_kept_when_the_fit_predicts_later_reviews_worse(monkeypatch):
    answers = learner(scale=0.4)
    in_use = fitting.fit(answers=answers).parameters
    assert in_use != fitting.DEFAULT_PARAMETERS  # the premise: a fit is in use
    real = fitting.fsrs_rs.FSRS

    class DefaultsOptimizer:
        """fsrs-rs, except that its optimizer returns the defaults, which
        predict this learner worse than the parameters in use."""

        def __init__(self, parameters):
            self.engine = real(parameters)

        def compute_parameters(self, items):
            return list(fitting.DEFAULT_PARAMETERS)

        def evaluate(self, items):
            return self.engine.evaluate(items)

    monkeypatch.setattr(fitting.fsrs_rs, "FSRS", DefaultsOptimizer)
    outcome = fitting.fit(answers=answers, current=in_use)
    assert not outcome.accepted
    assert outcome.parameters == in_use
    assert outcome.current.log_loss < outcome.candidate.log_loss


def test_a_fit_must_win_by_a_margin_not_by_a_hair():
    in_use = fitting.Evaluation(log_loss=0.300, rmse_bins=0.050, items=500)
    by_a_hair = fitting.Evaluation(log_loss=0.299, rmse_bins=0.050, items=500)
    clearly = fitting.Evaluation(log_loss=0.300 * (1 - fitting.MIN_GAIN) - 0.001, rmse_bins=0.050, items=500)
    worse_bins = fitting.Evaluation(log_loss=0.200, rmse_bins=0.051, items=500)
    assert not by_a_hair.beats(in_use)
    assert clearly.beats(in_use)
    assert not worse_bins.beats(in_use)


def test_a_fit_tested_on_fewer_items_than_the_floor_decides_nothing():
    # 40 cards over 60 days: a few hundred predictable reviews, fewer than
    # MIN_TEST_ITEMS in the test part, however much faster the learner forgets.
    answers = learner(scale=0.4, cards=40)
    items = len(fitting._items(answers))
    test_items = items - int(items * fitting.TRAIN_SHARE)
    assert 0 < test_items < fitting.MIN_TEST_ITEMS
    outcome = fitting.fit(answers=answers)
    assert not outcome.accepted and "too few" in outcome.reason


def test_the_paired_test_tells_a_better_model_item_by_item_and_no_difference_from_none():
    answers = learner(scale=0.4)
    items = [i.item for i in fitting._items(answers)]
    fitted = fitting.fit(answers=answers).parameters
    assert fitting.paired_z(fitted, fitting.DEFAULT_PARAMETERS, items) <= -fitting.MIN_PAIRED_Z
    assert fitting.paired_z(fitting.DEFAULT_PARAMETERS, fitted, items) >= fitting.MIN_PAIRED_Z
    assert fitting.paired_z(fitting.DEFAULT_PARAMETERS, fitting.DEFAULT_PARAMETERS, items) == 0.0


def test_a_gain_carried_by_a_few_items_is_not_enough(monkeypatch):
    # The candidate's log loss is lower overall by more than MIN_GAIN and in
    # every part, but the paired test finds the difference item by item too
    # weak: the parameters in use stay.
    answers = learner(scale=0.4)
    monkeypatch.setattr(fitting, "paired_z", lambda *args: -(fitting.MIN_PAIRED_Z - 0.01))
    outcome = fitting.fit(answers=answers)
    assert not outcome.accepted
    assert outcome.candidate.beats(outcome.current)


def test_the_split_is_in_time_so_the_test_reviews_come_after_the_training_ones():
    answers = learner(scale=0.7, seed=5)
    items = fitting._items(answers)
    split = int(len(items) * fitting.TRAIN_SHARE)
    assert max(i.day for i in items[:split]) <= min(i.day for i in items[split:])


def test_same_day_reviews_make_no_items_and_odd_histories_do_not_crash():
    same_day = [fitting.Answer(1, 3, 5), fitting.Answer(1, 1, 5), fitting.Answer(1, 3, 5)]
    assert fitting._items(same_day) == []
    assert fitting.evaluate(fitting.DEFAULT_PARAMETERS, same_day) is None
    odd = [fitting.Answer(c, r, d) for c in range(40) for r, d in ((4, 0), (1, 400), (4, 401), (2, 10_000))]
    outcome = fitting.fit(answers=odd)
    assert outcome.parameters  # a decision either way, never an exception


# A fit gone wrong for a learner whose memory follows the defaults: every
# first memory lasts a fifth of what the defaults say.
SHORT_MEMORY = (*(w * 0.2 for w in fitting.DEFAULT_PARAMETERS[:4]), *fitting.DEFAULT_PARAMETERS[4:])


def test_a_fit_in_use_gives_way_to_the_defaults_when_they_predict_the_reviews_since_better():
    answers = learner(scale=1.0, seed=7)
    standing = fitting.keeps_its_place(
        in_use=SHORT_MEMORY, alternatives={"default": fitting.DEFAULT_PARAMETERS}, answers=answers, since_day=20
    )
    assert not standing.keep and standing.best == "default"
    assert standing.evaluations["default"].log_loss < standing.evaluations["in_use"].log_loss


def test_a_fit_in_use_keeps_its_place_while_it_predicts_the_reviews_since_better():
    answers = learner(scale=0.2, seed=7)
    standing = fitting.keeps_its_place(
        in_use=SHORT_MEMORY, alternatives={"default": fitting.DEFAULT_PARAMETERS}, answers=answers, since_day=20
    )
    assert standing.keep and standing.best == "in_use"
    assert standing.evaluations["in_use"].items >= fitting.KEEP_MIN_ITEMS  # judged, not too few to judge


def test_a_fit_in_use_is_not_judged_on_too_few_reviews_since():
    answers = learner(scale=1.0, seed=7)
    standing = fitting.keeps_its_place(
        in_use=SHORT_MEMORY, alternatives={"default": fitting.DEFAULT_PARAMETERS}, answers=answers, since_day=59
    )
    assert standing.keep and "too few" in standing.reason


def test_a_fit_must_beat_the_defaults_too_not_only_the_parameters_in_use(monkeypatch):
    answers = learner(scale=1.0, seed=8)
    # Memories that grow far less after each success than the defaults say, and less still.
    short, very_short = (_with(8, 1.0), _with(8, 0.3))
    real = fitting.fsrs_rs.FSRS

    class ShortOptimizer:
        """fsrs-rs, except that its optimizer returns ``short``: better than
        the very short memory in use, worse than the defaults here."""

        def __init__(self, parameters):
            self.engine = real(parameters)

        def compute_parameters(self, items):
            return list(short)

        def evaluate(self, items):
            return self.engine.evaluate(items)

    monkeypatch.setattr(fitting.fsrs_rs, "FSRS", ShortOptimizer)
    outcome = fitting.fit(answers=answers, current=very_short)
    assert outcome.candidate.beats(outcome.current)
    assert not outcome.accepted and outcome.parameters == very_short
    assert "than the defaults" in outcome.reason


def _with(index: int, value: float) -> tuple[float, ...]:
    parameters = list(fitting.DEFAULT_PARAMETERS)
    parameters[index] = value
    return tuple(parameters)
