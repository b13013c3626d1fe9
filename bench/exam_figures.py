"""The figures of one simulated learner's run, shared by the two exam
simulations: bench/exam_sim.py (the pure policy functions) and
bench/exam_app.py (the app's own services). Neither imports the other's
module for them."""

from __future__ import annotations

from statistics import mean

LAST_WEEK = 7


class ExamFigures:
    """Figures from a run's ``exam_recalls`` (true recall per card at the
    exam's start) and ``daily_reviews`` (reviews per study day)."""

    exam_recalls: list[float]
    daily_reviews: list[int]

    @property
    def mean_recall(self) -> float:
        return mean(self.exam_recalls)

    @property
    def share_at_90(self) -> float:
        return sum(recall >= 0.9 for recall in self.exam_recalls) / len(self.exam_recalls)

    @property
    def total_reviews(self) -> int:
        return sum(self.daily_reviews)

    @property
    def last_week_peak_to_mean(self) -> float:
        return max(self.daily_reviews[-LAST_WEEK:]) / max(1e-9, mean(self.daily_reviews))
