"""The one place where user Markdown becomes HTML.

Python-Markdown does not sanitize (``<script>``, ``onerror=`` and
``javascript:`` links pass straight through), so its output always goes
through nh3 with an allow-list. Nothing else in studyapp may call mark_safe."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

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
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
    )


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return mark_safe(clean_html(html))  # noqa: S308 - sanitized just above


def render_inline(text: str) -> SafeString:
    """Markdown for a single line (a table cell, an option): no wrapping <p>."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html").strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(clean_html(html))  # noqa: S308 - sanitized just above
