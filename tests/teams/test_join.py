"""The invite link: what it shows, joining through it (once), and the clear
page for a link that is revoked, expired or unknown."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.teams import services
from studyapp.teams.models import Invite, Membership
from tests.teams.conftest import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(db):
    lead = user("lena")
    team = services.team_create(user=lead, name="Night owls")
    return services.invite_create(team=team)


def join_url(invite) -> str:
    return reverse("team_join", args=[invite.token])


def test_the_invite_page_says_what_the_lead_will_see(client, invite):
    client.force_login(user("mika"))
    body = client.get(join_url(invite)).content.decode()
    assert "Night owls" in body and "lena" in body
    for shown in ("your coverage", "your activity", "your readiness band"):
        assert shown in body
    assert "Only if you choose to share details" in body
    assert 'name="share_details"' in body and "checked" not in body.split('name="share_details"')[1][:40]


def test_joining_twice_through_the_link_makes_one_membership(client, invite):
    mika = user("mika")
    client.force_login(mika)
    first = client.post(join_url(invite))
    second = client.post(join_url(invite), {"share_details": "on"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("team_detail", args=[invite.team_id])
    assert Membership.objects.filter(team=invite.team, user=mika).count() == 1
    assert Membership.objects.get(team=invite.team, user=mika).share_details is False
    assert "already a member" in client.get(join_url(invite)).content.decode()


def test_joining_can_share_details_from_the_start(client, invite):
    mika = user("mika")
    client.force_login(mika)
    client.post(join_url(invite), {"share_details": "on"})
    assert Membership.objects.get(team=invite.team, user=mika).share_details is True


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_revoked_or_expired_link_is_refused_with_a_clear_page(client, invite, how):
    if how == "revoked":
        services.invite_revoke(team=invite.team, invite_id=invite.pk)
    else:
        Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    mika = user("mika")
    client.force_login(mika)
    page = client.get(join_url(invite))
    assert page.status_code == 410
    body = page.content.decode()
    assert f'data-reason="{how}"' in body
    assert {"revoked": "was revoked by the team", "expired": "has expired"}[how] in body
    assert "Ask the team's lead for a new one." in body
    assert "Night owls" not in body
    assert client.post(join_url(invite)).status_code == 410
    assert not Membership.objects.filter(user=mika).exists()


def test_an_unknown_link_is_not_found(client, invite):
    page = client.get(reverse("team_join", args=["x" * 43]))
    assert page.status_code == 404
    assert 'data-reason="unknown"' in page.content.decode()


def test_a_visitor_signs_up_through_the_link_and_comes_back_to_it(client, invite):
    body = client.get(join_url(invite)).content.decode()
    signup = f"{reverse('signup')}?next={join_url(invite)}"
    assert signup in body
    response = client.post(
        signup,
        {
            "username": "newbie",
            "password1": "sap-pro-2026-pass",
            "password2": "sap-pro-2026-pass",
            "next": join_url(invite),
        },
    )
    assert response.status_code == 302 and response["Location"] == join_url(invite)
    client.post(join_url(invite))
    assert Membership.objects.filter(team=invite.team, user__username="newbie").exists()


def test_a_visitor_posting_to_the_link_is_sent_to_log_in(client, invite):
    response = client.post(join_url(invite))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Membership.objects.filter(team=invite.team).count() == 1


def test_signup_ignores_a_next_that_leaves_the_site(client, db):
    response = client.post(
        f"{reverse('signup')}?next=https://evil.example/",
        {"username": "newbie", "password1": "sap-pro-2026-pass", "password2": "sap-pro-2026-pass"},
    )
    # Not the outside site: the first step after sign-up (issue 14).
    assert response.status_code == 302 and response["Location"] == reverse("study_welcome")
