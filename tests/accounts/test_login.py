import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from studyapp.accounts.models import TokenBucket

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"


def _attempt(client, username, password, ip="127.0.0.1", **extra):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_it_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert 'href="/accounts/signup/"' in response.content.decode()


def test_it_logs_in(client, alice, logged_in_as):
    response = _attempt(client, "alice", "alice-password-1")
    assert response.status_code == 302
    assert response.url == "/study/"  # today's session
    assert logged_in_as(client) == alice.id


def test_it_rejects_a_wrong_password(client, alice, logged_in_as):
    response = _attempt(client, "alice", "not-her-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert logged_in_as(client) is None


def test_it_redirects_to_a_safe_next(client, alice):
    response = client.post(URL, {"username": "alice", "password": "alice-password-1", "next": "/notes/TST-1/"})
    assert response.url == "/notes/TST-1/"


def test_it_ignores_an_offsite_next(client, alice):
    response = client.post(URL, {"username": "alice", "password": "alice-password-1", "next": "https://evil.example/"})
    assert response.url == "/study/"


def test_it_carries_next_from_the_query_string_into_the_form(client):
    body = client.get(URL + "?next=/accounts/settings/").content.decode()
    assert 'name="next" value="/accounts/settings/"' in body


def test_it_applies_the_saved_language_on_login(client, alice):
    alice.profile.language = "ja"
    alice.profile.save()
    response = _attempt(client, "alice", "alice-password-1")
    assert response.cookies["django_language"].value == "ja"
    assert '<html lang="ja">' in client.get("/notes/").content.decode()


def test_it_sets_the_language_cookie_to_english_too(client, alice):
    # A shared computer left in Japanese by someone else switches back.
    client.cookies["django_language"] = "ja"
    response = _attempt(client, "alice", "alice-password-1")
    assert response.cookies["django_language"].value == "en"


def test_it_requires_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    response = _attempt(client, "alice", "alice-password-1")
    assert response.status_code == 403


def test_it_starts_a_new_session_on_login(client, alice):
    client.get(URL)
    client.session.save()
    before = client.session.session_key
    _attempt(client, "alice", "alice-password-1")
    assert client.session.session_key != before


def test_wrong_methods_get_405(client):
    assert client.put(URL).status_code == 405


def test_head_is_answered_like_get(client):
    response = client.head(URL)
    assert response.status_code == 200
    assert response.content == b""


def test_it_links_to_the_password_reset(client):
    assert 'href="/accounts/password/reset/"' in client.get(URL).content.decode()


def test_it_rate_limits_login_attempts(client, alice, settings, logged_in_as):
    settings.LOGIN_THROTTLE_PER_IP = (3, 30)
    for n in range(3):
        assert _attempt(client, f"someone-{n}", "guess").status_code == 200
    response = _attempt(client, "someone-else", "guess")
    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert 'name="username"' in response.content.decode()


def test_it_refuses_a_correct_password_while_throttled(client, alice, settings, monkeypatch, logged_in_as):
    settings.LOGIN_THROTTLE_PER_IP = (3, 30)
    for _ in range(3):
        _attempt(client, "alice", "guess")
    checked = []
    # ProfileBackend throttles, then hands the password to Django's ModelBackend.
    original = ModelBackend.authenticate

    def spy(self, *args, **kwargs):
        checked.append(kwargs.get("username"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", spy)

    response = _attempt(client, "alice", "alice-password-1")

    assert response.status_code == 429
    assert logged_in_as(client) is None
    assert checked == []  # the password was not even looked at


def test_guesses_for_a_username_from_other_addresses_do_not_lock_its_owner_out(client, alice, logged_in_as):
    # Issue 6: five guesses from anywhere used to make the owner's right password answer 429.
    for n in range(5):
        assert _attempt(client, "alice", "guess", ip=f"10.0.0.{n}").status_code == 200
    response = _attempt(client, "alice", "alice-password-1", ip="10.0.0.99")
    assert response.status_code == 302
    assert logged_in_as(client) == alice.id


def test_another_username_is_not_throttled_by_alice_s(client, alice, bob, logged_in_as):
    for n in range(5):
        _attempt(client, "alice", "guess", ip=f"10.0.0.{n}")
    response = _attempt(client, "bob", "bob-password-1", ip="10.0.1.1")
    assert response.status_code == 302
    assert logged_in_as(client) == bob.id


def test_it_allows_attempts_again_after_the_refill(client, alice, settings, logged_in_as):
    settings.LOGIN_THROTTLE_PER_IP = (2, 30)
    _attempt(client, "x", "guess")
    _attempt(client, "y", "guess")
    assert _attempt(client, "alice", "alice-password-1").status_code == 429
    for bucket in TokenBucket.objects.all():
        bucket.updated = bucket.updated.replace(year=bucket.updated.year - 1)
        bucket.save()
    assert _attempt(client, "alice", "alice-password-1").status_code == 302
    assert logged_in_as(client) == alice.id


def test_it_ignores_x_forwarded_for_unless_behind_a_proxy(client, settings):
    settings.LOGIN_THROTTLE_PER_IP = (2, 30)
    settings.BEHIND_PROXY = False
    for n in range(2):
        _attempt(client, f"u{n}", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = _attempt(client, "u9", "guess", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert response.status_code == 429


def test_behind_a_proxy_it_keys_on_the_address_the_proxy_appended(client, settings):
    settings.LOGIN_THROTTLE_PER_IP = (2, 30)
    settings.BEHIND_PROXY = True
    for n in range(2):
        _attempt(client, f"u{n}", "guess", ip="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # A client cannot escape by writing its own first hop...
    spoofed = _attempt(client, "u8", "guess", ip="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert spoofed.status_code == 429
    # ...while another client behind the same proxy is unaffected.
    other = _attempt(client, "u9", "guess", ip="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 200


def test_the_throttle_stores_no_usernames_or_addresses(client):
    _attempt(client, "alice", "guess", ip="192.0.2.44")
    values = list(TokenBucket.objects.values_list("value", flat=True))
    assert len(values) == 3  # the address, the username from that address, the username
    assert not any("alice" in v or "192.0.2.44" in v for v in values)
