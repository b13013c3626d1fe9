"""Sign-up refuses usernames that could pass for someone else's: mixed scripts,
look-alikes of existing usernames, invisible characters. Japanese names (kana
and kanji together) and names in any one script stay welcome."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

URL = "/accounts/signup/"
PASSWORD = "a-long-unusual-pass-77"


def _signup(client, username):
    return client.post(URL, {"username": username, "email": "", "password1": PASSWORD, "password2": PASSWORD})


def _refused(client, username, message):
    response = _signup(client, username)
    assert response.status_code == 200, username
    body = response.content.decode()
    assert message in body, username
    # Shown on the username field itself.
    field = body[body.index('for="id_username"') :]
    assert field.index('class="errorlist"') < field.index('name="username"')
    assert User.objects.count() == User.objects.exclude(username=username).count()
    return body


@pytest.mark.parametrize(
    ("username", "scripts"),
    [
        ("l\u0435arner", "Cyrillic, Latin"),  # Cyrillic е
        ("p\u0430ypal", "Cyrillic, Latin"),  # Cyrillic а
        ("\u03b1lice", "Greek, Latin"),  # Greek alpha
        ("b\u03bfb", "Greek, Latin"),  # Greek omicron
        ("\u0441\u0430rol", "Cyrillic, Latin"),
        ("admin\u0661\u0662", "Arabic, Latin"),  # Arabic-Indic digits
        ("\u13aa\u13de\u13ac", None),  # Cherokee only: one script, allowed below
    ],
)
def test_mixed_scripts_are_refused(client, username, scripts):
    if scripts is None:
        assert _signup(client, username).status_code == 302
        return
    body = _refused(client, username, "mixes")
    assert scripts in body


@pytest.mark.parametrize(
    ("existing", "lookalike"),
    [
        ("alice", "a1ice"),  # digit one for l
        ("alice", "aIice"),  # capital i for l
        ("a1ice", "alice"),  # either way round
        ("mary", "rnary"),  # r n for m
        ("scope", "\u0455\u0441\u043e\u0440\u0435"),  # all Cyrillic
        ("bob", "b0b"),  # zero for o
        ("Taro", "taro_"),  # different enough: allowed (checked below)
        ("一郎", "ー郎"),  # kanji one and the long-vowel mark
    ],
)
def test_look_alikes_of_existing_usernames_are_refused(client, existing, lookalike):
    User.objects.create_user(existing, password="x-long-unusual-pass-1")
    if lookalike == "taro_":
        assert _signup(client, lookalike).status_code == 302
        return
    _refused(client, lookalike, "looks too much like an existing username")


@pytest.mark.parametrize(
    "username",
    [
        "alice\u3164",  # Hangul filler: a letter that shows nothing
        "bob\u115f",
        "ca\u200brol",  # zero-width space
        "da\u00adve",  # soft hyphen
        "eve\ufe0f",  # variation selector
        "\u2800frank",  # braille blank
    ],
)
def test_invisible_characters_are_refused(client, username):
    _refused(client, username, "invisible")


@pytest.mark.parametrize(
    "username",
    [
        "たろう",
        "タロウ",
        "山田太郎",
        "やまだタロウ",
        "佐々木ラーメン",
        "yamada太郎",
        "иван",
        "ελένη",
        "José",
        "zoë.smith",
        "user_42",
    ],
)
def test_names_in_one_script_and_japanese_names_are_welcome(client, username):
    assert _signup(client, username).status_code == 302
    assert User.objects.filter(username=username).exists()


def test_the_skeleton_follows_a_rename(db):
    user = User.objects.create_user("carol", password="x-long-unusual-pass-1")
    user.username = "dave"
    user.save()
    from studyapp.accounts.usernames import username_skeleton

    assert User.objects.get(pk=user.pk).profile.username_skeleton == username_skeleton("dave")


def test_a_rename_elsewhere_frees_the_old_name(client, db):
    user = User.objects.create_user("carol", password="x-long-unusual-pass-1")
    user.username = "dave"
    user.save()
    assert _signup(client, "caro1").status_code == 302


def test_the_messages_are_in_japanese_too(client, alice):
    client.cookies["django_language"] = "ja"
    assert "混ぜています" in _signup(client, "l\u0435arner").content.decode()
    assert "よく似ています" in _signup(client, "a1ice").content.decode()
    assert "見えない文字" in _signup(client, "bob\u3164").content.decode()
