import pytest

pytestmark = pytest.mark.django_db

URL = "/accounts/logout/"


def test_it_logs_out(client, alice, logged_in_as):
    client.force_login(alice)
    response = client.post(URL)
    assert response.status_code == 302
    assert response.url == "/notes/"
    assert logged_in_as(client) is None


def test_it_is_harmless_when_anonymous(client):
    assert client.post(URL).status_code == 302


def test_get_is_405_and_keeps_the_session(client, alice, logged_in_as):
    # A link or an <img> on some page must not be able to log anyone out.
    client.force_login(alice)
    assert client.get(URL).status_code == 405
    assert logged_in_as(client) == alice.id
