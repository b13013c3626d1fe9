"""Requests that carry characters no database can store are refused with 400.

PostgreSQL cannot store NUL (U+0000) in text: a ``%00`` in a note's URL, in
a filter of the note list or in a form field reached the database and
answered 500 there (SQLite stored it). Nor can any UTF-8 database store an
unpaired surrogate (Django's decoding of requests leaves none today; this
keeps it so). No page or form of the app has a use for either, so they are
refused before any view, session or login code sees them, wherever they
stand: the path, the query string, a posted form field, a cookie or a header.
"""

import re

from django.core.exceptions import BadRequest

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class RejectUnstorableCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(UNSTORABLE.search(text) for text in _texts(request)):
            # Raised, not returned: Django's 400 handler answers, no view runs.
            raise BadRequest("the request contains a character that cannot be stored (NUL or a lone surrogate)")
        return self.get_response(request)


def _texts(request):
    yield request.path_info
    yield request.META.get("QUERY_STRING", "")
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            yield value
    yield from request.COOKIES.keys()
    yield from request.COOKIES.values()
    forms = [request.GET]
    if request.method == "POST":
        # Form fields, as a view will read them; CsrfViewMiddleware parses a
        # POST's body anyway.
        forms.append(request.POST)
    for form in forms:
        for key, values in form.lists():
            yield key
            yield from (value for value in values if isinstance(value, str))
