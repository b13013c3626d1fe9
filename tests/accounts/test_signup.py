import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse

from studyapp.accounts.models import Profile

pytestmark = pytest.mark.django_db

URL = "/accounts/signup/"
GOOD = {"username": "carol", "email": "", "password1": "a-long-unusual-pass-77", "password2": "a-long-unusual-pass-77"}


def _after_signup():
    try:
        return reverse("study")
    except NoReverseMatch:
        return reverse("note_list")


def test_it_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in body


def test_a_logged_in_user_is_sent_on(client, alice):
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == _after_signup()


def test_it_signs_up_and_logs_in(client, logged_in_as):
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    # The first step after sign-up (issue 14): exam date, time zone, scope.
    assert response.url == reverse("study_welcome")
    carol = User.objects.get(username="carol")
    assert carol.check_password(GOOD["password1"])
    assert logged_in_as(client) == carol.id
    assert Profile.objects.filter(user=carol).exists()


def test_the_email_is_optional_but_must_be_valid(client):
    assert client.post(URL, GOOD | {"email": "carol@example.com"}).status_code == 302
    assert User.objects.get(username="carol").email == "carol@example.com"
    client.logout()
    response = client.post(URL, GOOD | {"username": "dave", "email": "not-an-email"})
    assert response.status_code == 200
    assert not User.objects.filter(username="dave").exists()


def test_the_profile_starts_in_the_language_of_the_signup(client):
    client.cookies["django_language"] = "ja"
    client.post(URL, GOOD)
    assert User.objects.get(username="carol").profile.language == "ja"


def test_it_rejects_mismatched_passwords(client, logged_in_as):
    response = client.post(URL, GOOD | {"password2": "something-else-entirely"})
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    assert not User.objects.filter(username="carol").exists()
    assert logged_in_as(client) is None


@pytest.mark.parametrize("username", ["alice", "Alice"])
def test_it_rejects_a_taken_username(client, alice, username):
    response = client.post(URL, GOOD | {"username": username})
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_it_applies_the_password_validators(client):
    response = client.post(URL, GOOD | {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_errors_are_shown_next_to_their_field(client):
    body = client.post(URL, GOOD | {"password2": "x"}).content.decode()
    field = body[body.index('for="id_password2"') :]
    assert field.index('class="errorlist"') < field.index('name="password2"')


def test_it_rate_limits_signups(client, settings):
    settings.SIGNUP_THROTTLE_PER_IP = (2, 60)
    client.post(URL, GOOD | {"username": "u1"})
    client.logout()
    client.post(URL, GOOD | {"username": "u2"})
    client.logout()
    response = client.post(URL, GOOD | {"username": "u3"})
    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert not User.objects.filter(username="u3").exists()


def test_wrong_methods_get_405(client):
    assert client.put(URL).status_code == 405


def test_head_is_answered_like_get(client):
    assert client.head(URL).status_code == 200
