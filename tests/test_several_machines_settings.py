"""Settings for several app servers, read strictly from the environment:
REDIS_URL moves the cache, the sessions and the tasks to Redis; without it
the embedded default stays; the database pool and PgBouncer are for
PostgreSQL only, and only one of them."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_deploy import production_env

READ = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'caches': settings.CACHES['default'], 'session': settings.SESSION_ENGINE, "
    "'tasks': settings.TASKS['default'], 'apps': settings.INSTALLED_APPS, "
    "'db': {k: v for k, v in settings.DATABASES['default'].items() if k in ('OPTIONS', 'CONN_MAX_AGE', "
    "'DISABLE_SERVER_SIDE_CURSORS')}}))"
)


# Whatever the suite runs with (its database, its task backend) is not what is tested here.
UNSET = ("DATABASE_URL", "TASKS_BACKEND", "REDIS_URL", "CACHE_KEY_PREFIX", "DATABASE_POOL", "DATABASE_BEHIND_PGBOUNCER")


def settings_with(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in production_env(DJANGO_SETTINGS_MODULE="studyapp.settings").items() if k not in UNSET}
    base.update(env)
    return subprocess.run([sys.executable, "-c", READ], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


def read(**env) -> dict:
    result = settings_with(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_redis_the_embedded_default_stays():
    values = read()
    assert values["caches"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["session"] == "studyapp.accounts.sessions.db"
    assert values["tasks"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_rq" not in values["apps"]


def test_with_redis_the_cache_sessions_and_tasks_move_there():
    values = read(REDIS_URL="redis://127.0.0.1:6379/3", CACHE_KEY_PREFIX="site-a")
    assert values["caches"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
        "KEY_PREFIX": "site-a",
    }
    assert values["session"] == "studyapp.accounts.sessions.cached_db"
    assert values["tasks"] == {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    assert "django_rq" in values["apps"]


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL must start with"),
        ({"TASKS_BACKEND": "rq"}, "TASKS_BACKEND=rq needs REDIS_URL"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be one of"),
        ({"DATABASE_POOL": "true"}, "for PostgreSQL only"),
        ({"DATABASE_POOL": "maybe"}, "DATABASE_POOL must be true or false"),
        (
            {"DATABASE_URL": "postgres://u@db/x", "DATABASE_POOL": "true", "DATABASE_BEHIND_PGBOUNCER": "true"},
            "choose one pool",
        ),
        ({"DATABASE_URL": "postgres://u@db/x", "DATABASE_POOL": "true", "DATABASE_POOL_MAX_SIZE": "0"}, "between"),
    ],
)
def test_a_wrong_value_stops_start_up(env, says):
    result = settings_with(**env)
    assert result.returncode != 0
    assert says in result.stderr


def test_the_pool_and_pgbouncer_settings_reach_django():
    pooled = read(DATABASE_URL="postgres://u@db/x", DATABASE_POOL="true", DATABASE_POOL_MAX_SIZE="8")
    assert pooled["db"]["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
    assert pooled["db"]["CONN_MAX_AGE"] == 0  # the pool keeps the connections, not Django
    bounced = read(DATABASE_URL="postgres://u@db/x", DATABASE_BEHIND_PGBOUNCER="true")
    assert bounced["db"]["DISABLE_SERVER_SIDE_CURSORS"] is True
