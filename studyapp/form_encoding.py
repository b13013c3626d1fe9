"""A posted form that cannot be decoded as UTF-8 answers 400, on every URL.

Django refuses a urlencoded form in any charset but UTF-8 (BadRequest), but
only when the form is first read, and it keeps no note of the refusal: the
CSRF check of the 400 page read the form again and failed again, so did the
500 page's, and the client holding a CSRF cookie got a 500. A charset Django
does not know (``x-unknown``) it ignores and decodes as UTF-8, and bytes that
are not UTF-8 it replaces with U+FFFD, so a field can reach a view as
something the client never typed.

Every page and form of the app is UTF-8, so one rule, before any code reads
the form: a request with a body that declares any other charset, or a
urlencoded form whose bytes are not UTF-8, is refused; the form is emptied
first, so that nothing after (the error page's CSRF check) reads the body
again. A multipart form's files are bytes and are not checked here; its text
fields Django decodes as UTF-8 with replacement.
"""

import codecs
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

BODYLESS_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
URLENCODED = "application/x-www-form-urlencoded"


class RejectUndecodableFormsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in BODYLESS_METHODS:
            try:
                problem = _undecodable(request)
            except RequestDataTooBig:
                _empty_form(request)
                raise
            if problem:
                _empty_form(request)
                # Raised, not returned: Django's 400 handler answers, no view runs.
                raise BadRequest(problem)
        return self.get_response(request)


def _empty_form(request) -> None:
    request._post, request._files = QueryDict(), MultiValueDict()


def _undecodable(request):
    charset = request.content_params.get("charset")
    if charset is not None and not _is_utf8(charset):
        return _("The form was sent in a character set other than UTF-8; send it again from the page.")
    if request.content_type == URLENCODED:
        # request.body is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (Django
        # refuses a longer one), and the view would read all of it anyway.
        try:
            unquote_to_bytes(request.body).decode("utf-8")
        except UnicodeDecodeError:
            return _("The form holds bytes that are not UTF-8 text; send it again from the page.")
    return None


def _is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except (LookupError, ValueError):
        return False
