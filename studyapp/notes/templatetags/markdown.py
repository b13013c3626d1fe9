from functools import lru_cache

from django import template
from django.utils.text import Truncator

from studyapp.sanitizer import render_highlighted, render_inline, render_markdown, stored_html

register = template.Library()

# A scenario question shows the same note texts at every showing. Rendering
# is a pure function of the text, so each process keeps the latest results
# (for speed only: nothing depends on what is kept). Long texts are not kept,
# so the memory this takes stays bounded.
MEMO_SIZE = 2048
MEMO_MAX_CHARS = 4000


def _memo(render):
    cached = lru_cache(maxsize=MEMO_SIZE)(render)

    def rendered(text, *args):
        text = text if isinstance(text, str) else str(text)
        if len(text) > MEMO_MAX_CHARS:
            return render(text, *args)
        return cached(text, *args)

    return rendered


_markdown = _memo(render_markdown)
_inline = _memo(render_inline)
_marked = _memo(lambda text, terms: render_highlighted(text, list(terms)))
_inline_marked = _memo(lambda text, terms: render_highlighted(text, list(terms), inline=True))
# Cut after rendering, not before: a cut source leaves "**bold" or "[a link" as
# raw Markdown; Truncator closes the tags it cuts through, and the sanitizer
# cleans the cut HTML again before it is marked safe.
_excerpt = _memo(lambda text, length: stored_html(Truncator(render_inline(text)).chars(length, html=True)))


@register.filter(name="markdown")
def markdown_filter(text):
    return _markdown(text or "")


@register.filter(name="markdown_inline")
def markdown_inline_filter(text):
    return _inline(text or "")


@register.filter(name="markdown_marked")
def markdown_marked_filter(text, terms):
    """Markdown with the given terms (a list) highlighted."""
    return _marked(text or "", tuple(terms or ()))


@register.filter(name="markdown_inline_marked")
def markdown_inline_marked_filter(text, terms):
    return _inline_marked(text or "", tuple(terms or ()))


@register.filter(name="markdown_excerpt")
def markdown_excerpt_filter(text, length=140):
    """The start of a Markdown text, rendered, about ``length`` characters of it
    (a list of cards shows each card's front this way)."""
    return _excerpt(text or "", int(length))
