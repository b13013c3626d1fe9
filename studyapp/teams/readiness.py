"""A member's readiness for an assignment's exam, and the band it falls in.

``member_readiness`` is the one place where the teams app asks the study app
how ready someone is (``studyapp.study.stats.exam_readiness``: the member's
own memory model and reviews, as on their statistics page). Everything else
here works on its result, so a new readiness in the study app is taken up by
changing this one call.

Bands (docs/teams.md), with R the mean predicted recall on the exam day over
the assigned cards (a card never studied counts 0) and T the member's target:

- on track: R >= T
- at risk:  T - AT_RISK_MARGIN <= R < T
- behind:   R < T - AT_RISK_MARGIN
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date, datetime

from studyapp.study.stats import exam_readiness
from studyapp.teams.models import Band

AT_RISK_MARGIN = 0.10
# Recall is compared at this many decimals: 0.9 computed as 0.8999999999 is on track.
PRECISION = 9
# The forecast's pace: new cards a day over this many study days, up to today.
PACE_DAYS = 14


@dataclass(frozen=True)
class MemberReadiness:
    cards: int  # assigned cards
    target: float
    days_left: int
    recall: float | None = None  # mean predicted recall on the exam day, 0..1; None once the exam has passed
    at_target: int = 0  # assigned cards predicted at or above the target


def member_readiness(*, rows, profile, exam_date: date, assigned: int, now: datetime) -> MemberReadiness:
    """Readiness on ``exam_date`` over the ``assigned`` cards, of which ``rows``
    (the study app's CardRow) are those the member has a state for; the others
    were never studied and count 0. ``profile`` is the member's (their time
    zone, their target); it is not changed."""
    planned = copy.copy(profile)  # the assignment's exam date, whatever the member's own
    planned.exam_date = exam_date
    # Every assigned card counts, whatever the member studies right now.
    rows = [row if row.in_scope else replace(row, in_scope=True) for row in rows]
    readiness = exam_readiness(rows, profile=planned, now=now)
    if readiness is None:  # a date the study app does not plan for (beyond its horizon)
        return MemberReadiness(cards=assigned, target=profile.desired_retention, days_left=0)
    recall = readiness.recall
    if recall is not None and assigned:
        recall = recall * readiness.cards / assigned
    elif readiness.days_left >= 0 and assigned:
        recall = 0.0  # assigned cards, none of them with a state yet
    # The band's target is the member's own desired retention (what they
    # aim at every day); the exam plan's stricter target is the study page's.
    return MemberReadiness(
        cards=assigned,
        target=readiness.desired,
        days_left=readiness.days_left,
        recall=recall if assigned else None,
        at_target=readiness.at_desired,
    )


def band_for(*, recall: float | None, target: float, days_left: int, cards: int) -> str:
    if cards == 0:
        return Band.NO_CARDS
    if days_left < 0 or recall is None:
        return Band.PASSED
    recall, target = round(recall, PRECISION), round(target, PRECISION)
    if recall >= target:
        return Band.ON_TRACK
    if recall >= round(target - AT_RISK_MARGIN, PRECISION):
        return Band.AT_RISK
    return Band.BEHIND


def readiness_band(readiness: MemberReadiness) -> str:
    return band_for(
        recall=readiness.recall, target=readiness.target, days_left=readiness.days_left, cards=readiness.cards
    )


def forecast_recall(readiness: MemberReadiness, *, seen: int, new_per_day: float, active: bool) -> float | None:
    """Predicted recall on the exam day if the member keeps their pace.

    An active member (an answer in the last 7 days) keeps reviewing what they
    have studied, which the exam plan schedules to reach the target on the
    day, and adds ``new_per_day`` new cards each day until the exam. A
    member who has stopped keeps what the memory model predicts now."""
    if readiness.recall is None or not readiness.cards:
        return readiness.recall
    if not active:
        return readiness.recall
    covered = min(readiness.cards, seen + new_per_day * max(0, readiness.days_left))
    return max(readiness.recall, readiness.target * covered / readiness.cards)
