"""Two app servers, one PostgreSQL, one Redis: a mock exam started on one
continues on the other. Nothing of an attempt lives in a server's memory:
the answer given on B shows on A's page, the position moved on B is where
A's page opens, the submission on A closes the attempt for B.

Needs PostgreSQL and Redis (as tests/test_two_app_servers.py): mandatory
under CI=true, skipped with the reason elsewhere."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bench.servers import HOST, gunicorn
from tests.conftest import NOTES
from tests.test_two_app_servers import Browser, app_database

START_FORM = re.compile(r'action="(/exams/start/\d+/)"')
ATTEMPT_URL = re.compile(r"/exams/attempts/(\d+)/")


@pytest.fixture
def exam_backends(tmp_path):
    """Eight notes of the bank (with option texts: questions a mock can ask) and a learner."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for path in sorted(NOTES.glob("SAP-1*.md"))[:8]:
        shutil.copy(path, notes / path.name)
    with app_database("exam_servers", notes) as (env, _database_url):
        yield env


def post_json(learner: Browser, port: int, path: str, data: dict) -> tuple[int, dict]:
    """As exam.js posts: form fields, JSON back."""
    body = urllib.parse.urlencode(data, doseq=True).encode()
    headers = {"Accept": "application/json", "X-CSRFToken": learner.cookie("csrftoken")}
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", data=body, headers=headers)
    try:
        with learner.opener.open(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def first_option(page: str, position: int) -> str:
    section = page.split(f'id="q-{position}"', 1)[1]
    return re.search(r'name="choice" value="([A-F])" data-index="1"', section).group(1)


def test_a_mock_exam_started_on_one_server_continues_on_the_other(exam_backends, tmp_path):
    env = exam_backends
    with gunicorn(env, tmp_path, workers=1, name="a") as a, gunicorn(env, tmp_path, workers=1, name="b") as b:
        learner = Browser()
        learner.log_in(a.port)
        _status, _url, page = learner.request(a.port, "/exams/")
        start = START_FORM.search(page).group(1)

        # Started on A ...
        status, url, page = learner.request(a.port, start, {})
        assert status == 200 and url.endswith("?q=1"), (status, url)
        attempt = ATTEMPT_URL.search(url).group(1)
        base = f"/exams/attempts/{attempt}"

        # ... answered, flagged and moved on B ...
        letter = first_option(page, 1)
        status, reply = post_json(
            learner, b.port, f"{base}/answer/", {"position": 1, "choice": [letter], "time_ms": 900}
        )
        assert status == 200 and reply["chosen"] == [letter]
        assert post_json(learner, b.port, f"{base}/flag/", {"position": 1, "flagged": "1"})[0] == 200
        assert post_json(learner, b.port, f"{base}/move/", {"position": 2})[0] == 200

        # ... and A's page opens there, with the answer and the flag.
        _status, url, page = learner.request(a.port, f"{base}/")
        assert 'id="q-2" data-position="2" data-time-ms="0" tabindex="-1" aria-labelledby="q-2-head">' in page
        assert f'value="{letter}" data-index="1" checked' in page.split('id="q-1"', 1)[1]
        assert 'id="nav-1" class="nav-q answered flagged"' in page

        # The same answer sent again to A (a retry after a lost reply) is harmless.
        status, reply = post_json(
            learner, a.port, f"{base}/answer/", {"position": 1, "choice": [letter], "time_ms": 900}
        )
        assert status == 200 and reply["chosen"] == [letter] and reply["time_ms"] == 900

        # Submitted on A: B refuses a later answer and sends the page to the report.
        status, url, _page = learner.request(a.port, f"{base}/submit/", {})
        assert status == 200 and url.endswith(f"{base}/report/")
        status, reply = post_json(learner, b.port, f"{base}/answer/", {"position": 2, "choice": [letter], "time_ms": 1})
        assert status == 409 and reply["report"] == f"{base}/report/"
        _status, url, _page = learner.request(b.port, f"{base}/")
        assert url.endswith(f"{base}/report/")
