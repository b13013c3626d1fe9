"""Team strings in Japanese (issue 14, finding 9: the invite validity
choices were left in English)."""

from django.utils import translation

from studyapp.teams.forms import InviteForm


def test_the_invite_validity_choices_follow_the_language():
    with translation.override("ja"):
        assert [str(label) for _days, label in InviteForm().fields["days"].choices] == ["1 日", "7 日", "30 日"]
    with translation.override("en"):
        assert [str(label) for _days, label in InviteForm().fields["days"].choices] == ["1 day", "7 days", "30 days"]


def test_the_pages_that_answer_a_race_are_in_japanese(client, db):
    """The 409 page (test_race_answers.py) in the visitor's language."""
    from django.urls import reverse

    from studyapp.teams import services
    from tests.teams.conftest import team_with, user
    from tests.teams.test_race_answers import just_before_the_team_lock

    lead, dave = user("lena"), user("dave")
    team = team_with(lead, [user("bob")])
    invite = services.invite_create(team=team)
    client.force_login(dave)
    revoke = lambda: services.invite_revoke(team=team, invite_id=invite.pk)  # noqa: E731
    with just_before_the_team_lock(revoke):
        response = client.post(reverse("team_join", args=[invite.token]), headers={"Accept-Language": "ja"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "同時に変更されました" in body and "この招待リンクは同時に無効にされました" in body
