"""bench/team_dashboard.py's builder and checks, tiny and untimed: the team it
builds is what the dashboard then shows, with fresh figures. Performance is
measured by the benchmark only (make bench), never here."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from bench import loop_data, team_dashboard
from studyapp.study.models import CardState, ReviewLog
from studyapp.teams.models import Membership, MemberSnapshot
from studyapp.teams.refresh import figures_refresh


@pytest.fixture
def tiny_team(transactional_db):
    return team_dashboard.build_team(members=3, reviews=40, notes=2, seed=7, now=datetime.now(UTC))


def test_the_builder_makes_a_team_of_members_with_their_history(tiny_team):
    assert Membership.objects.filter(team_id=tiny_team["team_id"]).count() == 4
    assert CardState.objects.count() == tiny_team["card_states"] == 3 * 2 * loop_data.CARDS_PER_NOTE
    assert ReviewLog.objects.count() == tiny_team["review_logs"] == 3 * 40
    # Some answers are to the scenario question, with the options chosen.
    assert ReviewLog.objects.filter(chosen__isnull=False).exists()


def test_the_dashboard_it_measures_is_complete_and_fresh(tiny_team):
    assert figures_refresh(assignment_id=tiny_team["assignment_id"]) == 4
    assert MemberSnapshot.objects.filter(details__isnull=False).count() == 3
    lead = loop_data.learner_sessions([tiny_team["lead_id"]])[0]
    client = Client()
    client.cookies["sessionid"] = lead.session_key
    response = client.get(f"/teams/{tiny_team['team_id']}/dashboard/")
    team_dashboard._check_dashboard(response.status_code, response.content.decode(), tiny_team)
    queries, size = team_dashboard.count_queries(lead.session_key, tiny_team["team_id"])
    assert queries > 0 and size > 0
