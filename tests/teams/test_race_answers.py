"""What a request that lost a race to another change of the team answers:
409 with a page that says what happened, never 500, nothing half-done. The
other change is made on the same connection just before the request's
service takes the team's lock (inside the service's transaction, so the
refusal rolls it back too), so this runs the same on SQLite and PostgreSQL (test_races.py drives the races on two connections)."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from studyapp.teams import services
from studyapp.teams.models import Membership, Team
from tests.teams.conftest import membership, team_with, user

pytestmark = pytest.mark.django_db


@contextmanager
def just_before_the_team_lock(action):
    fired = []

    def wrapper(execute, sql, params, many, context):
        if not fired and sql.lstrip().startswith('SELECT "teams_team"'):
            fired.append(True)
            action()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield fired


@pytest.fixture
def cohort(db):
    lead, bob, carol = user("lena"), user("bob"), user("carol")
    return team_with(lead, [bob, carol]), lead, bob, carol


def test_a_second_transfer_by_the_old_lead_answers_409(client, cohort):
    team, lead, bob, carol = cohort
    client.force_login(lead)
    other_tab = lambda: services.lead_transfer(team=team, to_membership_id=membership(team, bob).pk)  # noqa: E731
    with just_before_the_team_lock(other_tab) as fired:
        response = client.post(
            reverse("team_lead_transfer", args=[team.pk]), {"membership": membership(team, carol).pk}
        )
    assert fired
    assert response.status_code == 409
    assert 'data-code="not_lead"' in response.content.decode()
    # The other tab's change ran inside this request's transaction, which the
    # refusal rolled back: one lead, the team as it was.
    assert Membership.objects.filter(team=team, role="lead").count() == 1


def test_leaving_just_after_becoming_the_lead_answers_409_and_keeps_the_lead(client, cohort):
    team, lead, bob, _carol = cohort
    client.force_login(bob)
    transfer = lambda: services.lead_transfer(team=team, to_membership_id=membership(team, bob).pk)  # noqa: E731
    with just_before_the_team_lock(transfer) as fired:
        response = client.post(reverse("team_leave", args=[team.pk]))
    assert fired
    assert response.status_code == 409
    assert 'data-code="lead_must_transfer"' in response.content.decode()
    assert Membership.objects.filter(team=team, user=bob).exists()
    assert Membership.objects.filter(team=team, role="lead").count() == 1


def test_joining_a_team_closed_at_the_same_moment_answers_409(client, cohort):
    team, lead, _bob, _carol = cohort
    invite = services.invite_create(team=team)
    dave = user("dave")
    client.force_login(dave)
    close = lambda: services.team_close(team=Team.objects.get(pk=team.pk))  # noqa: E731
    with just_before_the_team_lock(close) as fired:
        response = client.post(reverse("team_join", args=[invite.token]))
    assert fired
    assert response.status_code == 409
    assert 'data-code="team_closed"' in response.content.decode()
    assert not Membership.objects.filter(user=dave).exists()


def test_joining_by_a_link_revoked_at_the_same_moment_answers_409(client, cohort):
    team, lead, _bob, _carol = cohort
    invite = services.invite_create(team=team)
    dave = user("dave")
    client.force_login(dave)
    revoke = lambda: services.invite_revoke(team=team, invite_id=invite.pk)  # noqa: E731
    with just_before_the_team_lock(revoke) as fired:
        response = client.post(reverse("team_join", args=[invite.token]))
    assert fired
    assert response.status_code == 409
    assert 'data-code="invite_revoked"' in response.content.decode()
    assert not Membership.objects.filter(user=dave).exists()


def test_closing_a_team_handed_over_at_the_same_moment_answers_409(client, cohort):
    team, lead, bob, _carol = cohort
    client.force_login(lead)
    transfer = lambda: services.lead_transfer(team=team, to_membership_id=membership(team, bob).pk)  # noqa: E731
    with just_before_the_team_lock(transfer) as fired:
        response = client.post(reverse("team_close", args=[team.pk]), {"confirm": "on"})
    assert fired
    assert response.status_code == 409
    assert Team.objects.filter(pk=team.pk).exists()


def test_handing_the_lead_to_a_member_who_has_just_left_answers_409(client, cohort):
    team, lead, bob, _carol = cohort
    client.force_login(lead)
    bob_membership = membership(team, bob)
    leave = lambda: services.membership_leave(membership=bob_membership)  # noqa: E731
    with just_before_the_team_lock(leave) as fired:
        response = client.post(reverse("team_lead_transfer", args=[team.pk]), {"membership": bob_membership.pk})
    assert fired
    assert response.status_code == 409
    assert 'data-code="no_such_member"' in response.content.decode()
    assert Membership.objects.get(team=team, user=lead).role == "lead"
