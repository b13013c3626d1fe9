"""The study plan made again when what it rests on changes: the exam date
(set, moved, removed; by the learner or by a team assignment) or the daily
limits (docs/scheduling.md, "When the exam date moves").

The exam policy plans each card when it is answered, for the exam date of
that moment. A date set late or moved earlier leaves cards due after the new
exam that need a review before it; a date removed leaves cards on a plan for
an exam that is no more. ``exam_replan`` runs ``exam.replan`` over the
learner's cards in review and carries it out on the rows, records the cards
no day has room for (``PlanGap``, named on the statistics page) and brings
today's new-card limit in line with the settings.

It runs when the settings change (``plan_settings_changed``, sent by
accounts' ``profile_update``), when a team assignment changes a learner's
date (teams' ``assigned_exam_dates_update``), and, for a change that came any
other way (the admin, a script), when the study page opens and finds the
plan made for other settings than the profile's (``Profile.plan_basis``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import translation
from django.utils.translation import ngettext

from studyapp.accounts.models import Profile
from studyapp.scheduling import exam
from studyapp.study.exam_bridge import target_recall
from studyapp.study.fsrs_bridge import scheduler_for
from studyapp.study.models import CardState, PlanGap, ReviewLog, StudyDay
from studyapp.study.planning import new_limit_for, review_cards, review_rows

S = CardState.State
# Rows per UPDATE when due dates move: a bounded statement whatever the deck.
CHUNK = 300


@dataclass
class ReplanOutcome:
    """What a replan did: cards moved, cards with no room before the exam,
    today's new-card limit (None: the learner's own), and what to tell them."""

    moved: int = 0
    unplaced: int = 0
    new_limit: int | None = None
    messages: list[str] = field(default_factory=list)


def plan_basis(profile) -> dict:
    """What a plan rests on, comparable and storable as JSON."""
    moment = profile.clock().exam_at
    return {
        "exam": moment.isoformat() if moment else None,
        "new": profile.new_per_day,
        "reviews": profile.reviews_per_day,
        "retention": profile.desired_retention,
        "zone": profile.time_zone,
    }


def exam_replan(*, user, profile, now: datetime, changed: frozenset[str] = frozenset()) -> ReplanOutcome:
    """Replan the learner's cards in review for their settings as they are
    now (``exam.replan``), in one transaction. ``changed``: the settings the
    learner just changed, which the messages speak of.

    Two changes at once are serialised by the profile's row lock (the second
    replans after the first, on the settings it saved). A grade racing the
    replan meets the locks on the learner's review cards: answered first,
    the replan reads the new state; answered after, a card whose due date
    moved has a new version and the answer is refused as stale (the card is
    shown again, on the new plan), as after any change of the card."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(pk=profile.pk)
        list(CardState.objects.select_for_update().filter(user=user, state=S.REVIEW).values_list("pk", flat=True))
        clock = profile.clock()
        day = clock.study_day(now)
        counts = _done_today(user, day)
        exam_at = clock.exam_fsrs
        # Without an exam before or after, every card is on plain FSRS
        # already: nothing to move.
        had_exam = profile.plan_basis is None or profile.plan_basis.get("exam") is not None
        rows = review_rows(user, now) if exam_at is not None or had_exam else []
        result = exam.replan(
            scheduler=scheduler_for(profile, fuzz=False),
            cards=list(review_cards(rows, clock).values()),
            today=clock.fsrs_time(now),
            budget=profile.reviews_per_day,
            exam_at=exam_at,
            done_today=counts[S.REVIEW],
            stability_scale=profile.stability_scale,
            target_recall=target_recall(profile),
        )
        moved = _dues_set(user, profile, result.due, {row.id: row.version for row in rows}, now)
        _gaps_record(user, profile, result.unplaced)
        new_limit = _today_new_limit(user, profile, now)
        profile.plan_basis = plan_basis(profile)
        profile.save(update_fields=["plan_basis"])
    outcome = ReplanOutcome(moved, len(result.unplaced), new_limit)
    outcome.messages = _messages(profile, outcome, counts, changed)
    return outcome


def exam_replan_if_changed(*, user, profile, now: datetime) -> ReplanOutcome | None:
    """Replan when the profile's settings are not those the plan was made
    for; None when they are. A profile with no record yet has its settings
    recorded without a replan: its plan was made for them as it went."""
    basis = plan_basis(profile)
    if profile.plan_basis == basis:
        return None
    if profile.plan_basis is None:
        Profile.objects.filter(pk=profile.pk).update(plan_basis=basis)
        profile.plan_basis = basis
        return None
    return exam_replan(user=user, profile=profile, now=now)


def _done_today(user, day) -> dict[int, int]:
    """The day's answers to new cards and to review cards."""
    counts = dict(
        ReviewLog.objects.filter(user=user, study_day=day, previous_state__in=(S.NEW, S.REVIEW))
        .values("previous_state")
        .annotate(n=Count("id"))
        .values_list("previous_state", "n")
        .order_by()
    )
    return {S.NEW: counts.get(S.NEW, 0), S.REVIEW: counts.get(S.REVIEW, 0)}


def _dues_set(user, profile, dues: dict, versions: dict[int, int], now: datetime) -> int:
    """Move each card to its new study day (today: due now; a later day: due
    when it starts), only while it is at the version the plan read."""
    clock = profile.clock()
    today = clock.study_day(now)
    by_due: dict[datetime, list[int]] = defaultdict(list)
    for state_id, fsrs_due in dues.items():
        day = fsrs_due.date()
        by_due[now if day <= today else clock.day_start(day)].append(state_id)
    moved = 0
    for due, ids in by_due.items():
        for start in range(0, len(ids), CHUNK):
            current = reduce(or_, (Q(pk=i, version=versions[i]) for i in ids[start : start + CHUNK]))
            moved += CardState.objects.filter(current, user=user).update(due=due, version=F("version") + 1)
    return moved


def _gaps_record(user, profile, unplaced: list) -> None:
    PlanGap.objects.filter(user=user).delete()
    exam_at = profile.clock().exam_at
    if exam_at is None:
        return
    PlanGap.objects.bulk_create(
        [PlanGap(user=user, state_id=card.card_id, reason=reason, exam_at=exam_at) for card, reason in unplaced]
    )


def _today_new_limit(user, profile, now: datetime) -> int | None:
    """Today's new-card limit after the change: the exam policy's pace for
    the new settings (at least the learner's own), or their own without an
    exam. A day not planned yet is left to its plan."""
    clock = profile.clock()
    row = StudyDay.objects.filter(user=user, day=clock.study_day(now)).first()
    if row is None or row.planned_at is None:
        return None
    row.new_limit = new_limit_for(user, profile, now) if clock.exam_fsrs else None
    row.save(update_fields=["new_limit"])
    return row.new_limit


def _messages(profile, outcome: ReplanOutcome, counts: dict[int, int], changed: frozenset[str]) -> list[str]:
    """What stays limited after the change, in the learner's language: cards
    with no room before the exam, and a daily limit just changed that today's
    answers already reached."""
    new_limit = profile.new_per_day if outcome.new_limit is None else outcome.new_limit
    with translation.override(profile.language):
        messages = []
        if outcome.unplaced:
            messages.append(
                ngettext(
                    "%(count)d card below the exam target has no room for a review before the exam "
                    "within your daily review limit; the statistics page lists it.",
                    "%(count)d cards below the exam target have no room for a review before the exam "
                    "within your daily review limit; the statistics page lists them.",
                    outcome.unplaced,
                )
                % {"count": outcome.unplaced}
            )
        if "new_per_day" in changed and counts[S.NEW] >= new_limit:
            messages.append(
                ngettext(
                    "Today's new cards stay at %(limit)d: %(done)d was introduced already.",
                    "Today's new cards stay at %(limit)d: %(done)d were introduced already.",
                    counts[S.NEW],
                )
                % {"limit": new_limit, "done": counts[S.NEW]}
            )
        if "reviews_per_day" in changed and counts[S.REVIEW] >= profile.reviews_per_day:
            messages.append(
                ngettext(
                    "Today's reviews stay at %(limit)d: %(done)d was answered already.",
                    "Today's reviews stay at %(limit)d: %(done)d were answered already.",
                    counts[S.REVIEW],
                )
                % {"limit": profile.reviews_per_day, "done": counts[S.REVIEW]}
            )
    return messages
