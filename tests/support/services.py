"""The servers some tests need besides the suite's own database: a
PostgreSQL server and Redis, on this machine. Under CI=true they must answer
(.ci/run starts them); elsewhere a test that needs one that does not answer
is skipped, saying which."""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def postgres_server_url() -> str:
    """A URL of the PostgreSQL server, on its maintenance database (for
    creating a database of one's own)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        url = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
        return url
    return POSTGRES_SERVER


def _postgres_answers(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"PostgreSQL does not answer at {url}: {exc}"


def _redis_answers() -> str | None:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return None
            return f"Redis at {REDIS_HOST}:{REDIS_PORT} did not answer PING"
    except OSError as exc:
        return f"Redis does not answer at {REDIS_HOST}:{REDIS_PORT}: {exc}"


def require(*, postgres: bool = False, redis: bool = False) -> None:
    """Skip (fail under CI=true) unless the servers asked for answer."""
    problems = []
    if postgres:
        problems.append(_postgres_answers(postgres_server_url()))
    if redis:
        problems.append(_redis_answers())
    problems = [p for p in problems if p]
    if not problems:
        return
    message = "; ".join(problems)
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires it: {message} (.ci/run starts both)")
    pytest.skip(message)
