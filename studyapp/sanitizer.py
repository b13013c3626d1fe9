"""The one place where user Markdown becomes HTML.

Python-Markdown does not sanitize (``<script>``, ``onerror=`` and
``javascript:`` links pass straight through), so its output always goes
through nh3 with an allow-list. Nothing else in studyapp may call mark_safe."""

import hashlib
import re
import threading
from pathlib import Path

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

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
EXTENSIONS = ["tables", "fenced_code", "sane_lists", "nl2br", ObsidianLists()]


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
    return _CLEANER.clean(html)


# What stored HTML was rendered with: this module's code and the versions of
# the two libraries. HTML kept from an earlier renderer (studyapp.notes.rendering)
# is rendered again, so a change here reaches every stored card.
RENDERER = hashlib.sha256(
    Path(__file__).read_bytes() + f"|{markdown.__version__}|{nh3.__version__}".encode()
).hexdigest()[:16]


def stored_html(html: str) -> SafeString:
    """HTML this module rendered earlier and the database kept: cleaned
    again on the way out (idempotent, about 5 µs), so that only what the
    sanitizer let through is ever marked safe, wherever it was kept."""
    return mark_safe(clean_html(html))  # noqa: S308 - sanitized just above


_local = threading.local()


def _to_html(text: str) -> str:
    """Python-Markdown with our extensions. Building a Markdown object costs
    more than converting a card, so each thread keeps one and resets it."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return md.reset().convert(text or "")


def render_markdown(text: str) -> SafeString:
    html = _to_html(text)
    return mark_safe(clean_html(html))  # noqa: S308 - sanitized just above


def _marked(text: str, terms: list[str]) -> str:
    """Wrap each term (trigger words) in <mark>; the result still goes through
    Markdown and the sanitizer like any other note text."""
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True) if t), re.I)
    return pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", text)


def render_highlighted(text: str, terms: list[str], *, inline: bool = False) -> SafeString:
    marked = _marked(text or "", terms)
    return render_inline(marked) if inline else render_markdown(marked)


def render_inline(text: str) -> SafeString:
    """Markdown for a single line (a table cell, an option): no wrapping <p>."""
    html = _to_html(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(clean_html(html))  # noqa: S308 - sanitized just above
