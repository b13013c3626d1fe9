import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from studyapp.accounts.models import Profile
from studyapp.accounts.services import demo_accounts_ensure, profile_get, profile_update, user_signup

pytestmark = pytest.mark.django_db


def test_profile_update_writes_only_the_allowed_fields(alice, bob):
    profile = alice.profile
    profile_update(profile=profile, data={"new_per_day": 5, "scope_kind": "note", "user": bob, "user_id": bob.id})
    profile = Profile.objects.get(pk=profile.pk)
    assert profile.new_per_day == 5
    assert profile.scope_kind == "all"
    assert profile.user_id == alice.id


def test_profile_update_validates_without_a_form(alice):
    with pytest.raises(ValidationError):
        profile_update(profile=alice.profile, data={"desired_retention": 2.0})
    with pytest.raises(ValidationError):
        profile_update(profile=alice.profile, data={"time_zone": "Nowhere/Special"})
    assert Profile.objects.get(user=alice).desired_retention == 0.9


def test_profile_get_makes_a_missing_profile(alice):
    Profile.objects.filter(user=alice).delete()
    user = User.objects.get(pk=alice.pk)
    assert profile_get(user=user).pk is not None


def test_user_signup_keeps_the_language(db):
    user = user_signup(username="carol", password="a-long-unusual-pass-77", language="ja")
    assert user.profile.language == "ja"
    assert user.check_password("a-long-unusual-pass-77")


def test_user_signup_ignores_an_unknown_language(db):
    assert user_signup(username="carol", password="x-long-unusual-pass-77", language="xx").profile.language == "en"


def test_demo_accounts_still_work(client):
    logins = demo_accounts_ensure()
    for username, password in logins.items():
        assert Profile.objects.filter(user__username=username).exists()
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302
        client.logout()
