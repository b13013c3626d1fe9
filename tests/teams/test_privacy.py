"""What a lead and other members may see: by default coverage, activity and
readiness band; details only for members who share them, from the moment
they do until the moment they stop; team aggregates only with at least three
contributors; nothing of a member once they leave."""

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.teams.models import MemberSnapshot, TeamAggregate
from tests.teams.conftest import Studied, answer, assign, membership, study, team_with, user
from tests.teams.dashboard_html import dashboard_cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(deck):
    lead = user("lena")
    members = [user(n) for n in ("ann_q", "ben_q", "cat_q", "dan_q")]
    team = team_with(lead, members, name="Owls", share=("ann_q", "ben_q"))
    assign(team)
    now = timezone.now()
    question = Card.objects.get(note__note_id="TST-1", kind="question")
    today = (now - timezone.timedelta(hours=4)).date()
    # Each member fell for a trap of their own, so that a trap names its member.
    for member, letter in zip(members, "BDBD", strict=True):
        study(member, now, [Studied(question, 5, 1)])
        answer(member, question, day=today, at=now, chosen=[letter], score=0.0)
    return team


def dashboard(client, team) -> str:
    client.force_login(team.memberships.get(role="lead").user)
    return client.get(reverse("team_dashboard", args=[team.pk])).content.decode()


def row_of(body: str, username: str) -> dict[str, str]:
    """The member's cells in the dashboard's tables, by column ("" where none is shown)."""
    return dashboard_cells(body).get(username) or pytest.fail(f"{username} is not on the page")


def cell(row: dict[str, str], key: str) -> str:
    return row.get(key, "")


def share(client, team, username: str, on: bool) -> None:
    client.force_login(team.memberships.get(user__username=username).user)
    client.post(reverse("team_sharing", args=[team.pk]), {"share_details": "on"} if on else {})


def test_by_default_the_lead_sees_coverage_activity_and_band_only(client, team):
    body = dashboard(client, team)
    cat = row_of(body, "cat_q")
    assert cell(cat, "studied") == "1" and cell(cat, "reviews_7") == "1"
    assert cell(cat, "band") in {"On track", "At risk", "Behind"}
    assert cell(cat, "shares") == "no"
    for key in ("recall", "scenario_answers", "scenario_accuracy", "traps"):
        assert cell(cat, key) == ""
    assert "TST-1 B" in cell(row_of(body, "ann_q"), "traps")


def test_the_trap_a_member_chose_shows_only_once_they_share(client, team):
    assert cell(row_of(dashboard(client, team), "dan_q"), "traps") == ""
    share(client, team, "dan_q", True)
    assert cell(row_of(dashboard(client, team), "dan_q"), "traps").startswith("TST-1 D")


def test_stopping_sharing_takes_the_details_away_at_once(client, team):
    share(client, team, "cat_q", True)
    assert "TST-1 B" in cell(row_of(dashboard(client, team), "cat_q"), "traps")
    assert TeamAggregate.objects.get().data  # three contributors
    share(client, team, "cat_q", False)
    snapshot = MemberSnapshot.objects.get(user__username="cat_q")
    assert snapshot.details is None and snapshot.inputs is None
    assert all(snapshot.user_id not in a.contributors for a in TeamAggregate.objects.all())
    body = dashboard(client, team)
    assert cell(row_of(body, "cat_q"), "traps") == ""
    assert 'id="team-traps"' not in body


def test_team_aggregates_need_three_contributors(client, team):
    body = dashboard(client, team)  # ann and ben share
    assert 'id="aggregate-threshold"' in body and 'id="team-traps"' not in body
    share(client, team, "cat_q", True)
    body = dashboard(client, team)
    assert 'id="team-traps"' in body
    traps = body[body.index('id="team-traps"') : body.index("</ol>", body.index('id="team-traps"'))]
    # ann and cat chose B, ben D: counted over the three, naming none of them.
    assert "TST-1</a> B" in traps and "TST-1</a> D" in traps
    for name in ("ann_q", "ben_q", "cat_q", "dan_q"):
        assert name not in traps


def test_a_member_sees_their_own_figures_and_the_teams_but_no_one_elses(client, team):
    client.force_login(team.memberships.get(user__username="ben_q").user)
    body = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    assert "Mean coverage" not in body and "Mean predicted recall" not in body  # two share: no team figures
    share(client, team, "cat_q", True)
    client.force_login(team.memberships.get(user__username="ben_q").user)
    body = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    assert "Mean coverage" in body
    assert "data-member" not in body and "members-table" not in body
    for other in ("ann_q", "cat_q", "dan_q"):
        assert other not in body
    assert "lena" in body  # who leads the team is no secret to its members
    assert "Mean predicted recall per exam domain" in body  # three share: the team's aggregate


def test_a_member_who_leaves_takes_their_figures_with_them(client, team):
    share(client, team, "cat_q", True)
    dashboard(client, team)
    cat = membership(team, team.memberships.get(user__username="cat_q").user)
    client.force_login(cat.user)
    client.post(reverse("team_leave", args=[team.pk]))
    assert not MemberSnapshot.objects.filter(user=cat.user).exists()
    assert all(cat.user_id not in a.contributors for a in TeamAggregate.objects.all())
    body = dashboard(client, team)
    assert 'data-member="cat_q"' not in body
    assert 'id="team-traps"' not in body  # two contributors are left
