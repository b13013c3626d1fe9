"""Two app servers, one PostgreSQL, one Redis: a learner may be sent to either.

Two gunicorn instances of the app (one worker each) share a PostgreSQL
database of this test's own and Redis (cache and sessions; REDIS_URL). A
learner logs in on one and studies across both, in turn: both show the same
queue, an answer repeated on the other server is not recorded twice, undo on
one server takes back an answer given on the other, a logout on one ends the
session on both, and each server's health check reports the database and
Redis. Nothing a server keeps in its memory may matter.

Needs PostgreSQL and Redis on this machine: mandatory under CI=true (.ci/run
starts both), skipped with the reason elsewhere when one does not answer."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from bench.database import drop_database, production_env, recreate_database
from bench.loop_data import note_text
from bench.loop_load import read_reply
from bench.servers import HOST, gunicorn
from tests.support.services import REDIS_HOST, REDIS_PORT, postgres_server_url, require

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "sap-pro-2026-pass"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@contextmanager
def app_database(label: str, notes: Path):
    """A database of a test's own, migrated, with the notes of folder
    ``notes`` and a learner (keiko); Redis keys under a prefix of its own.
    Yields the servers' environment and the database's URL."""
    require(postgres=True, redis=True)
    server_url = postgres_server_url()
    name = f"studyapp_test_{label}_{os.getpid()}"
    database_url = recreate_database(server_url, name)
    env = production_env(database_url, secrets.token_urlsafe(50)) | {
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
        "CACHE_KEY_PREFIX": f"{label}-{secrets.token_hex(6)}",
        "TASKS_BACKEND": "immediate",
    }
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "import_notes", str(notes))
        manage(
            env,
            "shell",
            stdin=f"from django.contrib.auth.models import User\nUser.objects.create_user('keiko', password='{PASSWORD}')\n",
        )
        yield env, database_url
    finally:
        drop_database(server_url, name)


@pytest.fixture
def shared_backends(tmp_path):
    """Two notes and a learner."""
    for number in (1, 2):
        (tmp_path / f"BENCH-{number}.md").write_text(note_text(number), encoding="utf-8")
    with app_database("two_servers", tmp_path) as backends:
        yield backends


class Browser:
    """One learner's cookies, whichever server answers (as behind a load balancer)."""

    def __init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, port: int, path: str, data: dict | None = None, *, htmx: bool = False):
        headers = {"HX-Request": "true"} if htmx else {}
        if data is not None:
            headers["X-CSRFToken"] = self.cookie("csrftoken")
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://{HOST}:{port}{path}", data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def log_in(self, port: int) -> None:
        _status, _url, page = self.request(port, "/accounts/login/")
        token = CSRF_INPUT.search(page).group(1)
        status, url, _body = self.request(
            port, "/accounts/login/", {"username": "keiko", "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert status == 200 and url.endswith("/study/"), (status, url)


def answers_logged(database_url: str) -> Counter:
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute("SELECT state_id, state_before->>'version' FROM study_reviewlog").fetchall()
    return Counter(f"{state_id}:{version}" for state_id, version in rows)


def redis_keys(prefix: str) -> list:
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT).keys(f"{prefix}:*")


def state_version(database_url: str, state_id: int) -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT version FROM study_cardstate WHERE id = %s", [state_id]).fetchone()[0]


def test_a_learner_studies_across_two_app_servers(shared_backends, tmp_path):
    env, database_url = shared_backends
    with gunicorn(env, tmp_path, workers=1, name="a") as a, gunicorn(env, tmp_path, workers=1, name="b") as b:
        for server in (a, b):
            status, _url, body = Browser().request(server.port, "/health/")
            assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok", "redis": "ok"}

        learner = Browser()
        learner.log_in(a.port)  # logged in on A ...
        assert redis_keys(env["CACHE_KEY_PREFIX"]), "the session is not kept in Redis"
        status, _url, body = learner.request(b.port, "/study/card/", htmx=True)  # ... and known on B
        assert status == 200
        on_b = read_reply(body)
        on_a = read_reply(learner.request(a.port, "/study/card/", htmx=True)[2])
        assert on_a.card == on_b.card and on_a.held == on_b.held  # one queue, whichever server

        card, held, left = on_a.card, on_a.held, on_a.left
        graded = []
        last_form = None
        for turn in range(7):
            port = (a, b)[turn % 2].port  # A, B, A, ...: the last answer on A
            last_form = (card, {"rating": 3, "version": card.version, "left": left, "expect": held.key})
            status, _url, body = learner.request(port, f"/study/grade/{card.state_id}/", last_form[1], htmx=True)
            assert status == 200
            graded.append(card.key)
            reply = read_reply(body)
            card = held if reply.confirmed == held else reply.card
            held, left = reply.held, reply.left
        assert answers_logged(database_url) == Counter(graded)

        # The last answer (given on A), sent again to B: not recorded twice.
        last_card, form = last_form
        status, _url, _body = learner.request(b.port, f"/study/grade/{last_card.state_id}/", form, htmx=True)
        assert status == 200
        assert answers_logged(database_url) == Counter(graded)

        # Undo on B takes back the answer given on A: the card as it was.
        status, _url, body = learner.request(b.port, "/study/undo/", {}, htmx=True)
        assert status == 200 and "Last answer undone." in body
        assert read_reply(body).card == last_card
        assert state_version(database_url, last_card.state_id) == last_card.version
        assert answers_logged(database_url) == Counter(graded[:-1])
        # ... and A shows it again too.
        assert read_reply(learner.request(a.port, "/study/card/", htmx=True)[2]).card == last_card

        # Logged out on B: A no longer knows the session either.
        status, _url, _body = learner.request(b.port, "/accounts/logout/", {})
        assert status == 200
        status, url, _body = learner.request(a.port, "/study/card/", htmx=True)
        assert "/accounts/login/" in url
