"""The report's pure figures: Wilson's interval against published values,
tallies, time."""

from datetime import UTC, datetime, timedelta

import pytest

from studyapp.exams.report import ItemFigures, tallies_by_domain, tally, time_figures, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single
        # proportion", Statistics in Medicine 17, Table I, method 3 (score).
        (81, 263, 25.53, 36.62),
        (15, 148, 6.24, 16.05),
        (0, 20, 0.0, 16.11),
        (1, 29, 0.61, 17.18),
        # All or none of 10: z²/(n+z²) from the edge.
        (0, 10, 0.0, 27.75),
        (10, 10, 72.25, 100.0),
    ],
)
def test_wilson_matches_published_values(successes, trials, low, high):
    interval = wilson_interval(successes, trials)
    assert interval.low == pytest.approx(low, abs=0.01)
    assert interval.high == pytest.approx(high, abs=0.01)


def test_wilson_without_trials_is_no_interval_and_nonsense_is_refused():
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def item(domain="D1", correct=True, answered=True, time_ms=0, predicted=None):
    return ItemFigures(domain=domain, correct=correct, answered=answered, time_ms=time_ms, predicted_recall=predicted)


def test_an_unanswered_question_counts_as_wrong():
    figures = tally([item(), item(correct=False), item(correct=False, answered=False), item()])
    assert (figures.questions, figures.correct, figures.answered, figures.percent) == (4, 2, 3, 50.0)


def test_the_prediction_is_compared_on_the_questions_it_covers():
    figures = tally([item(predicted=0.9), item(correct=False, predicted=0.5), item(correct=False)])
    assert figures.predicted_questions == 2
    assert figures.predicted == pytest.approx(70.0)
    assert figures.observed_on_predicted == pytest.approx(50.0)
    assert tally([item()]).predicted is None


def test_domains_follow_the_blueprints_order_then_names():
    items = [item("Z"), item("D2"), item("D1"), item("A")]
    assert [name for name, _ in tallies_by_domain(items, ["D1", "D2"])] == ["D1", "D2", "A", "Z"]


def test_time_used_stops_at_the_deadline():
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    items = [item(time_ms=60_000), item(time_ms=120_000), item(answered=False, time_ms=5_000)]
    figures = time_figures(
        started_at=start, submitted_at=start + timedelta(hours=4), deadline=start + timedelta(hours=3), items=items
    )
    assert figures.used_seconds == 3 * 3600
    assert figures.limit_seconds == 3 * 3600
    assert figures.per_question_seconds == 3600
    assert figures.per_answered_seconds == 90
