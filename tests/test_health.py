"""GET /health/ for load balancers: no login, no host check, no TLS
redirect; 200 when the database (and Redis, when configured) answer, 503
naming what does not; GET and HEAD only."""

import pytest
from django.test import override_settings

from studyapp import health
from tests.support.services import REDIS_HOST, REDIS_PORT, require

pytestmark = pytest.mark.django_db


def test_an_anonymous_request_learns_that_all_is_well(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert client.head("/health/").status_code == 200


def test_it_answers_by_address_over_plain_http(client):
    # A load balancer asks by the server's address, without TLS: no 400 for
    # the host, no redirect to https.
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["studyapp.example.com"]):
        response = client.get("/health/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


def test_only_get_and_head(client):
    assert client.post("/health/").status_code == 405


def test_a_database_that_does_not_answer_is_a_503(client, monkeypatch):
    def broken():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}


def redis_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{REDIS_HOST}:{port}/0",
        }
    }


def test_a_redis_that_does_not_answer_is_a_503(client):
    # Port 1: nothing listens there.
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0", CACHES=redis_cache(1)):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_with_redis_configured_it_is_checked_too(client):
    require(redis=True)
    with override_settings(REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/0", CACHES=redis_cache(REDIS_PORT)):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
