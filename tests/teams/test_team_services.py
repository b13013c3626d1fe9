"""Team actions through their services: create, invite, join, leave, remove,
hand over the lead, close, assign, share."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from studyapp.teams import exam_dates, refresh, services
from studyapp.teams.models import Assignment, Invite, Membership, MemberSnapshot, Team, TeamAggregate
from tests.teams.conftest import assign, membership, team_with, user

pytestmark = pytest.mark.django_db


def test_creating_a_team_makes_its_creator_the_lead(alice):
    team = services.team_create(user=alice, name="  SAP   cohort ")
    assert team.name == "SAP   cohort"
    assert membership(team, alice).role == Membership.Role.LEAD


def test_an_invite_token_is_long_random_and_unique(alice):
    team = services.team_create(user=alice, name="T")
    tokens = {services.invite_create(team=team).token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes, base64


def test_an_invite_expires_after_the_days_chosen(alice):
    team = services.team_create(user=alice, name="T")
    now = timezone.now()
    invite = services.invite_create(team=team, days=1, now=now)
    assert invite.status(now + timedelta(hours=23)) == Invite.Status.ACTIVE
    assert invite.status(now + timedelta(days=1)) == Invite.Status.EXPIRED
    with pytest.raises(services.TeamError):
        services.invite_create(team=team, days=365)


def test_joining_twice_makes_one_membership(alice, bob):
    team = services.team_create(user=alice, name="T")
    invite = services.invite_create(team=team)
    first, created = services.team_join(user=bob, invite=invite, share_details=True)
    again, created_again = services.team_join(user=bob, invite=invite, share_details=False)
    assert created and not created_again
    assert first.pk == again.pk
    assert Membership.objects.filter(team=team, user=bob).count() == 1
    # Joining again does not change what the member chose to share.
    assert Membership.objects.get(pk=first.pk).share_details is True


def test_the_database_refuses_a_second_membership(alice, bob):
    team = team_with(alice, [bob])
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(team=team, user=bob)


def test_the_database_refuses_a_second_lead(alice, bob):
    team = team_with(alice, [bob])
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(team=team, user=bob).update(role=Membership.Role.LEAD)


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_revoked_or_expired_invite_makes_no_membership(alice, bob, how):
    team = services.team_create(user=alice, name="T")
    invite = services.invite_create(team=team)
    if how == "revoked":
        assert services.invite_revoke(team=team, invite_id=invite.pk)
    else:
        Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    invite.refresh_from_db()
    with pytest.raises(services.TeamError) as refused:
        services.team_join(user=bob, invite=invite)
    assert refused.value.code == f"invite_{how}"
    assert not Membership.objects.filter(user=bob).exists()


def test_a_lead_cannot_revoke_another_teams_invite(alice, bob):
    mine = services.team_create(user=alice, name="A")
    theirs = services.team_create(user=bob, name="B")
    invite = services.invite_create(team=theirs)
    assert not services.invite_revoke(team=mine, invite_id=invite.pk)
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_a_member_can_be_in_several_teams(alice, bob):
    carol = user("carol")
    team_with(alice, [carol], name="A")
    team_with(bob, [carol], name="B")
    assert Membership.objects.filter(user=carol).count() == 2


def test_leaving_takes_the_members_figures_out_of_the_team(deck, alice, bob):
    carol, dave = user("carol"), user("dave")
    team = team_with(alice, [bob, carol, dave], share=("bob", "carol", "dave"))
    assignment = assign(team)
    refresh.figures_refresh(assignment_id=assignment.pk)
    aggregate = TeamAggregate.objects.get(assignment=assignment)
    assert bob.pk in aggregate.contributors and aggregate.data
    assert services.membership_leave(membership=membership(team, bob)) == "left"
    assert not MemberSnapshot.objects.filter(user=bob).exists()
    # The aggregate that carried them is gone at once; the next refresh makes one without them.
    assert not TeamAggregate.objects.filter(assignment=assignment).exists()
    refresh.figures_refresh(assignment_id=assignment.pk)
    assert bob.pk not in TeamAggregate.objects.get(assignment=assignment).contributors


def test_a_lead_with_members_must_hand_over_before_leaving(alice, bob):
    team = team_with(alice, [bob])
    with pytest.raises(services.TeamError) as refused:
        services.membership_leave(membership=membership(team, alice))
    assert refused.value.code == "lead_must_transfer"
    assert Membership.objects.filter(team=team).count() == 2


def test_a_lead_alone_leaving_closes_the_team(alice):
    team = services.team_create(user=alice, name="T")
    assert services.membership_leave(membership=membership(team, alice)) == "closed"
    assert not Team.objects.filter(pk=team.pk).exists()


def test_the_lead_removes_a_member_but_not_themselves(alice, bob):
    team = team_with(alice, [bob])
    with pytest.raises(services.TeamError):
        services.membership_remove(team=team, membership_id=membership(team, alice).pk)
    services.membership_remove(team=team, membership_id=membership(team, bob).pk)
    assert list(Membership.objects.filter(team=team).values_list("user__username", flat=True)) == ["alice"]


def test_removing_someone_of_another_team_fails(alice, bob):
    mine = team_with(alice, [])
    theirs = team_with(bob, [user("carol")])
    with pytest.raises(services.TeamError):
        services.membership_remove(team=mine, membership_id=Membership.objects.get(team=theirs, role="member").pk)
    assert Membership.objects.filter(team=theirs).count() == 2


def test_handing_over_the_lead_swaps_roles(alice, bob):
    team = team_with(alice, [bob])
    services.lead_transfer(team=team, to_membership_id=membership(team, bob).pk)
    assert membership(team, bob).role == Membership.Role.LEAD
    assert membership(team, alice).role == Membership.Role.MEMBER


def test_an_assignment_date_becomes_the_members_exam_date_unless_they_have_their_own(alice, bob):
    carol = user("carol")
    carol.profile.exam_date = timezone.now().date() + timedelta(days=90)
    carol.profile.save()
    team = team_with(alice, [bob, carol])
    today = timezone.now().date()
    later = services.assignment_create(team=team, kind="tag", value="S3", exam_date=today + timedelta(days=40))
    sooner = services.assignment_create(team=team, kind="tag", value="KMS", exam_date=today + timedelta(days=30))
    bob.profile.refresh_from_db()
    carol.profile.refresh_from_db()
    assert bob.profile.assigned_exam_date == sooner.exam_date
    assert carol.profile.exam_date == today + timedelta(days=90)  # hers is kept
    services.assignment_delete(team=team, assignment_id=sooner.pk)
    bob.profile.refresh_from_db()
    assert bob.profile.assigned_exam_date == later.exam_date
    services.membership_leave(membership=membership(team, bob))
    bob.profile.refresh_from_db()
    assert bob.profile.assigned_exam_date is None


def test_an_exam_date_that_has_passed_is_not_assigned(alice, bob):
    team = team_with(alice, [bob])
    today = timezone.now().date()
    Assignment.objects.create(team=team, kind="tag", value="S3", exam_date=today - timedelta(days=10))
    exam_dates.assigned_exam_dates_update(user_ids=[bob.pk])
    bob.profile.refresh_from_db()
    assert bob.profile.assigned_exam_date is None


def test_studying_an_assignment_sets_the_members_study_scope(deck, alice, bob):
    team = team_with(alice, [bob])
    assignment = assign(team, kind="domain", value="Continuous Improvement for Existing Solutions")
    services.assignment_study(user=bob, assignment=assignment)
    bob.profile.refresh_from_db()
    assert (bob.profile.scope_kind, bob.profile.scope_value) == ("domain", assignment.value)
    in_scope = set(bob.card_states.filter(in_scope=True).values_list("card__note__note_id", flat=True))
    assert in_scope == {"TST-2"}


def test_closing_a_team_deletes_its_invites_assignments_and_figures(deck, alice, bob):
    team = team_with(alice, [bob])
    assignment = assign(team)
    refresh.figures_refresh(assignment_id=assignment.pk)
    services.team_close(team=team)
    assert not Invite.objects.exists()
    assert not Assignment.objects.exists()
    assert not MemberSnapshot.objects.exists()
    bob.profile.refresh_from_db()
    assert bob.profile.assigned_exam_date is None
