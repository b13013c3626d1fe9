import pytest
from django.contrib.auth import SESSION_KEY


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every login and signup test hashes passwords; PBKDF2 at full strength
    # would make this folder slow for nothing it tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def logged_in_as():
    """The id of the user the client's session belongs to, or None."""

    def check(client):
        value = client.session.get(SESSION_KEY)
        return int(value) if value is not None else None

    return check
