"""The error pages: the site's layout, in the visitor's language.

Django's own 400 and 500 views render their template without the request
(no user, no language) and its CSRF failure page is a bare one of its own;
these render ``<status>.html`` with the request, so an error page has the
same header, navigation and language as the page the visitor came from.
A 400 raised before LocaleMiddleware ran (a form that cannot be decoded,
a NUL in the path) is answered in the language the request asks for."""

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.utils import translation


def _render(request, status: int, context: dict | None = None):
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        return render(request, f"{status}.html", context or {}, status=status)


def bad_request(request, exception):
    # Our own BadRequest messages are written for the visitor (and
    # translated); Django's SuspiciousOperation messages are not shown.
    reason = str(exception) if type(exception) is BadRequest else ""
    return _render(request, 400, {"reason": reason})


def permission_denied(request, exception):
    return _render(request, 403)


def page_not_found(request, exception):
    return _render(request, 404)


def csrf_failure(request, reason=""):
    return _render(request, 403, {"csrf": True})


class NotAllowedPageMiddleware:
    """A 405 (a GET to a form's address, from a bookmark or a typed URL)
    gets the 405 page; the method decorators answer it with an empty body.
    And a number too large for the database is a 404 (process_exception)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            page = _render(request, 405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response

    def process_exception(self, request, exception):
        """A number too large for the database (a page or an id in a query
        string: ``?page=99999999999999999999``) is nothing that exists: 404,
        not the 500 of SQLite's and psycopg's overflow errors. Paths are
        bounded by the ``<id:...>`` converter before they get here."""
        if isinstance(exception, OverflowError) or _is_out_of_range(exception):
            return _render(request, 404)
        return None


def _is_out_of_range(exception) -> bool:
    # psycopg: "integer out of range" / numeric value out of range (SQLSTATE 22003).
    return getattr(getattr(exception, "__cause__", None), "sqlstate", None) == "22003"
