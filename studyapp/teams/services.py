"""One function per action on a team: create it, invite, join, leave, remove
a member, hand over the lead, close it, assign notes, choose what to share,
and refresh the figures a lead sees. Views, tasks and the account deletion
all go through these."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from studyapp.accounts.models import Profile
from studyapp.accounts.services import profile_get
from studyapp.study.replanning import exam_replan
from studyapp.study.services import study_scope_set
from studyapp.teams.aggregates import MIN_CONTRIBUTORS, aggregate_compute
from studyapp.teams.figures import assignment_cards, member_figures
from studyapp.teams.models import Assignment, Invite, Membership, MemberSnapshot, Team, TeamAggregate
from studyapp.teams.selectors import stale_members, team_members

INVITE_DAYS = (1, 7, 30)
DEFAULT_INVITE_DAYS = 7
# 32 random bytes: the token is the only secret an invite has.
TOKEN_BYTES = 32
# A refresh queued this long ago without finishing (a worker that died) may be queued again.
REFRESH_REQUEUE_AFTER = timedelta(minutes=10)


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
            for aggregate in TeamAggregate.objects.filter(assignment__team_id=membership.team_id):
                if membership.user_id in aggregate.contributors:
                    aggregate.delete()


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


# ---------------------------------------------------------------- figures


def figures_refresh_request(*, assignment: Assignment, now: datetime | None = None):
    """Queue a refresh of the assignment's figures, unless one is waiting.
    Returns the task's result (finished at once under the immediate backend),
    or None when one was already queued."""
    from studyapp.teams.tasks import assignment_figures_refresh

    now = now or timezone.now()
    waiting = Q(refresh_queued_at__isnull=False, refresh_queued_at__gt=now - REFRESH_REQUEUE_AFTER)
    if not Assignment.objects.filter(pk=assignment.pk).exclude(waiting).update(refresh_queued_at=now):
        return None
    return assignment_figures_refresh.enqueue(assignment.pk)


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
