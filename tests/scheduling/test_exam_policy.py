"""The exam-date policy (studyapp.scheduling.exam), without Django or a database.

Run alone with: .venv/bin/python -m pytest tests/scheduling -p no:django -q"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.scheduling.exam import (
    DEFAULT_TARGET_RECALL,
    DEFAULT_TUNING,
    StabilityCalibration,
    day_cap,
    new_cards_for_today,
    plan_day,
    plan_next_review,
    predicted_recall,
    review_window,
    typical_day,
)

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SCHEDULER = Scheduler(enable_fuzzing=False)
GRADES = st.sampled_from([Rating.Again, Rating.Hard, Rating.Good, Rating.Easy])


def reviewed(history: list[tuple[int, Rating]], *, card_id: int = 1, end: datetime = NOW) -> Card:
    """A card after ``history`` — (days before the previous review, grade)
    pairs — the last review falling on ``end``. Same-day (re)learning steps
    are answered Good, so the card ends in the Review state."""
    offsets = [sum(gap for gap, _ in history[i + 1 :]) for i in range(len(history))]
    card = Card(card_id=card_id, due=end)
    for offset, (_, grade) in zip(offsets, history, strict=True):
        at = end - offset * DAY
        card, _ = SCHEDULER.review_card(card, grade, review_datetime=at)
        while card.state != State.Review:
            card, _ = SCHEDULER.review_card(card, Rating.Good, review_datetime=at)
    return card


def with_stability(stability: float, *, card_id: int = 1, last_review: datetime = NOW) -> Card:
    """A Review card of the given stability (difficulty 5), last seen at ``last_review``."""
    return Card(
        card_id=card_id,
        state=State.Review,
        stability=stability,
        difficulty=5.0,
        due=last_review + DAY,
        last_review=last_review,
    )


def exam_recall(card: Card, exam_at: datetime, scale: float = 1.0) -> float:
    return predicted_recall(scheduler=SCHEDULER, card=card, at=exam_at, stability_scale=scale)


# --- plan_next_review -------------------------------------------------------------------------------------------


@given(history=st.lists(st.tuples(st.integers(1, 20), GRADES), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_without_an_exam_the_due_date_is_plain_fsrs(history):
    card = reviewed(history)
    assert plan_next_review(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=None) == card.due


def test_learning_steps_and_a_past_or_next_day_exam_keep_the_fsrs_due_date():
    learning, _ = SCHEDULER.review_card(Card(card_id=1, due=NOW), Rating.Good, review_datetime=NOW)
    assert learning.state == State.Learning
    weak = with_stability(2.0)
    for card, exam_at in [
        (learning, NOW + 30 * DAY),  # minutes-long step: the scheduler's business
        (weak, NOW - DAY),  # exam past
        (weak, NOW + DAY + timedelta(hours=2)),  # no whole day left before the exam
    ]:
        assert plan_next_review(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at) == card.due


@given(
    history=st.lists(st.tuples(st.integers(1, 25), GRADES), min_size=1, max_size=6),
    days_to_exam=st.integers(2, 70),
    target=st.floats(0.8, 0.99),
    scale=st.floats(0.4, 1.0),
)
@settings(max_examples=150, deadline=None)
def test_a_card_below_target_on_exam_day_is_reviewed_before_the_exam(history, days_to_exam, target, scale):
    card = reviewed(history)
    exam_at = NOW + days_to_exam * DAY + timedelta(hours=1)
    due = plan_next_review(
        scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at, target_recall=target, stability_scale=scale
    )
    if exam_recall(card, exam_at, scale) < target:
        assert NOW + DAY <= due <= exam_at - DAY
    else:
        assert due == card.due  # nothing to fix: no review spent before the exam


def test_the_final_review_is_the_earliest_day_one_good_review_reaches_the_plan():
    card = with_stability(25.0)
    exam_at = NOW + 30 * DAY + timedelta(hours=1)
    planning = DEFAULT_TUNING.planning_recall(DEFAULT_TARGET_RECALL)
    due = plan_next_review(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at)

    def after_good(at: datetime) -> float:
        return exam_recall(SCHEDULER.review_card(card, Rating.Good, review_datetime=at)[0], exam_at)

    assert after_good(due) >= planning
    assert after_good(due - DAY) < planning
    assert due < exam_at - DAY  # not left for the eve


def test_final_reviews_spread_over_the_weeks_before_the_exam():
    exam_at = NOW + 40 * DAY + timedelta(hours=1)
    cards = [with_stability(s, card_id=i) for i, s in enumerate([25, 40, 60, 90, 130], start=1)]
    dues = [plan_next_review(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at) for card in cards]
    assert all(exam_recall(card, exam_at) < DEFAULT_TARGET_RECALL for card in cards)
    # The steadier the card, the earlier its final review can be: one day each, over more than a week.
    assert dues == sorted(dues, reverse=True)
    assert len(set(dues)) == len(dues)
    assert dues[0] - dues[-1] >= 7 * DAY
    assert dues[0] < exam_at - 7 * DAY


def test_a_fast_forgetting_learner_gets_an_earlier_review():
    card = with_stability(30.0)
    exam_at = NOW + 60 * DAY + timedelta(hours=1)
    fitted = plan_next_review(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at)
    faster = plan_next_review(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at, stability_scale=0.6)
    assert faster <= fitted


def test_an_interim_review_waits_on_the_model_unless_the_learner_keeps_half_or_less_of_it():
    # A card far from its final review (an exam two months away, stability
    # 8 days): its interim review comes where the model's recall falls to
    # interim_retention. A calibration of 0.6 leaves that day alone (it is
    # a few reviews, not exam recall); at 0.36 this learner's recall there
    # would be below 0.8, so the review comes halfway: where the recall of
    # the stability scaled by sqrt(0.36) = 0.6 falls to interim_retention.
    card = with_stability(8.0)
    exam_at = NOW + 60 * DAY + timedelta(hours=1)

    def interim(scale: float) -> int:
        window = review_window(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at, stability_scale=scale)
        assert window is not None and not window.final
        return window.preferred

    def recall_on(day: int, scale: float) -> float:
        return predicted_recall(scheduler=SCHEDULER, card=card, at=NOW + day * DAY, stability_scale=scale)

    model_day = interim(1.0)
    assert recall_on(model_day, 1.0) >= DEFAULT_TUNING.interim_retention > recall_on(model_day + 1, 1.0)
    assert DEFAULT_TUNING.interim_calibrated_below < 0.6
    assert interim(0.6) == model_day
    halfway_day = interim(0.36)
    assert halfway_day < model_day
    assert recall_on(halfway_day, 0.6) >= DEFAULT_TUNING.interim_retention > recall_on(halfway_day + 1, 0.6)
    assert recall_on(model_day, 0.36) < 0.8


# --- plan_day ---------------------------------------------------------------------------------------------------


def reviews(plan) -> list[int]:
    return [card.card_id for card in plan.reviews]


def test_due_reviews_go_lowest_exam_recall_first():
    exam_at = NOW + 30 * DAY
    stabilities = [40, 3, 120, 12, 0.8, 25, 7]
    due = [with_stability(s, card_id=i, last_review=NOW - 5 * DAY) for i, s in enumerate(stabilities, start=1)]
    plan = plan_day(scheduler=SCHEDULER, due_cards=due, today=NOW, budget=5, exam_at=exam_at)
    recalls = [exam_recall(card, exam_at) for card in plan.reviews]
    assert recalls == sorted(recalls)
    assert len(plan.reviews) == 5
    assert min(exam_recall(card, exam_at) for card in plan.postponed) >= max(recalls)


def test_without_an_exam_the_oldest_due_date_goes_first():
    due = [with_stability(10, card_id=i, last_review=NOW - (i + 3) * DAY) for i in range(1, 6)]
    for card, days_ago in zip(due, [3, 9, 1, 7, 5], strict=True):
        card.due = NOW - days_ago * DAY
    plan = plan_day(scheduler=SCHEDULER, due_cards=due, today=NOW, budget=3)
    assert reviews(plan) == [2, 4, 5]


@given(
    due_count=st.integers(0, 60),
    not_due_count=st.integers(0, 60),
    budget=st.integers(0, 50),
    days_to_exam=st.integers(-3, 40),
    past=st.lists(st.integers(0, 80), max_size=30),
    seed=st.integers(0, 10_000),
)
@settings(max_examples=80, deadline=None)
def test_the_daily_budget_is_never_exceeded_and_a_needed_due_card_is_never_postponed_below_it(
    due_count, not_due_count, budget, days_to_exam, past, seed
):
    rng = random.Random(seed)
    cards = [
        with_stability(rng.uniform(0.5, 150), card_id=i, last_review=NOW - rng.randint(1, 30) * DAY)
        for i in range(due_count + not_due_count)
    ]
    due, not_due = cards[:due_count], cards[due_count:]
    for card in not_due:
        card.due = NOW + rng.randint(1, 40) * DAY
    exam_at = NOW + days_to_exam * DAY
    plan = plan_day(
        scheduler=SCHEDULER,
        due_cards=due,
        not_due_cards=not_due,
        today=NOW,
        budget=budget,
        exam_at=exam_at,
        past_daily_reviews=past,
    )
    chosen = reviews(plan)
    assert len(chosen) <= budget
    assert len(set(chosen)) == len(chosen)
    assert set(chosen) | {c.card_id for c in plan.postponed} >= {c.card_id for c in due}
    assert {c.card_id for c in plan.pulled} <= {c.card_id for c in not_due}
    if days_to_exam > 0:
        needed = [c for c in due if exam_recall(c, exam_at) < DEFAULT_TARGET_RECALL]
        # The cap postpones none of them: only the budget can.
        assert len([c for c in needed if c.card_id in chosen]) == min(len(needed), budget)


def test_a_typical_day_leaves_out_skipped_days_and_the_light_first_days():
    past = [0, 2, 4, 5, 8, 9, 10] + [40, 0, 44, 0, 36, 40, 0, 40]
    assert typical_day(past) == pytest.approx(40)
    assert typical_day([0, 2, 4, 5, 8, 9, 10, 40, 0, 44]) is None  # two studied days after the first week
    assert day_cap(typical=40, upcoming=20, budget=200) == math.ceil(DEFAULT_TUNING.load_factor * 40)
    assert day_cap(typical=None, upcoming=30, budget=200) == math.ceil(DEFAULT_TUNING.load_factor * 30)
    assert day_cap(typical=100, upcoming=None, budget=120) == 120
    assert day_cap(typical=None, upcoming=None, budget=120) == 120


def test_the_final_phase_brings_forward_reviews_whose_window_has_opened_on_a_light_day():
    exam_at = NOW + 10 * DAY
    # Nothing due today. Not due: a weak card whose interim review may come a
    # little early (its window opens today), one whose window opens in a few
    # days, and a steady one that needs no review before the exam.
    weak = with_stability(6, card_id=10, last_review=NOW - 9 * DAY)
    weak.due = NOW + 2 * DAY
    later = with_stability(6, card_id=12, last_review=NOW - 2 * DAY)
    later.due = NOW + 9 * DAY
    steady = with_stability(400, card_id=11, last_review=NOW - 2 * DAY)
    steady.due = NOW + 300 * DAY
    assert review_window(scheduler=SCHEDULER, card=weak, reviewed_at=weak.last_review, exam_at=exam_at).earliest <= 9
    plan = plan_day(
        scheduler=SCHEDULER, due_cards=[], not_due_cards=[steady, later, weak], today=NOW, budget=120, exam_at=exam_at
    )
    assert [c.card_id for c in plan.pulled] == [10]
    assert reviews(plan) == [10]


def test_the_final_phase_postpones_only_due_cards_that_already_reach_the_target():
    exam_at = NOW + 3 * DAY
    stabilities = [2, 5000, 4, 6000, 8]
    due = [with_stability(s, card_id=i, last_review=NOW - 6 * DAY) for i, s in enumerate(stabilities, start=1)]
    plan = plan_day(
        scheduler=SCHEDULER,
        due_cards=due,
        today=NOW,
        budget=120,
        exam_at=exam_at,
        past_daily_reviews=[0] * 7 + [1] * 10,  # a typical day of 1 review: cap 2
    )
    assert reviews(plan) == [1, 3, 5]  # every card below the target, whatever the cap
    assert {c.card_id for c in plan.postponed} == {2, 4}


# --- review_window --------------------------------------------------------------------------------------------


def test_the_window_of_a_final_review_opens_where_it_reaches_the_target_and_closes_where_the_learner_would_fail():
    card = reviewed([(0, Rating.Good), (3, Rating.Good), (8, Rating.Good)])
    exam_at = NOW + 40 * DAY
    window = review_window(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at)
    assert window is not None
    assert plan_next_review(scheduler=SCHEDULER, card=card, reviewed_at=NOW, exam_at=exam_at) == (
        NOW + window.preferred * DAY
    )
    assert window.earliest <= window.preferred <= window.latest
    if window.final:
        after = SCHEDULER.review_card(card, Rating.Good, review_datetime=NOW + window.earliest * DAY)[0]
        assert exam_recall(after, exam_at) >= DEFAULT_TARGET_RECALL
        assert exam_recall(card, NOW + window.latest * DAY) >= DEFAULT_TUNING.final_review_floor
    assert review_window(scheduler=SCHEDULER, card=with_stability(9000), reviewed_at=NOW, exam_at=exam_at) is None


# --- new_cards_for_today ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remaining", "new_per_day", "days_to_exam", "expected"),
    [
        (300, 10, None, 10),  # no exam: the learner's pace
        (5, 10, None, 5),  # never more than is left
        (0, 10, 30, 0),
        (300, 10, 24, 30),  # 10 days to introduce 300 cards, 14 days before the exam
        (600, 10, 24, 40),  # ... but never above the hard limit
        (100, 30, 60, 30),  # plenty of time: the learner's own pace is not lowered
        (100, 10, 5, 40),  # too late for the lead time: as fast as allowed
        (100, 10, -2, 10),  # exam past: back to the learner's pace
    ],
)
def test_new_cards_are_introduced_early_enough(remaining, new_per_day, days_to_exam, expected):
    exam_at = None if days_to_exam is None else NOW + days_to_exam * DAY
    count = new_cards_for_today(
        remaining=remaining, new_per_day=new_per_day, max_new_per_day=40, today=NOW, exam_at=exam_at
    )
    assert count == expected


# --- StabilityCalibration ---------------------------------------------------------------------------------------


def calibrated(true_scale: float, reviews: int = 2000, seed: int = 7) -> StabilityCalibration:
    """A calibration fed ``reviews`` reviews of a learner whose stability is
    ``true_scale`` times the model's, at intervals around the model's (where
    FSRS would schedule them)."""
    rng = random.Random(seed)
    calibration = StabilityCalibration(scheduler=SCHEDULER)
    for i in range(reviews):
        stability = rng.uniform(1, 60)
        card = with_stability(stability, card_id=i)
        at = NOW + max(1, round(stability * rng.uniform(0.5, 1.5))) * DAY
        recalled = rng.random() < exam_recall(card, at, true_scale)
        calibration.observe(card_before=card, reviewed_at=at, recalled=recalled)
    return calibration


def test_calibration_finds_a_learner_who_forgets_faster():
    # The forgetting curve is flat near 90 %: 2,000 reviews pin the scale to about +-0.1.
    assert calibrated(0.6).scale == pytest.approx(0.6, abs=0.1)


def test_calibration_is_about_one_for_a_fitting_learner_and_never_above():
    assert 0.85 <= calibrated(1.0).scale <= 1.0
    assert calibrated(1.5).scale == 1.0
    assert StabilityCalibration(scheduler=SCHEDULER).scale == 1.0


def test_calibration_ignores_same_day_and_learning_reviews():
    calibration = StabilityCalibration(scheduler=SCHEDULER)
    calibration.observe(card_before=with_stability(5, last_review=NOW), reviewed_at=NOW, recalled=False)
    calibration.observe(card_before=Card(card_id=9, due=NOW), reviewed_at=NOW, recalled=False)
    assert calibration.reviews == 0


def test_predicted_recall_is_the_library_curve():
    card = with_stability(12, last_review=NOW - 9 * DAY)
    assert predicted_recall(scheduler=SCHEDULER, card=card, at=NOW) == SCHEDULER.get_card_retrievability(card, NOW)
    assert predicted_recall(scheduler=SCHEDULER, card=Card(card_id=2, due=NOW), at=NOW) == 0.0


# --- a small simulation -----------------------------------------------------------------------------------------


def test_a_small_simulation_beats_plain_fsrs_on_exam_day():
    from bench.exam_sim import REVIEW_BUDGET, simulate

    plain = simulate(policy="fsrs90", stability_factor=1.0, seed=0, card_count=40)
    policy = simulate(policy="exam", stability_factor=1.0, seed=0, card_count=40)
    assert policy.mean_recall >= plain.mean_recall + 0.02
    assert policy.mean_recall >= 0.97
    assert max(policy.daily_reviews) <= REVIEW_BUDGET
    assert min(policy.exam_recalls) > 0  # every card was introduced
