"""A request body larger than its view accepts is answered 413 before it is
read: on the test client (the body is never touched), and on gunicorn as in
production, by a raw socket client that declares 2 GB and sends a kilobyte,
or sends a chunked body without a length and never ends it. Either would
get no answer at all if the server read the body first."""

from __future__ import annotations

import io
import os
import secrets
import socket
import subprocess
import sys

import pytest
from django.test.client import FakePayload
from django.urls import reverse

from bench.common import ROOT
from bench.database import production_env
from bench.servers import HOST, gunicorn
from studyapp.authoring.models import UploadJob
from studyapp.authoring.upload_views import FORM_OVERHEAD
from studyapp.authoring.uploads import MAX_UPLOAD_BYTES
from studyapp.request_size import measured_body

TWO_GB = 2_000_000_000
# A hang guard only: the assertions are about what was answered, not how fast.
ANSWER_TIMEOUT_S = 60


class Untouchable(FakePayload):
    """A body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
def test_a_declared_two_gigabyte_upload_is_refused_without_reading_it(client, ines):
    client.force_login(ines)
    response = client.generic(
        "POST",
        reverse("authoring_upload"),
        data=b"x",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(TWO_GB),
        **{"wsgi.input": Untouchable(b"")},
    )
    assert response.status_code == 413
    assert "at most 20.1 MB" in response.content.decode() and response["Connection"] == "close"
    assert not UploadJob.objects.exists()


@pytest.mark.django_db
def test_any_other_page_refuses_a_body_larger_than_a_form_unread(client):
    response = client.generic(
        "POST",
        reverse("login"),
        data=b"x",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH="3000000",
        **{"wsgi.input": Untouchable(b"")},
    )
    assert response.status_code == 413


@pytest.mark.django_db
def test_the_refusal_speaks_the_browsers_language(client):
    response = client.generic(
        "POST",
        reverse("login"),
        data=b"x",
        CONTENT_LENGTH=str(TWO_GB),
        headers={"Accept-Language": "ja"},
        **{"wsgi.input": Untouchable(b"")},
    )
    assert response.status_code == 413 and "最大" in response.content.decode()


def test_a_chunked_body_is_measured_up_to_its_views_limit(settings):
    """Under the limit the view gets the body and its length; over it, 413
    after reading no more than the limit and one byte."""
    seen = {}

    def app(environ, start_response):
        seen["length"] = environ["CONTENT_LENGTH"]
        seen["body"] = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return [b"ok"]

    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            data = super().read(size)
            self.read_bytes += len(data)
            return data

    settings.REQUEST_BODY_MAX_BYTES = 1000
    wrapped = measured_body(app)
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    environ = {
        "PATH_INFO": "/accounts/login/",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": Counting(b"a" * 1000),
    }
    assert wrapped(environ, start_response) == [b"ok"] and seen == {"length": "1000", "body": b"a" * 1000}
    body = Counting(b"a" * 100_000)
    environ = {"PATH_INFO": "/accounts/login/", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": body}
    wrapped(environ, start_response)
    assert statuses[-1].startswith("413") and body.read_bytes == 1001


# ---------------------------------------------------------------- on gunicorn, by a raw socket


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("request-size")
    env = production_env(f"sqlite:///{folder / 'db.sqlite3'}", secrets.token_urlsafe(50))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=300,
    )
    with gunicorn(env, folder, workers=1, name="request-size") as running:
        yield running


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    sock.settimeout(ANSWER_TIMEOUT_S)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return received


def test_gunicorn_answers_413_to_a_declared_two_gigabytes_having_received_one_kilobyte(server):
    with socket.create_connection((HOST, server.port)) as sock:
        sock.sendall(
            b"POST /author/upload/ HTTP/1.1\r\n"
            + f"Host: {HOST}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=xyz\r\n"
            + f"Content-Length: {TWO_GB}\r\n\r\n".encode()
            + b"--xyz\r\n"
            + b"x" * 1000
        )
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"\r\nConnection: close\r\n" in answer
    assert f"at most {(MAX_UPLOAD_BYTES + FORM_OVERHEAD) / 1e6:.1f} MB".encode() in answer


def test_gunicorn_cuts_an_endless_chunked_body_at_the_limit(server):
    """3 MB in chunks, never ended, to a page that takes forms of 2.6 MB."""
    with socket.create_connection((HOST, server.port)) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\n"
            + f"Host: {HOST}\r\n".encode()
            + b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"a" * 65536
        try:
            for _ in range(3_000_000 // len(chunk) + 1):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: what it answered is below
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_runserver_gets_its_413_without_a_hop_by_hop_header(db):
    """wsgiref (``make run``) refuses "Connection: close" from an application
    with a 500; the 413 it gets carries none."""
    import io
    from wsgiref.util import is_hop_by_hop

    from studyapp.wsgi import application

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("authoring_upload"),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "WSGIServer/0.2 CPython/3.11",
        "CONTENT_TYPE": "multipart/form-data; boundary=b",
        "CONTENT_LENGTH": str(TWO_GB),
        "HTTP_HOST": "localhost",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    b"".join(application(environ, start_response))
    assert seen["status"].startswith("413")
    assert [name for name, _ in seen["headers"] if is_hop_by_hop(name)] == []
