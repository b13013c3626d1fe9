"""Account-related settings read from the environment: the language cookie and
the e-mail that carries password resets."""

import json
import subprocess
import sys

from tests.conftest import ROOT
from tests.test_deploy import production_env

NAMES = [
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_SAMESITE",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
]


def _settings(**env) -> subprocess.CompletedProcess:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {NAMES!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(DJANGO_SETTINGS_MODULE="studyapp.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _read(**env) -> dict:
    result = _settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_language_cookie_is_secure_and_lax_in_production():
    values = _read()
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SAMESITE"] == "Lax"


def test_the_language_cookie_follows_the_session_cookie():
    values = _read(DEBUG="true")
    assert values["LANGUAGE_COOKIE_SECURE"] is values["SESSION_COOKIE_SECURE"] is False
    values = _read(SESSION_COOKIE_SECURE="false")
    assert values["LANGUAGE_COOKIE_SECURE"] is False
    assert values["LANGUAGE_COOKIE_SAMESITE"] == values["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_debug_prints_mail_to_the_console():
    assert _read(DEBUG="true")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_mail_by_smtp_from_the_environment(tmp_path):
    password = tmp_path / "smtp-password"
    password.write_text("s3cret\n")
    values = _read(
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="studyapp",
        EMAIL_HOST_PASSWORD_FILE=str(password),
        EMAIL_USE_TLS="true",
        DEFAULT_FROM_EMAIL="studyapp <noreply@example.com>",
    )
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["EMAIL_HOST"] == "smtp.example.com"
    assert values["EMAIL_PORT"] == 587
    assert values["EMAIL_HOST_USER"] == "studyapp"
    assert values["EMAIL_HOST_PASSWORD"] == "s3cret"
    assert values["EMAIL_USE_TLS"] is True and values["EMAIL_USE_SSL"] is False
    assert values["EMAIL_TIMEOUT"] > 0
    assert values["DEFAULT_FROM_EMAIL"] == "studyapp <noreply@example.com>"


def test_production_defaults_to_a_local_mail_server():
    values = _read()
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"]) == ("localhost", 25)


def test_a_misspelt_mail_setting_stops_start_up():
    for env, message in [
        ({"EMAIL_USE_TLS": "ture"}, "EMAIL_USE_TLS must be true or false"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a whole number"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "EMAIL_USE_TLS and EMAIL_USE_SSL"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT"),
    ]:
        result = _settings(**env)
        assert result.returncode != 0, env
        assert message in result.stderr, (env, result.stderr[-500:])
