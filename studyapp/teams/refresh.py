"""The figures a lead sees, computed ahead: each stale member's snapshot,
then the team's aggregates (docs/teams.md, "Figures computed ahead"). Run by
the refresh task (tasks.py), which services.figures_refresh_request queues;
never by a page."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from studyapp.accounts.models import Profile
from studyapp.teams.aggregates import MIN_CONTRIBUTORS, aggregate_compute
from studyapp.teams.exam_dates import assigned_exam_dates_update
from studyapp.teams.figures import assignment_cards, member_figures
from studyapp.teams.models import Assignment, Membership, MemberSnapshot, TeamAggregate
from studyapp.teams.selectors import stale_members, team_members


def figures_refresh(*, assignment_id: int, now: datetime | None = None) -> int:
    """Recompute the snapshots of the assignment's members that are stale,
    then the team's aggregates. Returns how many snapshots were computed."""
    now = now or timezone.now()
    assignment = Assignment.objects.filter(pk=assignment_id).first()
    if assignment is None:
        return 0
    members = team_members(team_id=assignment.team_id)
    snapshots = {s.user_id: s for s in MemberSnapshot.objects.filter(assignment=assignment).defer("details", "inputs")}
    stale = stale_members(members, snapshots, assignment=assignment, now=now)
    computed = 0
    if stale:
        cards = assignment_cards(assignment)
        profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=[m.user_id for m in stale])}
        for member in stale:
            profile = profiles.get(member.user_id)
            if profile is None:
                continue
            figures = member_figures(
                user=member.user_id,
                profile=profile,
                assignment=assignment,
                cards=cards,
                share_details=member.share_details,
                now=now,
            )
            _snapshot_save(assignment, member, figures, now)
            computed += 1
        assigned_exam_dates_update(user_ids=[m.user_id for m in stale])
    else:
        cards = None
    aggregate_refresh(assignment=assignment, cards=cards, now=now)
    Assignment.objects.filter(pk=assignment.pk).update(refresh_queued_at=None)
    return computed


def _snapshot_save(assignment: Assignment, member, figures: dict, now: datetime) -> None:
    # The member may have left while their figures were computed: then nothing is kept.
    with transaction.atomic():
        if not Membership.objects.filter(team_id=assignment.team_id, user_id=member.user_id).exists():
            return
        MemberSnapshot.objects.update_or_create(
            assignment=assignment,
            user_id=member.user_id,
            defaults=figures | {"computed_at": now, "latest_log_id": member.latest_log_id or 0},
        )


def aggregate_refresh(*, assignment: Assignment, cards=None, now: datetime | None = None) -> TeamAggregate:
    """The aggregates over the members who share details now and whose
    details are computed (a member who has just turned sharing on joins at
    the next refresh of their snapshot)."""
    now = now or timezone.now()
    sharing = Membership.objects.filter(team_id=assignment.team_id, share_details=True).values("user_id")
    rows = list(
        MemberSnapshot.objects.filter(
            assignment=assignment, user_id__in=sharing, share_details=True, inputs__isnull=False
        ).values_list("user_id", "inputs", "seen", "assigned", "target")
    )
    contributors = sorted(row[0] for row in rows)
    data = {}
    if len(rows) >= MIN_CONTRIBUTORS:
        cards = cards or assignment_cards(assignment)
        data = aggregate_compute(
            [row[1] for row in rows],
            triggers=cards.triggers,
            labels=cards.labels,
            # The noise's key: another assignment or other contributors, another draw.
            secret=settings.SECRET_KEY.encode(),
            seed=f"{assignment.pk}|{','.join(map(str, contributors))}",
            coverage=[seen / assigned for _u, _i, seen, assigned, _t in rows if assigned],
            target=sum(row[4] for row in rows) / len(rows),
        )
    aggregate, _ = TeamAggregate.objects.update_or_create(
        assignment=assignment, defaults={"computed_at": now, "contributors": contributors, "data": data}
    )
    return aggregate
