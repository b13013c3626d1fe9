"""A benchmark's own PostgreSQL database, and Django set up on it with
production settings. Each benchmark names its database (dropped at the end),
so that benchmarks and the tests of parallel work never share one."""

from __future__ import annotations

import os
import urllib.parse

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"


def recreate_database(server_url: str, name: str) -> str:
    """Drop and create ``name`` on the server; returns its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def production_env(database_url: str, secret_key: str) -> dict[str, str]:
    """Production settings, minus what needs TLS in front (none on loopback)."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "STATIC_MANIFEST": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }


def django_setup(env: dict[str, str]) -> None:
    """Set Django up in this process on the bench database, and migrate it.

    The test client used to count queries sends Host: testserver."""
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = f"{env['ALLOWED_HOSTS']},testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "studyapp.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
