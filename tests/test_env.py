import pytest
from django.core.exceptions import ImproperlyConfigured

from studyapp.env import env_bool, env_choice, env_int, env_int_range, env_list, env_str, env_url


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("False", False), ("1", True), ("off", False)])
def test_env_bool_accepts_clear_values(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["ture", "yes please", "2"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG", False)


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_FILE", str(secret))
    assert env_str("SECRET") == "s3cret"


@pytest.mark.parametrize(
    "raw", ["redis://127.0.0.1:6379/0", "rediss://cache.example:6380", "unix:///run/redis.sock", "  redis://r:1  "]
)
def test_env_url_accepts_a_url_of_an_allowed_scheme(monkeypatch, raw):
    monkeypatch.setenv("REDIS_URL", raw)
    assert env_url("REDIS_URL", {"redis", "rediss", "unix"}) == raw.strip()


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("127.0.0.1:6379", "must start with"),
        ("http://127.0.0.1:6379", "must start with"),
        ("redis://", "must name a host"),
        ("redis://127.0.0.1:port", "not a valid URL"),
        ("unix://", "must name the socket"),
    ],
)
def test_env_url_rejects_anything_else(monkeypatch, raw, says):
    monkeypatch.setenv("REDIS_URL", raw)
    with pytest.raises(ImproperlyConfigured, match=says):
        env_url("REDIS_URL", {"redis", "rediss", "unix"})


def test_env_url_unset_or_empty_is_none(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert env_url("REDIS_URL", {"redis"}) is None
    monkeypatch.setenv("REDIS_URL", " ")
    assert env_url("REDIS_URL", {"redis"}) is None


def test_env_choice_and_range_are_strict(monkeypatch):
    monkeypatch.setenv("KIND", "rq ")
    with pytest.raises(ImproperlyConfigured, match="KIND must be one of"):
        env_choice("KIND", ["rq", "database"], "database")
    monkeypatch.setenv("SIZE", "0")
    with pytest.raises(ImproperlyConfigured, match="between 1 and 100"):
        env_int_range("SIZE", 4, 1, 100)
