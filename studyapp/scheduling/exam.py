"""Exam-date scheduling on top of FSRS. Pure Python: no Django, no numpy.

Plain FSRS keeps every card near one desired retention (say 90 %) for ever. A
learner with an exam date wants something else: every card as high as possible
on one day, for a bounded number of reviews and without a cram week. This
module changes *when* cards are reviewed, and only that: every stability,
difficulty and recall figure comes from the fsrs library (``review_card``,
``get_card_retrievability``), so the memory model stays the one FSRS fits.

The policy (docs/scheduling.md has the long form and the simulation behind it):

1. After each review, ``plan_next_review``: a card whose predicted recall on the
   exam day already reaches the target keeps its FSRS due date. Any other card
   gets a review before the exam: its *final* review, on the earliest day from
   which one successful review lifts its exam-day recall to
   ``planning_recall``, or, while no single review can do that, an *interim*
   review at a lower retention than plain FSRS (longer intervals build more
   stability per review, and exam-day recall is the final review's job).
2. Each day, ``choose_reviews``: due cards lowest predicted exam-day recall
   first, within the budget. In the final phase (the last three weeks) a day is
   also capped at ``load_factor`` times the learner's average day, and spare
   room up to that cap goes to the not-yet-due cards whose review now adds the
   most expected exam-day recall. That pulls work forward instead of leaving it
   for the last week.
3. ``new_cards_for_today``: every card must be introduced, early enough to be
   learned; the pace is raised when the exam would come too soon.
4. ``StabilityCalibration``: a learner who forgets faster than the FSRS
   parameters say is detected from their own lapses, and exam-day predictions
   are corrected for it.
5. ``replan``: when the exam date or the budget changes, every card below the
   target that is due after the new exam's eve gets a day before it; the
   others go back to plain FSRS's due date without a burst.

Every function takes and returns plain data (fsrs ``Card`` objects, datetimes,
ints), so the web app maps its rows to cards and back and tests need no
database. All datetimes must be timezone-aware UTC, as fsrs requires.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean

from fsrs import Card, Rating, Scheduler, State

ONE_DAY = timedelta(days=1)


# The recall on the exam day a learner aims at when they have not said.
DEFAULT_TARGET_RECALL = 0.975


@dataclass(frozen=True)
class ExamTuning:
    """The policy's knobs, tuned with ``bench/exam_sim.py``; docs/scheduling.md
    shows what each one buys. The learner's own settings (exam date, target
    recall) are function arguments, not here."""

    # Final reviews aim this share of the way from the target to certainty
    # (0.5: a 0.97 target plans 0.985): a Hard grade, a lapse or an error in
    # the calibration land some cards below what the plan says.
    planning_share: float = 0.5
    # Before its final review a card waits until its recall falls to this
    # (plain FSRS: 0.9): fewer reviews, each building more stability.
    interim_retention: float = 0.875
    # A final review may wait until the learner's recall falls to this rather
    # than be preceded by one more interim review.
    final_review_floor: float = 0.85
    # The final phase: its days are capped at load_factor x the learner's
    # typical day (or the mean load left before the exam, when larger), and
    # room under the cap goes to reviews that add at least min_gain expected
    # exam-day recall.
    final_phase_days: int = 21
    load_factor: float = 1.45
    min_gain: float = 0.05
    # A typical day leaves out the first days of a learner's history (new
    # cards only, few reviews) and needs this many studied days after them.
    warmup_days: int = 7
    min_typical_days: int = 5
    # An interim review may come this share of its interval early, when the
    # day plan evens out the days.
    interim_advance: float = 0.2
    # Interim reviews wait on the model's recall, not this learner's, unless
    # the calibration says their memories last at most this share of what
    # the parameters predict: then the model's interim day finds them at 0.82
    # or less, and the lapses cost exam recall. They wait halfway then, on the
    # recall of a stability scaled by the square root of the calibration
    # (the learner's own would cost more reviews than the budget allows:
    # docs/scheduling.md).
    interim_calibrated_below: float = 0.5

    def planning_recall(self, target_recall: float) -> float:
        """What final reviews aim at for a learner's ``target_recall``: above
        it, by a margin that shrinks as the target nears certainty."""
        return target_recall + (1 - target_recall) * self.planning_share


DEFAULT_TUNING = ExamTuning()


def predicted_recall(*, scheduler: Scheduler, card: Card, at: datetime, stability_scale: float = 1.0) -> float:
    """FSRS's predicted recall of ``card`` at ``at``, for a learner whose
    memories last ``stability_scale`` times what the parameters predict.

    Why a scale: the parameters describe an average learner (or this learner's
    past), and ``StabilityCalibration`` measures how far the current reviews
    stray from them. The forgetting curve stays the library's: it gets a copy
    of the card with the stability scaled. A card never reviewed has nothing to
    recall: 0."""
    if card.stability is None or card.last_review is None:
        return 0.0
    if stability_scale != 1.0:
        card = copy(card)
        card.stability = card.stability * stability_scale
    return scheduler.get_card_retrievability(card, at)


def plan_next_review(
    *,
    scheduler: Scheduler,
    card: Card,
    reviewed_at: datetime,
    exam_at: datetime | None,
    target_recall: float = DEFAULT_TARGET_RECALL,
    stability_scale: float = 1.0,
    tuning: ExamTuning = DEFAULT_TUNING,
) -> datetime:
    """When ``card``, just reviewed at ``reviewed_at``, is due again.

    ``card`` is what ``scheduler.review_card`` returned; its ``due`` is plain
    FSRS's answer, returned unchanged without an exam, during same-day
    (re)learning steps, when no whole day is left before the exam, and when the
    card's predicted exam-day recall already reaches ``target_recall`` (no
    review before the exam is needed, so none is spent).

    Any other card is due on a whole number of days after ``reviewed_at``, no
    later than the day before the exam:

    * ``final``, the first day on which a Good review (previewed with
      ``review_card``) would leave it at ``planning_recall`` or more on exam
      day. The card is due then if this learner's recall on that day is still
      at least ``final_review_floor``. If only the model's recall is (at least
      ``interim_retention``), the card comes back earlier, on the last day the
      learner's recall is: a final review is not spent where a lapse is likely.
      The earliest such day leaves the most time to relearn a card forgotten
      there, and because it depends on each card's stability the final reviews
      spread over the weeks before the exam instead of piling up on its eve;
    * otherwise ``interim``, the last day on which the model's recall is still
      at least ``interim_retention``: an ordinary review that builds stability,
      after which the plan is made again. It ignores a mild calibration on
      purpose: a lapse before the final review costs a few reviews, not exam
      recall; shortening these intervals for the simulation's fast-forgetting
      learner cost about 12 % more reviews for 0.001 more exam-day recall.
      A learner whose memories last at most half what the parameters predict
      (``interim_calibrated_below``) is another matter: their recall at the
      model's interim day is 0.82 or less, and the lapses cost exam recall. For
      them the interim day is where the recall of the stability scaled by the
      square root of the calibration falls to ``interim_retention``
      (bench/exam_app.py, ``forgets_faster_0.4``: worst seed 0.9615 without,
      0.9674 with, at 1.23x plain FSRS's reviews; the full calibration gave
      0.9655 at 1.26x, over the 1.25 budget).

    ``planning_recall`` is ``tuning.planning_recall(target_recall)``, above
    the target so that the cards a plan cannot foresee (Hard grades, lapses)
    still leave the day's mean at or above it."""
    window = review_window(
        scheduler=scheduler,
        card=card,
        reviewed_at=reviewed_at,
        exam_at=exam_at,
        target_recall=target_recall,
        stability_scale=stability_scale,
        tuning=tuning,
    )
    return card.due if window is None else reviewed_at + window.preferred * ONE_DAY


@dataclass(frozen=True)
class ReviewWindow:
    """When a card's next review keeps the plan, in whole days after its last
    review: ``preferred`` is what ``plan_next_review`` picks; any day from
    ``earliest`` to ``latest`` keeps the same promise (a final review that
    still lifts exam-day recall to the planning recall at a recall the learner
    is likely to manage, or an interim review not much earlier than it would
    be), so the day plan may move the review there to even out the days."""

    preferred: int
    earliest: int
    latest: int
    final: bool


def review_window(
    *,
    scheduler: Scheduler,
    card: Card,
    reviewed_at: datetime,
    exam_at: datetime | None,
    target_recall: float = DEFAULT_TARGET_RECALL,
    stability_scale: float = 1.0,
    tuning: ExamTuning = DEFAULT_TUNING,
) -> ReviewWindow | None:
    """The window of ``card``'s next review (see ``plan_next_review``), or
    None when it needs none before the exam: no exam, a same-day step, no
    whole day left, or an exam-day recall already at the target."""
    if exam_at is None or card.state != State.Review:
        return None
    last_day = (exam_at - ONE_DAY - reviewed_at).days
    if last_day < 1:
        return None
    exam_recall = predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=stability_scale)
    if exam_recall >= target_recall:
        return None
    planning_recall = tuning.planning_recall(target_recall)

    def recall_on(day: int, scale: float) -> float:
        return predicted_recall(scheduler=scheduler, card=card, at=reviewed_at + day * ONE_DAY, stability_scale=scale)

    def exam_recall_after_review_on(day: int) -> float:
        return _exam_recall_after_good_review(
            scheduler=scheduler,
            card=card,
            reviewed_at=reviewed_at + day * ONE_DAY,
            exam_at=exam_at,
            scale=stability_scale,
        )

    interim_scale = math.sqrt(stability_scale) if stability_scale <= tuning.interim_calibrated_below else 1.0
    interim = max(1, _last_day_where(lambda day: recall_on(day, interim_scale) >= tuning.interim_retention, last_day))
    final = _first_day_where(lambda day: exam_recall_after_review_on(day) >= planning_recall, last_day)
    if final is not None:
        reachable = _last_day_where(lambda day: recall_on(day, stability_scale) >= tuning.final_review_floor, last_day)
        if final <= reachable:
            # A final review on an evening-out day may come as early as it
            # still reaches the target itself (the planning margin is for
            # grades the plan cannot foresee).
            earliest = _first_day_where(lambda day: exam_recall_after_review_on(day) >= target_recall, final) or final
            return ReviewWindow(final, earliest, reachable, True)
        if final <= interim:
            # Not at a recall this learner would likely fail: if only the
            # model would wait until ``final``, come back on ``reachable``.
            day = max(1, reachable)
            return ReviewWindow(day, _advanced(day, tuning), day, False)
    return ReviewWindow(interim, _advanced(interim, tuning), interim, False)


def _advanced(day: int, tuning: ExamTuning) -> int:
    """The earliest an interim review may come to even out the days: a little
    before its day (an earlier review builds a little less stability)."""
    return max(1, math.ceil(day * (1 - tuning.interim_advance)))


@dataclass(frozen=True)
class DayPlan:
    """One study day's reviews: what to show, in order; the due cards left for
    a later day; the cards not yet due brought to today."""

    reviews: list[Card]
    postponed: list[Card] = field(default_factory=list)
    pulled: list[Card] = field(default_factory=list)
    cap: int | None = None


def typical_day(past_daily_reviews: Sequence[int], tuning: ExamTuning = DEFAULT_TUNING) -> float | None:
    """The learner's usual number of reviews on a day they study: the mean of
    the days with reviews, after the first ``warmup_days`` of their history.
    Skipped days (zeros) and the light first days, when only new cards are
    learned, say nothing about what a day can hold. None with too little
    history to say."""
    studied = [n for n in past_daily_reviews[tuning.warmup_days :] if n > 0]
    return mean(studied) if len(studied) >= tuning.min_typical_days else None


def day_cap(*, typical: float | None, upcoming: float | None, budget: int, tuning: ExamTuning = DEFAULT_TUNING) -> int:
    """Reviews a day of the final phase may hold for cards that do not need
    one: ``load_factor`` times the larger of the learner's typical day and the
    mean load the days left before the exam must carry anyway (``upcoming``),
    within the budget. Without either, the budget."""
    known = [load for load in (typical, upcoming) if load is not None]
    if not known:
        return budget
    return max(1, min(budget, math.ceil(tuning.load_factor * max(known))))


def plan_day(
    *,
    scheduler: Scheduler,
    due_cards: Sequence[Card],
    today: datetime,
    budget: int,
    exam_at: datetime | None = None,
    not_due_cards: Sequence[Card] = (),
    past_daily_reviews: Sequence[int] = (),
    stability_scale: float = 1.0,
    target_recall: float = DEFAULT_TARGET_RECALL,
    tuning: ExamTuning = DEFAULT_TUNING,
    done_today: int = 0,
) -> DayPlan:
    """Today's reviews, in the order to show them; never more than
    ``budget`` less ``done_today``, the reviews already answered today (a plan
    made mid-session: the hourly plan meeting a session that crossed the
    study day's start, a replan after a change of the settings).

    Without an exam (or once it is past), plain FSRS: the oldest due date first,
    so the longest-overdue card, the most at risk, is not the one left over.

    With an exam, due cards go lowest predicted exam-day recall first: when the
    day cannot take them all, the cards left for tomorrow are those that need
    it least. In the final phase (``tuning.final_phase_days``) the days up to
    the exam are evened out (``_balance``), which keeps the last days from
    becoming a cram:

    * every card that needs a review before the exam has a window
      (``review_window``) in which that review keeps the plan's promise. Cards
      not yet due may move within theirs: to today (brought forward, "pulled"),
      or to whichever day ahead has the least to do;
    * a due card that needs its review is never postponed: only the budget can
      leave it for tomorrow;
    * due cards that need no review before the exam (their exam-day recall is
      already at the target) fill today only up to ``day_cap``; the rest wait
      for a lighter day.

    ``past_daily_reviews``: reviews per past study day, oldest first, skipped
    days as 0. ``not_due_cards``: the learner's other cards in review. Ties go
    to the lower ``card_id`` so the plan is reproducible."""
    full_budget, budget = budget, max(0, budget - done_today)
    if budget <= 0:
        return DayPlan([], list(due_cards))
    if exam_at is None or exam_at <= today:
        ordered = sorted(due_cards, key=lambda card: (card.due, card.card_id))
        return DayPlan(ordered[:budget], ordered[budget:])

    def exam_recall(card: Card) -> float:
        return predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=stability_scale)

    recalls = {card.card_id: exam_recall(card) for card in due_cards}
    ordered = sorted(due_cards, key=lambda card: (recalls[card.card_id], card.due, card.card_id))
    days_left = (exam_at - today).days
    if days_left > tuning.final_phase_days:
        return DayPlan(ordered[:budget], ordered[budget:])

    def window(card: Card) -> ReviewWindow | None:
        return review_window(
            scheduler=scheduler,
            card=card,
            reviewed_at=card.last_review,
            exam_at=exam_at,
            target_recall=target_recall,
            stability_scale=stability_scale,
            tuning=tuning,
        )

    due_ids = {card.card_id for card in due_cards}
    needed = [card for card in ordered if recalls[card.card_id] < target_recall]
    optional = [card for card in ordered if recalls[card.card_id] >= target_recall]
    movable = []
    for card in not_due_cards:
        if card.card_id in due_ids or card.due is None or card.due >= exam_at or card.last_review is None:
            continue
        spans = window(card)
        if spans is not None:
            offset = (today - card.last_review).days
            earliest, latest = max(0, spans.earliest - offset), min(days_left - 1, spans.latest - offset)
            current = (card.due - today).days
            movable.append((card, min(earliest, current), max(latest, current), current))
    placed = _level(needed=len(needed), movable=movable, days=days_left, budget=full_budget, done_today=done_today)
    pulled = sorted(
        (card for card, *_ in movable if placed[card.card_id] == 0), key=lambda c: (exam_recall(c), c.card_id)
    )
    upcoming = (done_today + len(needed) + len(movable)) / max(1, days_left)
    cap = day_cap(typical=typical_day(past_daily_reviews, tuning), upcoming=upcoming, budget=full_budget, tuning=tuning)
    reviews = needed[:budget]
    reviews += pulled[: max(0, budget - len(reviews))]
    reviews += optional[: max(0, min(cap - done_today, budget) - len(reviews))]
    chosen = {card.card_id for card in reviews}
    postponed = [card for card in ordered if card.card_id not in chosen]
    return DayPlan(reviews, postponed, [c for c in pulled if c.card_id in chosen], cap)


def _level(
    *, needed: int, movable: list[tuple[Card, int, int, int]], days: int, budget: int, done_today: int = 0
) -> dict[int, int]:
    """Level the reviews of days 0 (today) .. days - 1 (the eve): the level
    is the mean load those days must carry (today's reviews done and needed,
    and every card that needs a review before the exam); the cards with the earliest
    deadline first, each goes to the earliest day of its window still below
    the level, or, when none is, to the least loaded day of its window.
    Work thus moves forward into days with room, never back. Returns
    card_id -> day (0: today)."""
    level = min(budget, max(1, math.ceil((done_today + needed + len(movable)) / max(1, days))))
    loads = [0] * max(1, days)
    loads[0] = done_today + needed
    placed: dict[int, int] = {}
    for card, earliest, latest, _current in sorted(movable, key=lambda m: (m[2], m[1], m[0].card_id)):
        span = range(max(0, min(earliest, days - 1)), max(0, min(latest, days - 1)) + 1)
        day = next((d for d in span if loads[d] < level), None)
        if day is None:
            day = min(span, key=lambda d: (loads[d], -d))
        loads[day] += 1
        placed[card.card_id] = day
    return placed


def new_cards_for_today(
    *,
    remaining: int,
    new_per_day: int,
    max_new_per_day: int,
    today: datetime,
    exam_at: datetime | None = None,
    finish_days_before_exam: int = 14,
) -> int:
    """How many new cards to introduce today.

    A card never introduced has zero recall on the exam day, and a card
    introduced late has had no time to build stability. So with an exam the
    learner's ``new_per_day`` is raised, up to ``max_new_per_day``, to the pace
    that introduces every remaining card ``finish_days_before_exam`` days before
    the exam (with less time left than that, as fast as allowed). The learner's
    own pace is never lowered: introducing early is what leaves time to learn.
    ``max_new_per_day`` is the hard limit (the app's setting): required, so that
    an exam next week never turns into hundreds of new cards in one day."""
    if remaining <= 0:
        return 0
    pace = new_per_day
    if exam_at is not None and exam_at > today:
        days_to_introduce = max(1, (exam_at - today).days - finish_days_before_exam)
        pace = max(pace, math.ceil(remaining / days_to_introduce))
    return max(0, min(remaining, pace, max_new_per_day))


@dataclass
class StabilityCalibration:
    """How long this learner's memories last compared with what FSRS predicts.

    Why: the parameters may not fit this learner (defaults, or a learner who
    forgets faster under exam stress), and the review log shows it as more
    lapses than the predicted recall implies. We estimate one factor, the
    learner's recall at elapsed time t being FSRS's curve with stability
    ``scale * S``, by maximum likelihood over their reviews on a fixed grid of
    scales, accumulated review by review (a few curve evaluations each), with
    a log-normal prior centred on 1 so that a handful of reviews cannot swing
    it. ``scale`` is capped at 1: over-predicting recall costs exam points,
    under-predicting only a few reviews, and above 1 the estimate is noise (in
    the simulation it ranged up to 1.37 for a learner who fits the model).

    Feed it (``observe``) every review of a card in the Review state made at
    least a day after the previous one; same-day steps say nothing about
    forgetting. The web app rebuilds it from the review log."""

    scheduler: Scheduler
    prior_sigma: float = 0.35
    grid: tuple[float, ...] = tuple(0.3 * 1.06**i for i in range(30))
    log_likelihood: list[float] = field(default_factory=list)
    reviews: int = 0

    def __post_init__(self) -> None:
        if not self.log_likelihood:
            self.log_likelihood = [0.0] * len(self.grid)

    def observe(self, *, card_before: Card, reviewed_at: datetime, recalled: bool) -> None:
        """Add one review: ``card_before`` is the card as it was before it."""
        if card_before.state != State.Review or card_before.last_review is None:
            return
        if (reviewed_at - card_before.last_review).days < 1:
            return
        self.reviews += 1
        for index, scale in enumerate(self.grid):
            recall = predicted_recall(scheduler=self.scheduler, card=card_before, at=reviewed_at, stability_scale=scale)
            recall = min(max(recall, 1e-6), 1 - 1e-6)
            self.log_likelihood[index] += math.log(recall if recalled else 1 - recall)

    @property
    def scale(self) -> float:
        """The most likely stability scale so far, at most 1 (1 with no reviews)."""
        best = max(
            range(len(self.grid)),
            key=lambda i: self.log_likelihood[i] - math.log(self.grid[i]) ** 2 / (2 * self.prior_sigma**2),
        )
        return min(1.0, self.grid[best])


def _exam_recall_after_good_review(
    *, scheduler: Scheduler, card: Card, reviewed_at: datetime, exam_at: datetime, scale: float
) -> float:
    """Exam-day recall if ``card`` were reviewed at ``reviewed_at`` and recalled.
    A preview: ``review_card`` works on a copy."""
    after, _ = scheduler.review_card(card, Rating.Good, review_datetime=reviewed_at)
    return predicted_recall(scheduler=scheduler, card=after, at=exam_at, stability_scale=scale)


def _expected_exam_gain(*, scheduler: Scheduler, card: Card, today: datetime, exam_at: datetime, scale: float) -> float:
    """Expected exam-day recall gained by reviewing ``card`` today: recalled
    (Good) with the learner's predicted probability, else forgotten (Again,
    then its same-day relearning steps), minus the exam-day recall without the
    review."""
    recall_now = predicted_recall(scheduler=scheduler, card=card, at=today, stability_scale=scale)
    without = predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=scale)
    outcomes = []
    for rating in (Rating.Good, Rating.Again):
        after, _ = scheduler.review_card(card, rating, review_datetime=today)
        while after.state != State.Review:
            after, _ = scheduler.review_card(after, Rating.Good, review_datetime=today)
        outcomes.append(predicted_recall(scheduler=scheduler, card=after, at=exam_at, stability_scale=scale))
    recalled, forgotten = outcomes
    return recall_now * recalled + (1 - recall_now) * forgotten - without


def _biggest_gains(
    *,
    scheduler: Scheduler,
    cards: Sequence[Card],
    today: datetime,
    exam_at: datetime,
    scale: float,
    min_gain: float,
    count: int,
) -> list[Card]:
    """Up to ``count`` of ``cards`` whose review today adds at least
    ``min_gain`` expected exam-day recall, the biggest gain first. A card
    already reviewed today has nothing to gain from another review today (fsrs
    counts whole days), so it is not a candidate."""
    scored = []
    for card in cards:
        if card.state != State.Review or card.last_review is None or (today - card.last_review).days < 1:
            continue
        gain = _expected_exam_gain(scheduler=scheduler, card=card, today=today, exam_at=exam_at, scale=scale)
        if gain >= min_gain:
            scored.append((-gain, card.card_id, card))
    scored.sort(key=lambda item: item[:2])
    return [card for _, _, card in scored[:count]]


def _last_day_where(holds: Callable[[int], bool], last_day: int) -> int:
    """The largest day in 1..last_day where ``holds``, or 0 when none does.
    ``holds`` must be true on a prefix of the days (recall falls as days
    pass), which lets a binary search find the edge in a few fsrs calls."""
    low, high = 0, last_day
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _first_day_where(holds: Callable[[int], bool], last_day: int) -> int | None:
    """The smallest day in 1..last_day where ``holds``, or None. ``holds`` must
    be true on a suffix: a later final review is both nearer the exam and,
    recall being lower when it happens, a bigger stability gain, so exam-day
    recall after it rises with the day."""
    low, high = 1, last_day + 1
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low if low <= last_day else None


# ---------------------------------------------------------------- replanning

# Why a card that needs a review before the exam got none (``Replan.unplaced``).
NO_ROOM = "no_room"  # every day before the exam is full to the daily review limit
NO_DAY_LEFT = "no_day_left"  # no study day left before the exam for another review


@dataclass(frozen=True)
class Replan:
    """What a change of the exam date or of the daily limits does to the
    cards in review: ``due`` the new due day of each card that moves (card_id
    -> fsrs time, a study day's midnight), ``unplaced`` the cards below the
    target that no day before the exam has room for, each with its reason
    (``NO_ROOM``, ``NO_DAY_LEFT``)."""

    due: dict[int, datetime] = field(default_factory=dict)
    unplaced: list[tuple[Card, str]] = field(default_factory=list)


def fsrs_due(*, scheduler: Scheduler, card: Card) -> datetime:
    """Plain FSRS's due date of ``card`` after its last review, as
    ``review_card`` computes it without fuzz: the interval at which FSRS-6's
    curve falls to the desired retention, rounded to whole days, from one day
    to the maximum interval. Written out because py-fsrs keeps it private
    (``Scheduler._next_interval``); a test holds the two together."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    interval = card.stability / factor * (scheduler.desired_retention ** (1 / decay) - 1)
    return card.last_review + min(scheduler.maximum_interval, max(1, round(interval))) * ONE_DAY


def replan(
    *,
    scheduler: Scheduler,
    cards: Sequence[Card],
    today: datetime,
    budget: int,
    exam_at: datetime | None,
    done_today: int = 0,
    stability_scale: float = 1.0,
    target_recall: float = DEFAULT_TARGET_RECALL,
    tuning: ExamTuning = DEFAULT_TUNING,
) -> Replan:
    """The cards in review after the exam date (``exam_at``, None: removed)
    or the daily review limit (``budget``) changed. ``cards`` are every card
    in review with its current ``due``; ``today`` the current study day;
    ``done_today`` the reviews already answered today.

    * A card that needs no review before the exam (or with no exam at all)
      goes back to plain FSRS's due date (``fsrs_due``), unless that date has
      passed: then it keeps its own, so that removing the date (or moving it
      later) brings no burst of cards due at once; a card already due stays due.
    * A card whose predicted recall at the exam is below ``target_recall``
      and whose due date falls after the exam's eve gets a day before the
      exam: within its review window (``review_window``) when possible, the
      days levelled forward as ``plan_day`` levels them, never above
      ``budget`` on any day (counting the cards already due that day and
      today's reviews done); outside its window (earlier first) when the
      window is full, since any review before the exam beats none. Cards
      no day has room for are ``unplaced`` with the reason.

    Cards due on or before the eve keep their day: they get their review
    before the exam as they are, and the day plan levels the last weeks."""
    result = Replan()
    days_left = (exam_at - today).days if exam_at is not None else 0
    needing: list[tuple[Card, int, int]] = []
    loads = [0] * max(1, days_left)
    loads[0] = done_today
    for card in sorted(cards, key=lambda c: c.card_id):
        if card.last_review is None or card.due is None:
            continue
        offset = max(0, (card.due - today).days)
        below = days_left > 0 and (
            predicted_recall(scheduler=scheduler, card=card, at=exam_at, stability_scale=stability_scale)
            < target_recall
        )
        if not below:
            plain = fsrs_due(scheduler=scheduler, card=card)
            if plain > today and card.due > today and _off_plain(card, plain):
                result.due[card.card_id] = plain
                offset = (plain - today).days
        if not below or offset < days_left:
            if offset < days_left:
                loads[offset] += 1
            continue
        spans = _days_open(scheduler, card, today, exam_at, days_left, stability_scale, target_recall, tuning)
        if spans is None:
            result.unplaced.append((card, NO_DAY_LEFT))
        else:
            needing.append((card, *spans))
    level = min(budget, max(1, math.ceil((sum(loads) + len(needing)) / max(1, days_left))))
    for card, earliest, latest in sorted(needing, key=lambda n: (n[2], n[1], n[0].card_id)):
        day = _room(loads, earliest, latest, level, budget)
        if day is None:
            result.unplaced.append((card, NO_ROOM))
            continue
        loads[day] += 1
        result.due[card.card_id] = today + day * ONE_DAY
    return result


def _off_plain(card: Card, plain: datetime) -> bool:
    """Whether ``card`` is due elsewhere than plain FSRS would have it, by
    more than fsrs's fuzz (up to 15 % of the interval, and a day): a card on
    its fuzzed FSRS date is left alone, so that a replan moves only what the
    exam plan moved."""
    interval = (plain - card.last_review).days
    return abs((card.due - plain).days) > 1 + 0.15 * interval


def _days_open(
    scheduler: Scheduler,
    card: Card,
    today: datetime,
    exam_at: datetime,
    days_left: int,
    scale: float,
    target_recall: float,
    tuning: ExamTuning,
) -> tuple[int, int] | None:
    """The days (0: today .. ``days_left - 1``: the eve) in which ``card``'s
    next review keeps the plan's promise, or None when no day is left: its
    window from its last review, moved into the days left (a window already
    passed means the review is overdue: today)."""
    if days_left < 1 or (today - card.last_review).days < 1 and days_left < 2:
        return None
    window = review_window(
        scheduler=scheduler,
        card=card,
        reviewed_at=card.last_review,
        exam_at=exam_at,
        target_recall=target_recall,
        stability_scale=scale,
        tuning=tuning,
    )
    eve = days_left - 1
    # A card answered today comes back tomorrow at the earliest (fsrs counts
    # whole days: a second review today would teach it nothing).
    first = 1 if (today - card.last_review).days < 1 else 0
    if window is None:
        return first, eve
    offset = (today - card.last_review).days
    earliest = min(eve, max(first, window.earliest - offset))
    latest = min(eve, max(earliest, window.latest - offset))
    return earliest, latest


def _room(loads: list[int], earliest: int, latest: int, level: int, budget: int) -> int | None:
    """The day for one more review: the first day of the window below the
    level (work moves forward, as in ``_level``), else the least loaded day of
    the window with room under the budget, else the nearest day with room
    before the window, then after it (a review off its window beats none
    before the exam). None when every day before the exam is full."""
    window = range(earliest, latest + 1)
    day = next((d for d in window if loads[d] < level), None)
    if day is not None:
        return day
    roomy = [d for d in window if loads[d] < budget]
    if roomy:
        return min(roomy, key=lambda d: (loads[d], -d))
    outside = [*range(earliest - 1, -1, -1), *range(latest + 1, len(loads))]
    return next((d for d in outside if loads[d] < budget), None)
