"""Issue 14: the first step after sign-up (exam date, time zone, scope),
skippable, then the study page (or where the learner was going)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.accounts.models import Profile
from studyapp.study.models import CardState

pytestmark = pytest.mark.django_db

URL = "/study/welcome/"
SIGNUP = {
    "username": "carol",
    "email": "",
    "password1": "a-long-unusual-pass-77",
    "password2": "a-long-unusual-pass-77",
}
DOMAIN = "Design for New Solutions"


def _profile(user) -> Profile:
    return Profile.objects.get(user=user)


def test_sign_up_leads_to_the_first_step(client):
    response = client.post(reverse("signup"), SIGNUP)
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    for field in ('name="exam_date"', 'name="time_zone"', 'name="kind"', 'name="value"', 'id="welcome-skip"'):
        assert field in body


def test_sign_up_from_an_invite_goes_to_the_invite(client):
    # The team's assignment brings the notes and the exam date: the invite is the first step.
    response = client.post(reverse("signup") + "?next=/teams/join/abc/", SIGNUP)
    assert response["Location"] == "/teams/join/abc/"


def test_sign_up_with_an_outside_next_goes_to_the_first_step(client):
    response = client.post(reverse("signup") + "?next=https://evil.example/", SIGNUP)
    assert response["Location"] == URL


def test_the_first_step_leads_on_to_a_next_it_is_given(client, alice):
    client.force_login(alice)
    body = client.get(URL + "?next=/teams/").content.decode()
    assert 'value="/teams/"' in body and 'href="/teams/" id="welcome-skip"' in body
    response = client.post(URL, {"next": "/teams/", "time_zone": "UTC", "kind": "all"})
    assert response["Location"] == "/teams/"


def test_skipping_changes_nothing_and_goes_to_study(client, alice):
    client.force_login(alice)
    body = client.get(URL).content.decode()
    assert 'href="/study/" id="welcome-skip"' in body
    assert _profile(alice).time_zone == "UTC" and _profile(alice).exam_date is None


def test_saving_sets_the_three_and_goes_to_study(client, alice_deck):
    client.force_login(alice_deck)
    exam = timezone.localdate() + timedelta(days=60)
    response = client.post(
        URL, {"exam_date": exam.isoformat(), "time_zone": "Asia/Tokyo", "kind": "domain", "value": DOMAIN}
    )
    assert response.status_code == 302 and response["Location"] == "/study/"
    profile = _profile(alice_deck)
    assert (profile.exam_date, profile.time_zone, profile.scope_kind, profile.scope_value) == (
        exam,
        "Asia/Tokyo",
        "domain",
        DOMAIN,
    )
    # The queue follows the scope at once.
    assert CardState.objects.filter(user=alice_deck, in_scope=True).exists()


def test_an_old_spelling_from_the_browser_is_saved_as_the_canonical_zone(client, alice):
    client.force_login(alice)
    response = client.post(URL, {"exam_date": "", "time_zone": "Asia/Calcutta", "kind": "all", "value": ""})
    assert response.status_code == 302
    assert _profile(alice).time_zone == "Asia/Kolkata"


def test_the_time_zone_list_offers_no_old_spelling(client, alice):
    client.force_login(alice)
    body = client.get(URL).content.decode()
    select = body[body.index('name="time_zone"') : body.index("</select>", body.index('name="time_zone"'))]
    for old in ("Asia/Calcutta", "Europe/Kiev", "Asia/Saigon", "America/Buenos_Aires", "US/Eastern"):
        assert f'value="{old}"' not in select
    for zone in ("Asia/Kolkata", "Europe/Kyiv", "Asia/Ho_Chi_Minh", "America/Argentina/Buenos_Aires", "UTC"):
        assert f'value="{zone}"' in select
    # The page carries the map a browser's old spelling is read through.
    assert '"Asia/Calcutta": "Asia/Kolkata"' in body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"exam_date": "2001-01-01", "time_zone": "Asia/Tokyo", "kind": "all", "value": ""}, "exam date"),
        ({"exam_date": "not-a-date", "time_zone": "Asia/Tokyo", "kind": "all", "value": ""}, "exam date"),
        ({"exam_date": "", "time_zone": "Mars/Olympus_Mons", "kind": "all", "value": ""}, "time zone"),
        ({"exam_date": "", "time_zone": "Asia/Tokyo", "kind": "domain", "value": "Nope"}, "value"),
        ({"exam_date": "", "time_zone": "Asia/Tokyo", "kind": "everything", "value": ""}, "kind"),
    ],
)
def test_bad_input_saves_nothing_and_says_why(client, alice_deck, data, field):
    client.force_login(alice_deck)
    before = Profile.objects.filter(user=alice_deck).values().get()
    response = client.post(URL, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="welcome-errors"' in body and "Nothing was saved yet" in body
    assert Profile.objects.filter(user=alice_deck).values().get() == before


def test_an_outside_next_is_not_followed(client, alice):
    client.force_login(alice)
    response = client.post(URL + "?next=https://evil.example/", {"time_zone": "UTC", "kind": "all"})
    assert response["Location"] == "/study/"


def test_anonymous_visitors_log_in_first(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client, alice, method):
    client.force_login(alice)
    assert getattr(client, method)(URL).status_code == 405


def test_each_learner_sees_only_their_own_settings(client, alice, bob):
    Profile.objects.filter(user=bob).update(time_zone="Europe/Paris")
    client.force_login(alice)
    body = client.get(URL).content.decode()
    assert '<option value="Europe/Paris" selected>' not in body
    client.post(URL, {"time_zone": "Asia/Tokyo", "kind": "all", "value": ""})
    assert _profile(bob).time_zone == "Europe/Paris"


def test_in_japanese_without_a_zone_the_guess_is_tokyo(client, alice):
    Profile.objects.filter(user=alice).update(language="ja")
    client.force_login(alice)
    client.cookies["django_language"] = "ja"
    body = client.get(URL).content.decode()
    assert '<option value="Asia/Tokyo" selected>' in body


def test_the_first_step_in_japanese(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "ja"
    body = client.get(URL).content.decode()
    assert "ようこそ" in body and "今はスキップ" in body and "Skip for now" not in body
