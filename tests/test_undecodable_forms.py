"""A POST whose form cannot be decoded as UTF-8 answers 400 on every URL of
the project, from a client holding a CSRF cookie (before: a 500 on every
one, as the error page's own CSRF check read the form again).

The URLs are enumerated from the resolver, so a URL added later is covered
without touching this file."""

import pytest
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils.regex_helper import normalize

pytestmark = pytest.mark.django_db

# Values tried for each kind of URL argument, until the URL resolves to its own view.
SAMPLES = ["1", "TST-1", "auth", "user", "x", "00000000-0000-0000-0000-000000000001"]

URLENCODED = "application/x-www-form-urlencoded"
BODIES = {
    "utf-16 form": (f"{URLENCODED}; charset=utf-16", "kind=wrong&text=é".encode("utf-16")),
    "ascii bytes form": (f"{URLENCODED}; charset=utf-16", b"kind=wrong&text=x"),
    "unknown charset": (f"{URLENCODED}; charset=x-unknown", b"kind=wrong&text=x"),
    "latin-1 form": (f"{URLENCODED}; charset=iso-8859-1", "text=é".encode("latin-1")),
    "bytes not utf-8": (URLENCODED, b"kind=wrong&text=%ff%fe"),
    "raw bytes not utf-8": (URLENCODED, b"kind=wrong&text=\xe9t\xe9"),
    "multipart in utf-16": (
        "multipart/form-data; boundary=xx; charset=utf-16",
        b'--xx\r\nContent-Disposition: form-data; name="text"\r\n\r\nx\r\n--xx--\r\n',
    ),
}


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + pattern.pattern.regex.pattern.lstrip("^"))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + pattern.pattern.regex.pattern.lstrip("^"), pattern


def _url_for(regex: str, pattern: URLPattern) -> str:
    """A concrete URL that the resolver sends to this very pattern's view."""
    for template, params in normalize(regex):
        for sample in SAMPLES:
            path = "/" + template % {name: sample for name in params}
            try:
                match = resolve(path)
            except Resolver404:
                match = None
            if match is not None and match.func == pattern.callback:
                return path
    raise AssertionError(f"no sample URL resolves to {regex!r}: add a sample value to SAMPLES")


def every_url():
    return sorted({_url_for(regex, pattern) for regex, pattern in _patterns(get_resolver().url_patterns)})


def test_the_enumeration_finds_the_apps_post_urls():
    urls = every_url()
    for url in ["/study/answer/1/", "/accounts/login/", "/author/notes/1/publish/", "/teams/1/leave/"]:
        assert url in urls
    assert any(url.startswith("/admin/") for url in urls)
    assert len(urls) > 100


@pytest.fixture
def client_with_csrf_cookie(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/accounts/settings/")
    token = client.cookies["csrftoken"].value
    return client, token


@pytest.mark.parametrize("body", BODIES)
def test_every_url_answers_400_to_an_undecodable_form(client_with_csrf_cookie, body):
    client, token = client_with_csrf_cookie
    content_type, data = BODIES[body]
    answers = {}
    for url in every_url():
        response = client.generic("POST", url, data, content_type=content_type, HTTP_X_CSRFTOKEN=token)
        answers[url] = response.status_code
    assert {url: status for url, status in answers.items() if status != 400} == {}


def test_the_400_page_says_why_in_the_visitors_language(client_with_csrf_cookie):
    client, token = client_with_csrf_cookie
    content_type, data = BODIES["utf-16 form"]
    response = client.generic(
        "POST", "/accounts/login/", data, content_type=content_type, HTTP_X_CSRFTOKEN=token, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="ja">' in body and 'class="topbar"' in body
    assert "UTF-8" in body


def test_a_form_in_utf8_still_passes(client_with_csrf_cookie):
    client, token = client_with_csrf_cookie
    response = client.generic(
        "POST",
        "/accounts/language/",
        b"language=ja&next=/study/",
        content_type=f"{URLENCODED}; charset=UTF-8",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302


def test_a_refused_form_changes_nothing(client_with_csrf_cookie, alice):
    client, token = client_with_csrf_cookie
    content_type, data = BODIES["latin-1 form"]
    data = b"language=ja&next=/study/&text=\xe9"
    response = client.generic("POST", "/accounts/language/", data, content_type=content_type, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    alice.profile.refresh_from_db()
    assert alice.profile.language != "ja"
