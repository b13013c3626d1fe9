"""A health check for load balancers: GET /health/ says whether this app
server can reach its database and, when one is configured, Redis.

Answered by a middleware placed first, before the host check, the TLS
redirect, sessions and login: a load balancer asks by address, over plain
HTTP, without a cookie, and must get the same answer whatever the app would
do with the request. It says nothing about the data (no counts, no
versions): only "ok" or the name of what failed, so it can be public."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse

PATH = "/health/"
logger = logging.getLogger(__name__)


def health_status() -> dict[str, str]:
    """ "ok" or "unavailable" for the database and (when configured) Redis."""
    status = {"database": _check(_database)}
    if getattr(settings, "REDIS_URL", None):
        status["redis"] = _check(_redis)
    return status


def _check(probe) -> str:
    try:
        probe()
    except Exception:  # noqa: BLE001 - any failure means "unavailable"; the log says which
        logger.exception("health check: %s failed", probe.__name__.strip("_"))
        return "unavailable"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> None:
    # The cache's own client: the same connection settings the sessions use.
    cache._cache.get_client(write=True).ping()


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        status = health_status()
        healthy = all(value == "ok" for value in status.values())
        response = JsonResponse(
            {"status": "ok" if healthy else "unavailable", **status}, status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
