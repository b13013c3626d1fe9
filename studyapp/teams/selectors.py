"""Reads for the team pages. Every one starts from the team and the signed-in
user's membership in it, so that someone outside a team cannot reach
anything of it: their id simply finds nothing.

The dashboard is a fixed number of queries whatever the team's size: the
members (with each one's latest answer, for freshness), their snapshots for
the assignment, and the team's aggregate. The snapshots are computed by the
refresh task (refresh.figures_refresh). Reads only: a page that finds some
stale asks for a refresh through services.figures_refresh_if_stale and shows
what it has, saying so."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from operator import attrgetter

from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from studyapp.scheduling.clock import StudyClock, zone_named
from studyapp.study.models import ReviewLog
from studyapp.teams.aggregates import MIN_CONTRIBUTORS
from studyapp.teams.models import (
    Assignment,
    Band,
    Invite,
    Membership,
    MemberSnapshot,
    MockAssignment,
    Team,
    TeamAggregate,
)


def memberships_of(*, user):
    """The user's teams, the ones they lead first."""
    return Membership.objects.filter(user=user).select_related("team").order_by("role", "team__name", "team_id")


def membership_for(*, user, team_id: int) -> Membership | None:
    """The user's membership in the team, or None: for an outsider, the team does not exist."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, team_id=team_id).select_related("team").first()


def team_lead(*, team: Team) -> Membership | None:
    return Membership.objects.filter(team=team, role=Membership.Role.LEAD).select_related("user").first()


def invite_by_token(*, token: str) -> Invite | None:
    if not token or len(token) > 64:
        return None
    return Invite.objects.filter(token=token).select_related("team").first()


def active_invites(*, team: Team, now: datetime | None = None):
    now = now or timezone.now()
    return team.invites.filter(revoked_at__isnull=True, expires_at__gt=now).order_by("-created_at")


# ---------------------------------------------------------------- members and freshness


@dataclass(frozen=True)
class MemberInfo:
    membership_id: int
    user_id: int
    username: str
    role: str
    share_details: bool
    joined_at: datetime
    time_zone: str | None
    desired_retention: float | None
    latest_log_id: int | None

    @property
    def is_lead(self) -> bool:
        return self.role == Membership.Role.LEAD


def team_members(*, team_id: int) -> list[MemberInfo]:
    """Every member, by username, with what freshness needs: one query."""
    latest = ReviewLog.objects.filter(user=OuterRef("user")).order_by("-id").values("id")[:1]
    rows = (
        Membership.objects.filter(team_id=team_id)
        .annotate(latest_log_id=Subquery(latest))
        .order_by("user__username", "pk")
        .values_list(
            "pk",
            "user_id",
            "user__username",
            "role",
            "share_details",
            "joined_at",
            "user__profile__time_zone",
            "user__profile__desired_retention",
            "latest_log_id",
        )
    )
    return [MemberInfo(*row) for row in rows]


@cache
def _zone_clock(time_zone: str) -> StudyClock:
    return StudyClock(zone_named(time_zone))


def study_day(member: MemberInfo, now: datetime) -> date:
    return _zone_clock(member.time_zone or "UTC").study_day(now)


def is_stale(snapshot, member: MemberInfo, *, assignment: Assignment, now: datetime, today: date | None = None) -> bool:
    """A snapshot is stale once the member answered again, their study day
    changed, they changed their target or what they share, or the assignment
    changed after it was computed."""
    if snapshot is None:
        return True
    return (
        snapshot.latest_log_id != (member.latest_log_id or 0)
        or snapshot.share_details != member.share_details
        or snapshot.day != (today or study_day(member, now))
        or abs(snapshot.target - (member.desired_retention or 0.9)) > 1e-9
        or snapshot.computed_at < assignment.updated_at
    )


def stale_members(members: list[MemberInfo], snapshots: dict, *, assignment: Assignment, now: datetime):
    days = {}  # study day per time zone: a team shares a few
    for member in members:
        if member.time_zone not in days:
            days[member.time_zone] = study_day(member, now)
    return [
        m
        for m in members
        if is_stale(snapshots.get(m.user_id), m, assignment=assignment, now=now, today=days[m.time_zone])
    ]


# ---------------------------------------------------------------- the dashboard


@dataclass
class MemberRow:
    member: MemberInfo
    snapshot: Figures | None
    stale: bool

    @property
    def shares(self) -> bool:
        """The member shares details, and their snapshot has them: both their
        choice now and the snapshot must say so."""
        return (
            self.snapshot is not None
            and self.member.share_details
            and self.snapshot.share_details
            and self.snapshot.details_json is not None
        )

    @property
    def details(self) -> dict | None:
        """What the member shares beyond the defaults, or None."""
        return self.snapshot.details if self.shares else None

    @property
    def studies(self) -> bool:
        """Counted among the members who study: every member, and the lead
        once they have studied an assigned card (a lead who only leads would
        otherwise read as one more member "behind")."""
        return not self.member.is_lead or (self.snapshot is not None and self.snapshot.seen > 0)


@dataclass
class AssignmentFigures:
    assignment: Assignment
    rows: list[MemberRow]
    aggregate: dict | None  # None: not enough contributors, or being updated
    contributors: int  # members who share details now
    aggregate_pending: bool
    # Set by services.figures_refresh_if_stale, which asks for the refresh.
    refresh_requested: bool = False
    # A refresh has waited longer than any worker would leave it: no worker
    # runs (or it is stuck). The page says so instead of "being updated".
    worker_silent: bool = False
    band_counts: dict[str, int] = field(default_factory=dict)
    forecast_counts: dict[str, int] = field(default_factory=dict)

    @property
    def pending(self) -> int:
        return sum(1 for row in self.rows if row.stale)

    @property
    def needs_refresh(self) -> bool:
        return self.pending > 0 or self.aggregate_pending

    @property
    def with_figures(self) -> list[MemberRow]:
        return [row for row in self.rows if row.snapshot is not None]

    @property
    def sharing(self) -> list[MemberRow]:
        return [row for row in self.rows if row.shares]

    @property
    def min_contributors(self) -> int:
        return MIN_CONTRIBUTORS

    @property
    def mean_coverage(self) -> float | None:
        """For members' pages: over the members who share details, when at
        least MIN_CONTRIBUTORS do, with its noise (like every aggregate
        members see: aggregates.py)."""
        if self.aggregate is None:
            return None
        return self.aggregate.get("coverage")


BAND_ORDER = (Band.ON_TRACK, Band.AT_RISK, Band.BEHIND)


def assignment_figures(*, team: Team, assignment: Assignment, now: datetime | None = None) -> AssignmentFigures:
    """The members' figures for one assignment, as stored: three queries."""
    now = now or timezone.now()
    members = team_members(team_id=team.pk)
    snapshots = _snapshots(assignment)
    aggregate = TeamAggregate.objects.filter(assignment=assignment).first()
    stale = stale_members(members, snapshots, assignment=assignment, now=now)
    sharing_ids = sorted(m.user_id for m in members if m.share_details)
    aggregate_current = aggregate is not None and aggregate.contributors == sharing_ids
    stale_ids = {m.user_id for m in stale}
    rows = [MemberRow(m, snapshots.get(m.user_id), m.user_id in stale_ids) for m in members]
    figures = AssignmentFigures(
        assignment=assignment,
        rows=rows,
        aggregate=(aggregate.data or None) if aggregate_current else None,
        contributors=len(sharing_ids),
        aggregate_pending=not aggregate_current,
    )
    counted = [row for row in figures.with_figures if row.studies]
    figures.band_counts = _count(row.snapshot.band for row in counted)
    figures.forecast_counts = _count(row.snapshot.forecast_band for row in counted)
    return figures


_UNREAD = object()


@dataclass(slots=True)
class Figures:
    """A MemberSnapshot's figures, read as plain values (a dashboard of 200
    members reads them on every view), never the aggregate's inputs; the
    details' JSON is parsed only when something asks for them."""

    user_id: int
    computed_at: datetime
    day: date
    latest_log_id: int
    target: float
    share_details: bool
    assigned: int
    seen: int
    last_active: datetime | None
    reviews_7: int
    reviews_30: int
    streak: int
    band: str
    forecast_band: str
    details_json: str | None
    _details: object = field(default=_UNREAD, repr=False)

    @property
    def details(self) -> dict | None:
        if self._details is _UNREAD:
            self._details = json.loads(self.details_json) if self.details_json else None
        return self._details

    @property
    def coverage(self) -> float | None:
        return self.seen / self.assigned if self.assigned else None


FIGURE_FIELDS = tuple(name for name in Figures.__dataclass_fields__ if not name.startswith("_"))


def _snapshots(assignment: Assignment) -> dict[int, Figures]:
    rows = (
        MemberSnapshot.objects.filter(assignment=assignment)
        .annotate(details_json=Cast("details", output_field=TextField()))
        .values_list(*FIGURE_FIELDS)
    )
    return {row[0]: Figures(*row) for row in rows}


def _count(bands) -> dict[str, int]:
    counts = dict.fromkeys(BAND_ORDER, 0)
    for band in bands:
        if band in counts:
            counts[band] += 1
    return counts


def team_assignments(*, team: Team):
    return list(team.assignments.all())


def team_mock_assignments(*, team: Team) -> list[MockAssignment]:
    return list(team.mock_assignments.select_related("blueprint"))


def chosen_assignment(assignments: list, wanted: str | None, *, today: date, when=attrgetter("exam_date")):
    """The assignment asked for by id, else the nearest date (``when``: the
    exam date; a mock's due date) still ahead, else the latest."""
    by_id = {str(a.pk): a for a in assignments}
    if wanted in by_id:
        return by_id[wanted]
    coming = [a for a in assignments if when(a) >= today]
    if coming:
        return min(coming, key=lambda a: (when(a), a.pk))
    return max(assignments, key=lambda a: (when(a), a.pk), default=None)
