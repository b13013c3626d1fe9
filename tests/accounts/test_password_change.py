import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/accounts/password/"
NEW = "a-brand-new-secret-42"


def _change(client, old, new1=NEW, new2=NEW):
    return client.post(URL, {"old_password": old, "new_password1": new1, "new_password2": new2})


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_it_shows_the_form(client, alice):
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="old_password"' in response.content.decode()


def test_it_changes_the_password_and_keeps_the_session(client, alice, logged_in_as):
    client.force_login(alice)
    response = _change(client, "alice-password-1")
    assert response.status_code == 302
    assert response.url == "/accounts/settings/"
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert logged_in_as(client) == alice.id
    page = client.get("/accounts/settings/")
    assert page.status_code == 200
    assert "Your password was changed." in page.content.decode()


def test_it_ends_the_owner_s_other_sessions(client, alice):
    other_device = Client()
    other_device.force_login(alice)
    client.force_login(alice)
    _change(client, "alice-password-1")
    assert other_device.get("/accounts/settings/").status_code == 302


def test_it_needs_the_old_password(client, alice):
    client.force_login(alice)
    response = _change(client, "wrong-old-password")
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("alice-password-1")


def test_it_rejects_mismatched_new_passwords(client, alice):
    client.force_login(alice)
    response = _change(client, "alice-password-1", new2="something-else-99")
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("alice-password-1")


def test_another_user_changes_only_their_own(client, alice, bob):
    client.force_login(bob)
    # Knowing alice's password does not help: the view acts on bob.
    response = _change(client, "alice-password-1")
    assert response.status_code == 200
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.check_password("alice-password-1")
    assert bob.check_password("bob-password-1")


def test_wrong_methods_get_405(client, alice):
    client.force_login(alice)
    assert client.put(URL).status_code == 405


def test_head_is_answered_like_get(client, alice):
    client.force_login(alice)
    assert client.head(URL).status_code == 200
