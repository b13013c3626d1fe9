"""Review logs of learners with a known truth, for the memory-model tests:
their memories last ``scale`` times what FSRS's defaults predict."""

import random
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler

from studyapp.scheduling.clock import fractional_recall
from studyapp.study.models import CardState, ReviewLog

DAY = timedelta(days=1)


def answer_for_days(user, *, scale: float, days: int, seed: int, day0: datetime, stagger: int = 5) -> int:
    """ReviewLog rows of ``days`` daily sessions (at ``day0``'s time of day)
    of a learner whose memories last ``scale`` times the defaults', scheduled
    by plain FSRS, every card of theirs starting on one of the first
    ``stagger`` days; returns how many."""
    model, rng = Scheduler(enable_fuzzing=False), random.Random(seed)
    logs = []
    for state in CardState.objects.filter(user=user):
        card, day = Card(card_id=state.card_id), rng.randrange(stagger)
        while day < days:
            at = day0 + day * DAY
            if card.stability is None:
                rating = Rating.Good
            else:
                elapsed = (at - card.last_review).days
                recall = fractional_recall(
                    parameters=model.parameters, stability=card.stability * scale, elapsed_days=elapsed
                )
                rating = Rating.Good if rng.random() < recall else Rating.Again
            card, _ = model.review_card(card, rating, review_datetime=at)
            logs.append(
                ReviewLog(
                    user=user,
                    card_id=state.card_id,
                    state=state,
                    rating=int(rating),
                    reviewed_at=at,
                    study_day=at.date(),
                    previous_state=CardState.State.REVIEW,
                )  # fmt: skip
            )
            day = max(day + 1, (card.due - day0).days)
    ReviewLog.objects.bulk_create(logs)
    return len(logs)
