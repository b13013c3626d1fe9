"""Background tasks on Redis (REDIS_URL): django-tasks' RQ backend
(django-tasks-rq) with the versions pinned in requirements.txt. A task is
enqueued by one process and run by RQ's worker in another, its result read
back; a recurring task is seen as pending, in the queue or scheduled, so
that study_tasks_start does not enqueue it twice.

Needs Redis on this machine: mandatory under CI=true, skipped elsewhere
when it does not answer."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.services import REDIS_HOST, REDIS_PORT, require

ROOT = Path(__file__).resolve().parent.parent
# A Redis database of its own, and names of this run's own.
REDIS_DB = 9

ENQUEUE = """
from studyapp.notes.tasks import render_cards
from studyapp.study.tasks import RECURRING, plan_study_days, recurring_tasks_start, _pending
result = render_cards.enqueue()
print("RESULT", result.id)
print("PENDING_BEFORE", _pending(plan_study_days))
print("STARTED", ",".join(recurring_tasks_start()))
print("PENDING_AFTER", all(_pending(task) for task in RECURRING))
print("STARTED_AGAIN", ",".join(recurring_tasks_start()) or "-")
"""

RESULT = """
from django_tasks import default_task_backend
result = default_task_backend.get_result({id!r})
print("STATUS", result.status, "VALUE", result.return_value)
"""


def run(env, *args, stdin=None) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def lines(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        key, _, value = line.partition(" ")
        found[key] = value
    return found


@pytest.fixture
def redis_env(tmp_path):
    require(redis=True)
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    client.flushdb()
    env = {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "CACHE_KEY_PREFIX": f"tasks-{secrets.token_hex(4)}",
        "TASKS_BACKEND": "rq",
    }
    run(env, "migrate", "--noinput", "-v0")
    yield env
    client.flushdb()


def test_a_task_enqueued_on_redis_runs_in_rqs_worker(redis_env):
    enqueued = lines(run(redis_env, "shell", stdin=ENQUEUE))
    assert enqueued["PENDING_BEFORE"] == "False"
    assert set(enqueued["STARTED"].split(",")) == {"plan_study_days", "fit_memory_models"}
    assert enqueued["PENDING_AFTER"] == "True"
    assert enqueued["STARTED_AGAIN"] == "-"  # pending already: not enqueued twice

    # RQ's worker, as production runs it, until the queue is empty.
    run(redis_env, "rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default")
    result = lines(run(redis_env, "shell", stdin=RESULT.format(id=enqueued["RESULT"])))
    assert result["STATUS"].startswith("SUCCESSFUL"), result
    assert result["STATUS"].endswith("VALUE 0")  # no card in this database needed rendering
