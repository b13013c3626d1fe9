import pytest
from django.test import Client

from studyapp.accounts.models import Profile

pytestmark = pytest.mark.django_db

URL = "/accounts/language/"


def _language(user) -> str:
    return Profile.objects.get(user=user).language


def test_get_is_405(client):
    assert client.get(URL + "?language=ja").status_code == 405


def test_anonymous_gets_the_cookie_and_goes_back(client):
    response = client.post(URL, {"language": "ja", "next": "/notes/"})
    assert response.status_code == 302
    assert response.url == "/notes/"
    assert response.cookies["django_language"].value == "ja"
    assert '<html lang="ja">' in client.get("/notes/").content.decode()


def test_it_saves_the_choice_of_a_logged_in_learner(client, alice):
    client.force_login(alice)
    response = client.post(URL, {"language": "ja", "next": "/notes/"})
    assert response.cookies["django_language"].value == "ja"
    assert _language(alice) == "ja"


def test_it_changes_nobody_else_s_profile(client, alice, bob):
    client.force_login(bob)
    client.post(URL, {"language": "ja", "next": "/notes/"})
    assert _language(bob) == "ja"
    assert _language(alice) == "en"


def test_the_choice_is_applied_on_the_next_login_elsewhere(client, alice):
    client.force_login(alice)
    client.post(URL, {"language": "ja", "next": "/notes/"})

    other_device = Client()
    response = other_device.post("/accounts/login/", {"username": "alice", "password": "alice-password-1"})
    assert response.cookies["django_language"].value == "ja"
    assert '<html lang="ja">' in other_device.get("/notes/").content.decode()


def test_it_ignores_an_unknown_language(client, alice):
    client.force_login(alice)
    response = client.post(URL, {"language": "xx", "next": "/notes/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
    assert _language(alice) == "en"


def test_it_does_not_redirect_offsite(client):
    response = client.post(URL, {"language": "ja", "next": "https://evil.example/"})
    assert response.url == "/"


def test_it_requires_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL, {"language": "ja"}).status_code == 403
    assert _language(alice) == "en"


def test_the_header_switcher_posts_here(client):
    body = client.get("/notes/").content.decode()
    assert f'action="{URL}"' in body


@pytest.mark.parametrize(("chosen", "saved"), [("ja", "en"), ("en", "ja")])
def test_a_language_chosen_before_logging_in_is_kept_and_saved(client, alice, chosen, saved):
    Profile.objects.filter(user=alice).update(language=saved)
    client.post(URL, {"language": chosen, "next": "/accounts/login/"})
    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == chosen
    assert _language(alice) == chosen
    assert f'<html lang="{chosen}">' in client.get("/notes/").content.decode()


def test_a_language_chosen_before_an_admin_login_is_saved_too(client, staff_member):
    client.post(URL, {"language": "ja", "next": "/admin/login/"})
    response = client.post("/admin/login/", {"username": "stella", "password": "stella-password-1", "next": "/admin/"})
    assert response.status_code == 302
    assert _language(staff_member) == "ja"


def test_a_choice_is_kept_for_one_login_only(client, alice, bob):
    # Made while logged out, it belongs to whoever logs in next, not to everyone after.
    client.post(URL, {"language": "ja", "next": "/"})
    client.post("/accounts/login/", {"username": "alice", "password": "alice-password-1"})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "bob", "password": "bob-password-1"})
    assert _language(alice) == "ja"
    assert _language(bob) == "en"


def test_the_cookie_is_same_site_lax(client):
    response = client.post(URL, {"language": "ja", "next": "/notes/"})
    assert response.cookies["django_language"]["samesite"] == "Lax"


def test_the_login_sets_the_cookie_same_site_lax_too(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-password-1"})
    assert response.cookies["django_language"]["samesite"] == "Lax"
