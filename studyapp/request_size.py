"""A request body larger than its view accepts is refused with 413 before a
byte of it is read.

Django reads a POST's whole body the first time anything looks at
``request.POST`` (the middleware that refuses unstorable characters, the
CSRF check), spooling file parts to disk: a client declaring 2 GB kept a
worker busy reading for as long as it cared to send. This middleware runs
before all of those and compares the declared ``Content-Length`` with the
limit of the view the path resolves to: ``@body_limit(n)`` on the view, or
``settings.REQUEST_BODY_MAX_BYTES`` for every other view (forms without
files: Django's own cap on form data, plus the multipart framing).

A body sent in chunks declares no length, and Django reads none of it (it
trusts only ``Content-Length``). ``measured_body`` (around the WSGI
application, see ``wsgi.py``) reads such a body, in chunks, up to its view's
limit; beyond it the request is answered 413 at once, below it
the body is handed on with its length, for this middleware to judge."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

# Kept in memory up to this size while a chunked body is measured, then on disk.
_SPOOL_IN_MEMORY = 1_000_000
_READ_CHUNK = 64 * 1024


def body_limit(max_bytes: int):
    """Let a view accept bodies up to ``max_bytes`` (the default is
    ``settings.REQUEST_BODY_MAX_BYTES``)."""

    def decorate(view):
        view.max_body_bytes = max_bytes
        return view

    return decorate


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = _declared_length(request.META)
        if declared:  # most requests have no body: no need to resolve their path here
            limit = limit_of(request.path_info)
            if declared > limit:
                return too_large_response(request, declared, limit)
        return self.get_response(request)


def _declared_length(meta) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body it cannot measure


def limit_of(path: str) -> int:
    """The most the view at ``path`` accepts."""
    try:
        view = resolve(path).func
    except Resolver404:
        return settings.REQUEST_BODY_MAX_BYTES
    return getattr(view, "max_body_bytes", settings.REQUEST_BODY_MAX_BYTES)


def too_large_response(request, size: int, limit: int) -> HttpResponse:
    # Before the locale middleware: the browser's language, as it would choose.
    with translation.override(translation.get_language_from_request(request)):
        text = _("The request is %(size).1f MB; this page accepts at most %(limit).1f MB.") % {
            "size": size / 1_000_000,
            "limit": limit / 1_000_000,
        }
    response = HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")
    # Answered before CommonMiddleware would measure it.
    response["Content-Length"] = str(len(response.content))
    # The unread body is still on the wire: the connection cannot carry another request.
    if may_close(request.META):
        response["Connection"] = "close"
    return response


def may_close(environ) -> bool:
    """Whether the server takes "Connection: close" from the application:
    gunicorn does; wsgiref (runserver, ``make run``) forbids hop-by-hop
    headers outright (PEP 3333) and answers 500 to one."""
    return not str(environ.get("SERVER_SOFTWARE", "")).startswith("WSGIServer")


def measured_body(application):
    """WSGI: give a chunked body (no Content-Length) its length, reading at
    most its view's limit plus one byte; a longer one is answered 413."""

    def wrapped(environ, start_response):
        if environ.get("CONTENT_LENGTH") or "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return application(environ, start_response)
        limit = limit_of(environ.get("PATH_INFO", "/"))
        # Closed once the application has answered: Django has read the body by then.
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as spool:
            size = _copy_at_most(environ["wsgi.input"], spool, limit + 1)
            if size > limit:
                text = _("The request is larger than %(limit).1f MB, the most this page accepts.") % {
                    "limit": limit / 1_000_000
                }
                body = text.encode("utf-8")
                headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
                closing = [("Connection", "close")] if may_close(environ) else []
                start_response("413 Content Too Large", [*headers, *closing])
                return [body]
            spool.seek(0)
            return application({**environ, "CONTENT_LENGTH": str(size), "wsgi.input": spool}, start_response)

    return wrapped


def _copy_at_most(source, target, most: int) -> int:
    size = 0
    while size < most:
        chunk = source.read(min(_READ_CHUNK, most - size))
        if not chunk:
            break
        target.write(chunk)
        size += len(chunk)
    return size
