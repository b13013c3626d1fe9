import pytest
from django.contrib.auth import SESSION_KEY, get_user
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from studyapp.accounts.backends import ProfileBackend

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_its_profile_in_one_query(client, alice, django_assert_num_queries):
    client.force_login(alice)
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    assert request.session[SESSION_KEY]  # loads the session: not what this test counts

    with django_assert_num_queries(1):
        user = get_user(request)
        assert user == alice
        assert user.profile.time_zone == "UTC"


def test_it_logs_in_through_this_backend(client, alice):
    client.post("/accounts/login/", {"username": "alice", "password": "alice-password-1"})
    assert client.session["_auth_user_backend"] == "studyapp.accounts.backends.ProfileBackend"


def test_an_inactive_user_is_not_loaded(alice):
    alice.is_active = False
    alice.save()
    assert ProfileBackend().get_user(alice.pk) is None


def test_an_unknown_user_is_none(db):
    assert ProfileBackend().get_user(987654) is None
