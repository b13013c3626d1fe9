"""One function per action on a team: create it, invite, join, leave, remove
a member, hand over the lead, close it, assign notes, choose what to share,
and ask for the figures a lead sees to be refreshed (the refresh itself is
refresh.py, run by the task). Views and the account deletion go through
these."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from studyapp.accounts.services import profile_get
from studyapp.study.services import study_scope_set
from studyapp.teams.exam_dates import assigned_exam_dates_update
from studyapp.teams.models import (
    Assignment,
    Invite,
    Membership,
    MemberSnapshot,
    MockAssignment,
    Team,
    TeamAggregate,
)
from studyapp.teams.selectors import AssignmentFigures, assignment_figures
from studyapp.teams.tasks import assignment_figures_refresh

INVITE_DAYS = (1, 7, 30)
DEFAULT_INVITE_DAYS = 7
# 32 random bytes: the token is the only secret an invite has.
TOKEN_BYTES = 32
# A refresh queued this long ago without finishing (a worker that died) may be queued again.
REFRESH_REQUEUE_AFTER = timedelta(minutes=10)
# A worker takes a queued refresh within seconds, and a team of 200 takes
# about 20 s to compute (docs/teams.md): two minutes without it done means no
# worker is taking it.
WORKER_SILENT_AFTER = timedelta(minutes=2)


class TeamError(Exception):
    """An action that cannot be done as asked; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# ---------------------------------------------------------------- teams and members


@transaction.atomic
def team_create(*, user, name: str) -> Team:
    team = Team.objects.create(name=name.strip())
    Membership.objects.create(team=team, user=user, role=Membership.Role.LEAD)
    return team


def invite_create(*, team: Team, days: int = DEFAULT_INVITE_DAYS, now: datetime | None = None) -> Invite:
    if days not in INVITE_DAYS:
        raise TeamError("invite_days")
    now = now or timezone.now()
    return Invite.objects.create(
        team=team, token=secrets.token_urlsafe(TOKEN_BYTES), created_at=now, expires_at=now + timedelta(days=days)
    )


def invite_revoke(*, team: Team, invite_id: int, now: datetime | None = None, by=None) -> bool:
    """False when the team has no such invite, or it was already revoked.
    Under the team's lock, as joins are: once this returns, nobody joins by the link."""
    with transaction.atomic():
        _team_lock(team.pk, by=by)
        return bool(
            Invite.objects.filter(team=team, pk=invite_id, revoked_at__isnull=True).update(
                revoked_at=now or timezone.now()
            )
        )


def team_join(
    *, user, invite: Invite, share_details: bool = False, now: datetime | None = None
) -> tuple[Membership, bool]:
    """Join the invite's team; (membership, True) when it was made now.

    A link used twice, or two tabs joining at once, give one membership: the
    unique (team, user) constraint and get_or_create in a transaction. What a
    member already chose to share is not changed by joining again. The
    invite is read again under the team's lock: a close or a revocation that
    got there first refuses the join (TeamError "team_closed", "invite_revoked")."""
    status = invite.status(now)
    if status != Invite.Status.ACTIVE:
        raise TeamError(f"invite_{status}")
    with transaction.atomic():
        _team_lock(invite.team_id)
        invite = Invite.objects.filter(pk=invite.pk).first()
        if invite is None:
            raise TeamError("team_closed")
        status = invite.status(now)
        if status != Invite.Status.ACTIVE:
            raise TeamError(f"invite_{status}")
        membership, created = Membership.objects.get_or_create(
            team_id=invite.team_id, user=user, defaults={"share_details": share_details}
        )
        if created:
            assigned_exam_dates_update(user_ids=[user.pk])
    return membership, created


def membership_leave(*, membership: Membership) -> str:
    """Leave a team: "left", or "closed" for a lead who was alone in it. A
    lead with members hands the lead over first (TeamError "lead_must_transfer").

    The membership is read again under the team's lock: a transfer that made
    this member the lead a moment ago makes them a lead here too."""
    with transaction.atomic():
        if _team_lock(membership.team_id) is None:
            return "left"  # closed meanwhile: nothing left to leave
        current = Membership.objects.filter(pk=membership.pk).first()
        if current is None:
            return "left"
        if current.is_lead:
            if Membership.objects.filter(team_id=current.team_id).exclude(pk=current.pk).exists():
                raise TeamError("lead_must_transfer")
            team_close(team=current.team)
            return "closed"
        _membership_delete(current)
    return "left"


def membership_remove(*, team: Team, membership_id: int, by=None) -> Membership:
    """The lead takes a member out of the team (not themselves: they leave or close it)."""
    with transaction.atomic():
        _team_lock(team.pk, by=by)
        membership = Membership.objects.filter(team=team, pk=membership_id).select_related("user").first()
        if membership is None:
            raise TeamError("no_such_member")
        if membership.is_lead:
            raise TeamError("lead_cannot_be_removed")
        _membership_delete(membership)
    return membership


@transaction.atomic
def _membership_delete(membership: Membership) -> None:
    """The membership, and every figure about the person that the team kept:
    their data leaves the team with them."""
    _figures_forget(team_id=membership.team_id, user_id=membership.user_id)
    membership.delete()
    assigned_exam_dates_update(user_ids=[membership.user_id])


def _figures_forget(*, team_id: int, user_id: int) -> None:
    MemberSnapshot.objects.filter(assignment__team_id=team_id, user_id=user_id).delete()
    _aggregates_drop(team_id=team_id, user_id=user_id)


def _aggregates_drop(*, team_id: int, user_id: int) -> None:
    # An aggregate they contributed to would still carry them: it goes, and is
    # made again without them.
    for aggregate in TeamAggregate.objects.filter(assignment__team_id=team_id):
        if user_id in aggregate.contributors:
            aggregate.delete()


@transaction.atomic
def lead_transfer(*, team: Team, to_membership_id: int, by=None) -> Membership:
    """Make another member the lead; the lead becomes a member. ``by``, the
    user who asks, must still lead the team once its lock is held: of two
    transfers sent at once, the second is refused (TeamError "not_lead")."""
    _team_lock(team.pk, by=by)
    new_lead = Membership.objects.filter(team=team, pk=to_membership_id).select_related("user").first()
    if new_lead is None:
        raise TeamError("no_such_member")
    if new_lead.is_lead:
        return new_lead
    # In this order: a team has one lead at any moment (one_lead_per_team).
    Membership.objects.filter(team=team, role=Membership.Role.LEAD).update(role=Membership.Role.MEMBER)
    Membership.objects.filter(pk=new_lead.pk).update(role=Membership.Role.LEAD)
    new_lead.role = Membership.Role.LEAD
    return new_lead


@transaction.atomic
def team_close(*, team: Team, by=None) -> None:
    """Delete the team with its invites, assignments and figures."""
    if _team_lock(team.pk, by=by) is None:
        return  # closed already
    user_ids = list(team.memberships.values_list("user_id", flat=True))
    team.delete()
    assigned_exam_dates_update(user_ids=user_ids)


def _team_lock(team_id: int, *, by=None) -> Team | None:
    """Lock the team's row (None when it is gone). Every action that changes
    who is in a team, who leads it or who may join takes this lock first, and
    only then reads the memberships and invites it acts on: two such actions
    on one team run one after the other, each seeing what the other did.
    With ``by``, that user must lead the team (TeamError "not_lead")."""
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None:
        if by is not None:
            raise TeamError("team_closed")
        return None
    if by is not None and not Membership.objects.filter(team_id=team_id, user=by, role=Membership.Role.LEAD).exists():
        raise TeamError("not_lead")
    return team


def teams_hand_over(*, user) -> None:
    """Before an account is deleted: each team it leads goes to its longest
    member, or is closed when the lead is alone in it; and the aggregates it
    contributed to go."""
    for membership in Membership.objects.filter(user=user).select_related("team"):
        _figures_forget(team_id=membership.team_id, user_id=user.pk)
        if not membership.is_lead:
            continue
        successor = longest_member(team=membership.team, besides=user)
        if successor is None:
            team_close(team=membership.team)
        else:
            lead_transfer(team=membership.team, to_membership_id=successor.pk)


def longest_member(*, team: Team, besides) -> Membership | None:
    return (
        Membership.objects.filter(team=team)
        .exclude(user=besides)
        .select_related("user")
        .order_by("joined_at", "pk")
        .first()
    )


def sharing_set(*, membership: Membership, share_details: bool) -> None:
    """Turn sharing of details on or off, at any time. Off takes effect at
    once: the details kept about the member, and the aggregates they were
    part of, are removed now; on shows them after the next refresh."""
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(share_details=share_details)
        membership.share_details = share_details
        if not share_details:
            MemberSnapshot.objects.filter(assignment__team_id=membership.team_id, user_id=membership.user_id).update(
                details=None, inputs=None, share_details=False
            )
            _aggregates_drop(team_id=membership.team_id, user_id=membership.user_id)


# ---------------------------------------------------------------- assignments


@transaction.atomic
def assignment_create(*, team: Team, kind: str, value: str, exam_date: date) -> Assignment:
    assignment = Assignment.objects.create(team=team, kind=kind, value=value, exam_date=exam_date)
    assigned_exam_dates_update(user_ids=list(team.memberships.values_list("user_id", flat=True)))
    return assignment


@transaction.atomic
def assignment_delete(*, team: Team, assignment_id: int) -> bool:
    deleted, _ = Assignment.objects.filter(team=team, pk=assignment_id).delete()
    if deleted:
        assigned_exam_dates_update(user_ids=list(team.memberships.values_list("user_id", flat=True)))
    return bool(deleted)


def assignment_study(*, user, assignment: Assignment) -> None:
    """Study what the assignment names: it becomes the member's study scope."""
    study_scope_set(user=user, profile=profile_get(user=user), kind=assignment.kind, value=assignment.value)


# ---------------------------------------------------------------- mock exams


def mock_assignment_create(*, team: Team, blueprint, due_date: date) -> tuple[MockAssignment, bool]:
    """Ask the team to sit ``blueprint`` (an offered one: the form chooses
    among them) by ``due_date``; (assignment, True) when made now. The same
    exam and date assigned twice (a double click) is one assignment."""
    return MockAssignment.objects.get_or_create(team=team, blueprint=blueprint, due_date=due_date)


def mock_assignment_delete(*, team: Team, mock_assignment_id: int) -> bool:
    deleted, _ = MockAssignment.objects.filter(team=team, pk=mock_assignment_id).delete()
    return bool(deleted)


# ---------------------------------------------------------------- figures


def figures_refresh_request(*, assignment: Assignment, now: datetime | None = None):
    """Queue a refresh of the assignment's figures, unless one is waiting.
    Returns the task's result (finished at once under the immediate backend),
    or None when one was already queued."""
    now = now or timezone.now()
    waiting = Q(refresh_queued_at__isnull=False, refresh_queued_at__gt=now - REFRESH_REQUEUE_AFTER)
    if not Assignment.objects.filter(pk=assignment.pk).exclude(waiting).update(refresh_queued_at=now):
        return None
    return assignment_figures_refresh.enqueue(assignment.pk)


def figures_refresh_if_stale(*, team: Team, assignment: Assignment, now: datetime | None = None) -> AssignmentFigures:
    """The assignment's figures for a page, with a refresh requested (an
    update and a queued task) when some are stale. They are read again only
    when that refresh has run already: the immediate backend (the tests') runs
    it inside the request."""
    now = now or timezone.now()
    figures = assignment_figures(team=team, assignment=assignment, now=now)
    if not figures.needs_refresh:
        return figures
    queued = assignment.refresh_queued_at
    result = figures_refresh_request(assignment=assignment, now=now)
    if result is not None and result.is_finished:
        figures = assignment_figures(team=team, assignment=assignment, now=now)
    silent = result is None and queued is not None and queued < now - WORKER_SILENT_AFTER
    figures.refresh_requested = not silent
    figures.worker_silent = silent
    return figures
