"""The team pages through HTTP: creating a team, invites, assignments,
sharing (htmx), leaving, closing, the dashboard's assignments, Japanese."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.teams.models import Assignment, Invite, Membership, Team
from tests.teams.conftest import assign, team_with, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client, deck):
    lena = user("lena")
    client.force_login(lena)
    client.lead = lena
    return client


def test_creating_a_team_leads_to_its_management_page(lead_client):
    response = lead_client.post(reverse("team_list"), {"name": "Night owls"})
    team = Team.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("team_manage", args=[team.pk])
    assert Membership.objects.get(team=team).role == "lead"
    assert "Night owls" in lead_client.get(reverse("team_list")).content.decode()


def test_a_team_needs_a_name(lead_client):
    response = lead_client.post(reverse("team_list"), {"name": "   "})
    assert response.status_code == 400
    assert not Team.objects.exists()


def test_the_lead_makes_and_revokes_invite_links(lead_client):
    team = team_with(lead_client.lead, [])
    Invite.objects.all().delete()
    lead_client.post(reverse("team_invite_create", args=[team.pk]), {"days": "30"})
    invite = Invite.objects.get()
    assert (invite.expires_at - invite.created_at) == timedelta(days=30)
    page = lead_client.get(reverse("team_manage", args=[team.pk])).content.decode()
    assert f"/teams/join/{invite.token}/" in page
    lead_client.post(reverse("team_invite_revoke", args=[team.pk, invite.pk]))
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert (
        f"/teams/join/{invite.token}/" not in lead_client.get(reverse("team_manage", args=[team.pk])).content.decode()
    )
    # Revoking it again, or an invite that is not the team's: not found.
    assert lead_client.post(reverse("team_invite_revoke", args=[team.pk, invite.pk])).status_code == 404


def test_an_assignment_must_name_published_notes_and_a_coming_date(lead_client):
    team = team_with(lead_client.lead, [user("mika")])
    url = reverse("team_assignment_create", args=[team.pk])
    past = (timezone.now().date() - timedelta(days=5)).isoformat()
    coming = (timezone.now().date() + timedelta(days=40)).isoformat()
    for data in (
        {"kind": "tag", "value": "NoSuchTag", "exam_date": coming},
        {"kind": "all", "value": "", "exam_date": coming},
        {"kind": "tag", "value": "S3", "exam_date": past},
        {"kind": "tag", "value": "S3", "exam_date": "2999-01-01"},
    ):
        response = lead_client.post(url, data)
        assert response.status_code == 400, data
        assert 'id="assign-errors"' in response.content.decode()
    assert not Assignment.objects.exists()
    assert lead_client.post(url, {"kind": "tag", "value": "S3", "exam_date": coming}).status_code == 302
    assert Membership.objects.get(user__username="mika").user.profile.assigned_exam_date.isoformat() == coming


def test_closing_needs_the_box_ticked(lead_client):
    team = team_with(lead_client.lead, [user("mika")])
    lead_client.post(reverse("team_close", args=[team.pk]))
    assert Team.objects.filter(pk=team.pk).exists()
    lead_client.post(reverse("team_close", args=[team.pk]), {"confirm": "on"})
    assert not Team.objects.filter(pk=team.pk).exists()


def test_a_lead_with_members_is_told_to_hand_over_before_leaving(lead_client):
    team = team_with(lead_client.lead, [user("mika")])
    response = lead_client.post(reverse("team_leave", args=[team.pk]), follow=True)
    assert "Hand the lead to another member" in response.content.decode()
    assert Membership.objects.filter(team=team).count() == 2


def test_sharing_is_changed_in_place_with_htmx(client, deck):
    mika = user("mika")
    team = team_with(user("lena"), [mika])
    client.force_login(mika)
    response = client.post(
        reverse("team_sharing", args=[team.pk]),
        {"share_details": "on"},
        headers={"HX-Request": "true", "HX-Target": "sharing"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="sharing"' in body and "You share your details now." in body
    assert Membership.objects.get(user=mika).share_details is True


def test_a_member_studies_an_assignment_from_the_team_page(client, deck):
    mika = user("mika")
    team = team_with(user("lena"), [mika])
    assignment = assign(team, kind="note", value="TST-2")
    client.force_login(mika)
    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    assert "Study this assignment" in page and "TST-2" in page
    response = client.post(reverse("team_assignment_study", args=[team.pk, assignment.pk]))
    assert response["Location"] == reverse("study")
    mika.profile.refresh_from_db()
    assert (mika.profile.scope_kind, mika.profile.scope_value) == ("note", "TST-2")


def test_the_dashboard_without_assignments_says_how_to_start(lead_client):
    team = team_with(lead_client.lead, [])
    body = lead_client.get(reverse("team_dashboard", args=[team.pk])).content.decode()
    assert "No assignments yet." in body and f"/teams/{team.pk}/manage/#assignments" in body


def test_the_dashboard_shows_the_assignment_asked_for(lead_client):
    team = team_with(lead_client.lead, [user("mika")])
    soon = assign(team, kind="tag", value="KMS", days=10)
    later = assign(team, kind="tag", value="Replication", days=50)
    url = reverse("team_dashboard", args=[team.pk])
    assert "Tag · KMS" in lead_client.get(url).content.decode()  # the nearest exam first
    partial = lead_client.get(
        f"{url}?assignment={later.pk}", headers={"HX-Request": "true", "HX-Target": "figures"}
    ).content.decode()
    assert "<html" not in partial and partial.lstrip().startswith('<div id="figures">')
    assert "Tag · Replication" in partial
    csv = lead_client.get(f"{reverse('team_dashboard_csv', args=[team.pk])}?assignment={soon.pk}")
    assert csv.status_code == 200


def test_the_team_pages_speak_japanese(client, deck):
    lena = user("lena")
    lena.profile.language = "ja"
    lena.profile.save()
    team = team_with(lena, [user("mika")], share=("mika",))
    assign(team)
    client.force_login(lena)
    client.cookies["django_language"] = "ja"
    dashboard = client.get(reverse("team_dashboard", args=[team.pk])).content.decode()
    for text in ("ダッシュボード", "試験日に向けた準備状況", "メンバーが共有している詳細", "遅れ"):
        assert text in dashboard
    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    assert "あなたが共有する情報" in page and "この課題を学習する" in page
    manage = client.get(reverse("team_manage", args=[team.pk])).content.decode()
    assert "招待リンク" in manage and "チームを閉鎖" in manage
