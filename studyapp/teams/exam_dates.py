"""The exam date a team assigns its members (Profile.assigned_exam_date):
kept up to date by the team services when who is in a team or what it
assigns changes, and by each refresh of the figures (a date passes)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Min
from django.utils import timezone

from studyapp.accounts.models import Profile
from studyapp.study.replanning import exam_replan
from studyapp.teams.models import Membership


def assigned_exam_dates_update(*, user_ids: list[int], today: date | None = None) -> None:
    """Each user's Profile.assigned_exam_date: the nearest exam date, today or
    later, of the assignments of their teams (None without one). The study
    plan uses it unless they set a date of their own."""
    if not user_ids:
        return
    # A day of slack: the learner's today may be a day behind UTC's.
    today = today or timezone.now().date() - timedelta(days=1)
    nearest = dict(
        Membership.objects.filter(user_id__in=user_ids, team__assignments__exam_date__gte=today)
        .values("user_id")
        .annotate(nearest=Min("team__assignments__exam_date"))
        .values_list("user_id", "nearest")
        .order_by()
    )
    by_date: dict[date | None, list[int]] = {}
    for user_id in set(user_ids):
        by_date.setdefault(nearest.get(user_id), []).append(user_id)
    for exam_date, ids in by_date.items():
        # exclude(...=None) is "IS NOT NULL": only the profiles that change.
        changing = Profile.objects.filter(user_id__in=ids).exclude(assigned_exam_date=exam_date)
        replan = list(changing.filter(exam_date__isnull=True).select_related("user"))
        changing.update(assigned_exam_date=exam_date)
        # The assigned date is the one they study for: their plan follows it.
        for profile in replan:
            profile.assigned_exam_date = exam_date
            exam_replan(user=profile.user, profile=profile, now=timezone.now())
