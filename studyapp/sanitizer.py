"""The one place where user Markdown becomes HTML.

Python-Markdown does not sanitize (``<script>``, ``onerror=`` and
``javascript:`` links pass straight through), so its output always goes
through nh3 with an allow-list. Nothing else in studyapp may call mark_safe.

Nor does it bound its work: Markdown from a hostile note goes through
studyapp/markdown_bounds.py, which keeps rendering linear in the text's size."""

import functools
import hashlib
import logging
import re
import threading
from pathlib import Path

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from studyapp import markdown_bounds

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan"}, "th": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
_LIST_ITEM = re.compile(r"^(?P<quote>(?:>\s?)*)\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
_QUOTE = re.compile(r"^(?:>\s?)*")


class _ListAfterParagraph(Preprocessor):
    """Notes are written the way Obsidian reads them: a list may start right
    under a paragraph line. Python-Markdown wants a blank line there."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            item = _LIST_ITEM.match(line)
            if item and out and out[-1].strip(" >") and not _LIST_ITEM.match(out[-1]):
                previous = out[-1]
                is_table = previous.lstrip(" >").startswith("|")
                is_heading = previous.lstrip(" >").startswith("#")
                if not (is_table or is_heading) and not previous.startswith((" ", "\t")):
                    out.append(_QUOTE.match(line).group(0).rstrip())
            out.append(line)
        return out


class ObsidianLists(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(_ListAfterParagraph(md), "list_after_paragraph", 25)


# nl2br: a single newline is a line break, as in Obsidian (exam shortcuts are
# written one per line).
# BoundedMarkdown replaces processors of the others, so it comes last.
EXTENSIONS = ["tables", "fenced_code", "sane_lists", "nl2br", ObsidianLists(), markdown_bounds.BoundedMarkdown()]


# The HTML parser behind nh3 takes time quadratic in the number of characters
# it must escape again ("&", no-break spaces) within one text node: 300,000
# "&" took 0.5 s, a million 6 s. An empty comment (which nh3 removes) every
# ESCAPES_PER_NODE such characters keeps each node short.
ESCAPES_PER_NODE = 256
_LONG_TEXT = re.compile(rf"(?:^|(?<=>))[^<>]{{{2 * ESCAPES_PER_NODE},}}")
# After an entity (Markdown writes every "&" as one) or a no-break space.
_ESCAPED = re.compile("&[#\\w]*;?|\xa0")


def _short_text_nodes(html: str) -> str:
    return _LONG_TEXT.sub(lambda m: _with_breaks(m.group()), html)


def _with_breaks(text: str) -> str:
    ends = [m.end() for m in _ESCAPED.finditer(text)][ESCAPES_PER_NODE - 1 :: ESCAPES_PER_NODE]
    if not ends:
        return text
    pieces, position = [], 0
    for end in ends:
        pieces += [text[position:end], "<!---->"]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# Built once: nh3.clean() converts the allow-lists on every call (25 µs a
# card); a Cleaner keeps them (5 µs).
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    clean_content_tags={"script", "style"},
)


def clean_html(html: str) -> str:
    return _CLEANER.clean(_short_text_nodes(html))


# What stored HTML was rendered with: this module's code, the bounds it
# renders within, and the versions of the two libraries. HTML kept from an
# earlier renderer (studyapp.notes.rendering) is rendered again, so a change
# here reaches every stored card.
RENDERER = hashlib.sha256(
    Path(__file__).read_bytes()
    + Path(markdown_bounds.__file__).read_bytes()
    + f"|{markdown.__version__}|{nh3.__version__}".encode()
).hexdigest()[:16]


def stored_html(html: str) -> SafeString:
    """HTML this module rendered earlier and the database kept: cleaned
    again on the way out (idempotent, about 5 µs), so that only what the
    sanitizer let through is ever marked safe, wherever it was kept."""
    return mark_safe(clean_html(html))  # noqa: S308 - sanitized just above


_local = threading.local()


def _html_parts(text: str) -> list[str]:
    """Python-Markdown with our extensions, a long text part by part. Each
    part is sanitized on its own too: nh3 holds a whole document in memory
    (some 190 MB for a megabyte of short paragraphs)."""
    prepared = markdown_bounds.prepare(text or "")
    return [_part_to_html(part) for part in markdown_bounds.split_parts(prepared)]


def _part_to_html(part: str) -> str:
    """Building a Markdown object costs more than converting a card, so each
    thread keeps one and resets it. One that raised is dropped: its parser
    state is left mid-document, and every later page in the thread rendered
    wrong (a RecursionError once left every paragraph unrendered)."""
    if len(part) > markdown_bounds.HARD_PART_CHARS:
        return markdown_bounds.plain_html(part)
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    try:
        return md.reset().convert(part)
    except Exception:  # noqa: BLE001 - any failure on hostile text shows the text, never a 500
        _local.md = None
        logger.warning("Markdown failed on a text of %d characters; shown as plain text", len(part), exc_info=True)
        return markdown_bounds.plain_html(part)


def render_markdown(text: str) -> SafeString:
    html = "\n".join(clean_html(part) for part in _html_parts(text))
    return mark_safe(html)  # noqa: S308 - sanitized just above


# A note has a handful of short trigger words. Matching tries every term at
# every position, so a hostile note's thousands of terms would make
# highlighting quadratic: only the longest MAX_MARKED_TERMS of at most
# MAX_MARKED_CHARS characters are highlighted.
MAX_MARKED_TERMS = 50
MAX_MARKED_CHARS = 200


def _marked(text: str, terms: list[str]) -> str:
    """Wrap each term (trigger words) in <mark>; the result still goes through
    Markdown and the sanitizer like any other note text."""
    usable = {t for t in terms if t and len(t) <= MAX_MARKED_CHARS}
    longest = sorted(usable, key=lambda t: (-len(t), t))[:MAX_MARKED_TERMS]
    pattern = _terms_pattern(tuple(longest))
    if pattern is None:
        return text
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", text)


@functools.lru_cache(maxsize=256)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(re.escape(t) for t in terms), re.I) if terms else None


def render_highlighted(text: str, terms: list[str], *, inline: bool = False) -> SafeString:
    marked = _marked(text or "", terms)
    return render_inline(marked) if inline else render_markdown(marked)


def render_inline(text: str) -> SafeString:
    """Markdown for a single line (a table cell, an option): no wrapping <p>."""
    parts = _html_parts(text)
    if len(parts) == 1:
        html = parts[0].strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            parts = [html[3:-4]]
    return mark_safe("\n".join(clean_html(part) for part in parts))  # noqa: S308 - sanitized just above
