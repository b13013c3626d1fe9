"""What the teams app keeps about a person (studyapp/accounts/personal_data.py):
their memberships and the figures computed for their teams' leads. Before
their account goes, each team they lead passes to its longest member, or is
closed when they are alone in it."""

from django.utils.translation import gettext as _

from studyapp.accounts.personal_data import before_delete, deletion_notice, section
from studyapp.teams.models import Membership, MemberSnapshot
from studyapp.teams.services import longest_member, teams_hand_over


@section("team_memberships", model=Membership)
def _memberships(user):
    return (
        Membership.objects.filter(user=user)
        .order_by("pk")
        .values("id", "team_id", "team__name", "role", "share_details", "joined_at")
    )


@section("team_figures", model=MemberSnapshot)
def _snapshots(user):
    return MemberSnapshot.objects.filter(user=user).order_by("pk").values()


@before_delete
def _hand_over(user):
    teams_hand_over(user=user)


@deletion_notice
def _what_happens_to_teams(user):
    notices = []
    for membership in Membership.objects.filter(user=user, role=Membership.Role.LEAD).select_related("team"):
        successor = longest_member(team=membership.team, besides=user)
        if successor is None:
            notices.append(
                _("Your team “%(team)s” will be closed: you are its only member.") % {"team": membership.team}
            )
        else:
            notices.append(
                _("Your team “%(team)s” will be led by %(name)s, its longest member.")
                % {"team": membership.team, "name": successor.user.get_username()}
            )
    return notices
