"""FSRS parameters fitted to a learner's own reviews. Pure Python: no Django.

The fitting itself is fsrs-rs (``fsrs_rs_python``), the Rust FSRS engine that
Anki uses: its optimizer (``compute_parameters``) and its evaluation
(``evaluate``: log loss, and RMSE over bins of predicted recall). This module
only turns review histories into its items and decides whether a fit is
better than the parameters in use:

* every review history is cut into items, one per review after the first
  that came at least a study day after the one before it (same-day steps say
  nothing about forgetting, and fsrs-rs refuses items without a day between
  reviews);
* the items are ordered by the study day of the review they predict and split
  in time: the first ``TRAIN_SHARE`` train, the rest test. Testing on later
  reviews than the fit saw is what a learner's next weeks will do;
* a candidate fitted on the training items replaces the parameters in use
  only if it predicts the test items (at least ``MIN_TEST_ITEMS``) better:
  log loss lower by at least ``MIN_GAIN`` (relative), RMSE over bins no
  worse, a lower log loss in each of ``TEST_BLOCKS`` consecutive parts of the
  test items, and item by item a lower loss that a paired test finds at the
  one-sided 5 % level (``MIN_PAIRED_Z``); the same against FSRS's defaults
  when other parameters are in use. Parameters in use are never replaced by
  a worse fit, however many reviews it rests on;
* a fit in use keeps its place only while it predicts the reviews given since
  it was put in use no worse than the alternatives (the defaults, the
  parameters it replaced): ``keeps_its_place``.

Elapsed time is in study days (``day``: the learner's study day, which starts
at 4 a.m. local time), the unit the app gives fsrs everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import fsrs_rs_python as fsrs_rs

# FSRS-6's 21 default parameters, as fsrs-rs ships them (py-fsrs has the same).
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs_rs.DEFAULT_PARAMETERS)
TRAIN_SHARE = 0.8
# Below this many items in the test part the comparison is noise: no
# decision. With 30 (the earlier floor) fits were judged on 48-108 test items
# in their learners' second week, where a 5 % gain is about one standard
# error: 4 of the 18 changes of parameters in bench/exam_app.py predicted the
# answers after them worse than the defaults, every one of them tested on
# fewer than 110 items. At 200 it is about two (the standard error halves
# with four times the items).
MIN_TEST_ITEMS = 200
# A candidate must beat the parameters in use by this share of their log loss.
# Picking the better of two on one test split favours the candidate by chance
# (it is the one that was tuned); on simulated learners whose memory follows
# the defaults, or lasts longer, fits accepted at 1 %, and at 3 %, predicted
# the answers after them worse than the defaults in about half the changes
# (bench/exam_app.py); learners who forget faster gain 5 % and more
# (bench/fit_acceptance.py, docs/scheduling.md).
MIN_GAIN = 0.05
# The candidate's loss minus the other's, item by item on the test items:
# their mean must be below zero by this many standard errors (one-sided 5 %).
# A gain in the sum can come from a few items the candidate got very right;
# the one accepted fit of bench/exam_app.py that then predicted worse than
# the defaults had z = -1.51, every one that predicted better -1.95 or less.
MIN_PAIRED_Z = 1.645
# The test items, in time order, cut into this many parts: a candidate must
# predict each part better, not only their sum. A win carried by one stretch of
# days is how a fit that extrapolates badly to longer intervals gets through.
TEST_BLOCKS = 3
# A fit in use is judged on the reviews since it was put in use once there
# are this many of them (about three days of a learner's reviews), and set
# aside when any alternative predicted them better by more than
# ``KEEP_MARGIN`` of its log loss. 100 reviews (a day) set aside fits that
# were better but unlucky on their first day (bench/exam_app.py: a fit for a
# learner who remembers longer, +0.025 on its first 103 reviews), and each
# such return brought another fit 200 answers later. No tolerance once
# judged: the alternatives are the defaults and what was in use before, which
# cost nothing to return to (docs/scheduling.md).
KEEP_MIN_ITEMS = 300
KEEP_MARGIN = 0.0


@dataclass(frozen=True)
class Answer:
    """One review of one card: its grade (1-4) and the study day (any day
    number: only differences count) it was given on. A card's answers come in
    the order they were given."""

    card: int
    rating: int
    day: int


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float
    items: int

    def beats(self, other: Evaluation) -> bool:
        return self.log_loss < other.log_loss * (1 - MIN_GAIN) and self.rmse_bins <= other.rmse_bins


@dataclass(frozen=True)
class FitOutcome:
    """What a fit decided. ``parameters`` is what to use from now on: the
    candidate when it won, else the parameters that were in use."""

    parameters: tuple[float, ...]
    accepted: bool
    reviews: int  # answers the fit rests on
    train_items: int
    candidate: Evaluation | None  # on the test items; None when there was too little to test
    current: Evaluation | None
    reason: str


@dataclass(frozen=True)
class _Item:
    day: int  # study day of the review the item predicts
    card: int
    item: fsrs_rs.FSRSItem


def _items(answers: Iterable[Answer]) -> list[_Item]:
    """One item per review that came a study day or more after the card's
    previous one; each item holds the card's whole history up to that review."""
    histories: dict[int, list[Answer]] = {}
    for answer in answers:
        histories.setdefault(answer.card, []).append(answer)
    items = []
    for card, history in histories.items():
        reviews, previous = [], None
        for answer in history:
            delta = 0 if previous is None else max(0, answer.day - previous)
            previous = answer.day
            reviews.append(fsrs_rs.FSRSReview(int(answer.rating), delta))
            if len(reviews) > 1 and delta > 0:
                items.append(_Item(answer.day, card, fsrs_rs.FSRSItem(list(reviews))))
    items.sort(key=lambda i: (i.day, i.card))
    return items


def evaluate(parameters: Sequence[float], answers: Iterable[Answer]) -> Evaluation | None:
    """How well ``parameters`` predict every predictable review of ``answers``."""
    items = [i.item for i in _items(answers)]
    return _evaluate(parameters, items)


class EngineError(Exception):
    """fsrs-rs refused its input or failed."""


def _engine(call):
    """Run an fsrs-rs call. A Rust panic reaches Python as pyo3's
    PanicException, a BaseException: caught here so that one learner's odd
    history cannot take a background worker down."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - see above
        raise EngineError(f"{type(exc).__name__}: {str(exc)[:200]}") from exc


def evaluate_after(
    parameters: Sequence[float], answers: Iterable[Answer], *, since_day: int, until_day: int | None = None
) -> Evaluation | None:
    """Like ``evaluate``, scored only on the reviews given on or after
    ``since_day`` (and before ``until_day``, if given; each with its card's
    whole history before it): how parameters fitted before that day predict
    what came after."""
    items = [i.item for i in _items(answers) if i.day >= since_day and (until_day is None or i.day < until_day)]
    return _evaluate(parameters, items)


def _evaluate(parameters: Sequence[float], items: list) -> Evaluation | None:
    if not items:
        return None
    try:
        result = _engine(lambda: fsrs_rs.FSRS(list(parameters)).evaluate(items))
    except EngineError:
        return None
    return Evaluation(float(result.log_loss), float(result.rmse_bins), len(items))


def candidate(*, answers: Sequence[Answer], start: Sequence[float] = DEFAULT_PARAMETERS) -> tuple[float, ...] | None:
    """Parameters fitted on every predictable review of ``answers``, unchecked
    (None when fsrs-rs cannot fit them): what ``fit`` would get without its
    test on later reviews."""
    items = [i.item for i in _items(answers)]
    if not items:
        return None
    try:
        return tuple(float(w) for w in _engine(lambda: fsrs_rs.FSRS(list(start)).compute_parameters(items)))
    except EngineError:
        return None


def fit(*, answers: Sequence[Answer], current: Sequence[float] = DEFAULT_PARAMETERS) -> FitOutcome:
    """Fit parameters on the earlier reviews, test them and ``current`` on the
    later ones, and keep whichever predicts them better. A candidate must beat
    the defaults too: parameters in use that drifted from them are no reason to
    take a fit the defaults would beat."""
    current = tuple(current)
    items = _items(answers)
    split = int(len(items) * TRAIN_SHARE)
    train, test = items[:split], items[split:]

    def keep(reason: str, candidate=None, in_use=None) -> FitOutcome:
        return FitOutcome(current, False, len(answers), len(train), candidate, in_use, reason)

    if len(test) < MIN_TEST_ITEMS:
        return keep(f"{len(items)} predictable reviews: too few to test a fit")
    try:
        fitted = _engine(lambda: fsrs_rs.FSRS(list(current)).compute_parameters([i.item for i in train]))
    except EngineError as exc:
        return keep(f"the optimizer failed: {exc}")
    candidate = tuple(float(w) for w in fitted)
    test_items = [i.item for i in test]
    candidate_eval, current_eval = _evaluate(candidate, test_items), _evaluate(current, test_items)
    if candidate_eval is None or current_eval is None:
        return keep("the test reviews could not be evaluated")
    if not _clearly_better(candidate, candidate_eval, current, current_eval, test_items):
        return keep("the fit does not predict later reviews better", candidate_eval, current_eval)
    if current != DEFAULT_PARAMETERS:
        default_eval = _evaluate(DEFAULT_PARAMETERS, test_items)
        if default_eval is not None and not _clearly_better(
            candidate, candidate_eval, DEFAULT_PARAMETERS, default_eval, test_items
        ):
            return keep("the fit does not predict later reviews better than the defaults", candidate_eval, current_eval)
    reason = "better on later reviews"
    return FitOutcome(candidate, True, len(answers), len(train), candidate_eval, current_eval, reason)


def _clearly_better(
    candidate: Sequence[float], candidate_eval: Evaluation, other: Sequence[float], other_eval: Evaluation, items: list
) -> bool:
    return (
        candidate_eval.beats(other_eval)
        and _wins_every_part(candidate, other, items)
        and paired_z(candidate, other, items) <= -MIN_PAIRED_Z
    )


def _item_losses(parameters: Sequence[float], items: list) -> list[float] | None:
    """Each item's log loss on its own (fsrs-rs evaluates one item at a time
    in microseconds)."""
    try:
        model = _engine(lambda: fsrs_rs.FSRS(list(parameters)))
        return _engine(lambda: [float(model.evaluate([item]).log_loss) for item in items])
    except EngineError:
        return None


def paired_z(candidate: Sequence[float], other: Sequence[float], items: list) -> float:
    """The mean of ``candidate``'s log loss minus ``other``'s, item by item,
    over its standard error: below zero when the candidate predicts better
    (0 when it cannot be told)."""
    mine, theirs = _item_losses(candidate, items), _item_losses(other, items)
    if not mine or not theirs or len(mine) < 2:
        return 0.0
    differences = [a - b for a, b in zip(mine, theirs, strict=True)]
    n = len(differences)
    mean = sum(differences) / n
    variance = sum((d - mean) ** 2 for d in differences) / (n - 1)
    return mean / math.sqrt(variance / n) if variance > 0 else 0.0


def _wins_every_part(candidate: Sequence[float], other: Sequence[float], test_items: list) -> bool:
    """Whether ``candidate``'s log loss is lower than ``other``'s on each of
    ``TEST_BLOCKS`` consecutive parts of the (time-ordered) test items."""
    size = len(test_items)
    for block in range(TEST_BLOCKS):
        part = test_items[block * size // TEST_BLOCKS : (block + 1) * size // TEST_BLOCKS]
        mine, theirs = _evaluate(candidate, part), _evaluate(other, part)
        if mine is None or theirs is None or mine.log_loss >= theirs.log_loss:
            return False
    return True


@dataclass(frozen=True)
class Standing:
    """Whether a fit in use keeps its place: ``keep`` False names the
    alternative (``best``) that predicted the reviews since better."""

    keep: bool
    best: str  # the name of the parameters to use from now on
    evaluations: dict[str, Evaluation]
    reason: str


def keeps_its_place(
    *, in_use: Sequence[float], alternatives: dict[str, Sequence[float]], answers: Iterable[Answer], since_day: int
) -> Standing:
    """Score the parameters in use and each alternative on the reviews given
    on or after ``since_day`` (the day the fit was put in use; each with its
    card's whole history). The fit stays unless an alternative's log loss is
    lower than its own by more than ``KEEP_MARGIN`` of it, or while there are
    fewer than ``KEEP_MIN_ITEMS`` such reviews."""
    items = [i.item for i in _items(answers) if i.day >= since_day]
    if len(items) < KEEP_MIN_ITEMS:
        return Standing(True, "in_use", {}, f"{len(items)} reviews since it was put in use: too few to judge")
    evaluations = {
        name: _evaluate(parameters, items) for name, parameters in {"in_use": in_use, **alternatives}.items()
    }
    scored = {name: e for name, e in evaluations.items() if e is not None}
    if "in_use" not in scored:
        return Standing(True, "in_use", scored, "the reviews since could not be evaluated")
    best = min(scored, key=lambda name: (scored[name].log_loss, name != "in_use"))
    if best == "in_use" or scored[best].log_loss >= scored["in_use"].log_loss * (1 - KEEP_MARGIN):
        return Standing(True, "in_use", scored, "no worse than the alternatives on the reviews since")
    return Standing(False, best, scored, f"{best} predicted the reviews since better")
