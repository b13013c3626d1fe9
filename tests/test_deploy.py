"""Production settings: `check --deploy` is silent, and every page carries a CSP
that allows no inline script."""

import dataclasses
import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Variables the test run sets that a production environment would not have.
TEST_ONLY = {
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "STATIC_MANIFEST",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="studyapp.example.com")
    env.update(overrides)
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_misspelt_boolean_stops_start_up():
    result = manage("check", env=production_env(DEBUG="ture"))
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/notes/", "/accounts/login/"])
def test_pages_carry_a_csp_without_inline_script(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'self'" in script_src
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    # Every <script> in the page is an external file.
    for tag in re.findall(r"<script[^>]*>", response.content.decode()):
        assert "src=" in tag


@pytest.mark.django_db
def test_the_csp_kept_once_is_what_django_csp_builds(client, alice):
    """studyapp.csp keeps the policy it built from the settings: the header
    must be django-csp's own, on pages and on study fragments alike."""
    from csp.middleware import PolicyParts
    from csp.utils import build_policy

    expected = build_policy(**dataclasses.asdict(PolicyParts()))
    client.force_login(alice)
    for url, headers in [("/notes/", {}), ("/study/", {}), ("/study/card/", {"HX-Request": "true"})]:
        assert client.get(url, headers=headers)["Content-Security-Policy"] == expected, url
