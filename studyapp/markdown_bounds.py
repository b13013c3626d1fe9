"""Keep Python-Markdown's work linear in the size of the text it renders.

Notes come from untrusted files, and Python-Markdown is quadratic or worse on
some shapes of input: a note page of 100 KB of ``[`` timed out, and 10 KB
took 8.5 s (each ``[`` scans for its ``]`` to the end of the paragraph,
three times over),
``<a<a<a`` makes its HTML parser rescan the rest of the text from every
``<``, a deeply nested quote or list recurses once per level (and past
Python's recursion limit, the exception left the cached Markdown object
broken for every later page), and its block parser and tree walker pop from
the front of Python lists. The sanitizer therefore renders through this
module, which:

* splits a long text into parts of at most PART_CHARS at top-level paragraph
  boundaries and renders each on its own (cutting at any blank line outside
  a code fence if a part has no such boundary), and shows a part that still
  exceeds HARD_PART_CHARS (one block without a blank line) as plain text;
* hides from Python-Markdown each ``<`` that cannot start a tag (none before
  the next ``>`` within TAG_CHARS), turning it back into ``&lt;`` afterwards,
  which is what Python-Markdown would have written for it; the same for an
  HTML tag that would open more than MAX_HTML_NESTING elements at once (the
  HTML parser behind nh3 takes time quadratic in how deep elements nest);
* keeps at most MAX_NESTING quote and list markers at the start of a line;
* matches link brackets and parentheses with bounded nesting (MAX_BRACKETS,
  MAX_PARENS) and reads a link title over at most MAX_TITLE_EVENTS quotes
  and parentheses;
* makes the table extension's test look at a block's first two lines only.

None of this changes what a note of ordinary size and shape renders to: the
notes shipped with the app and the sanitizer's tests render byte for byte as
before. docs/note-format.md lists the limits.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from markdown import inlinepatterns
from markdown.extensions import Extension
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

PART_CHARS = 16_000
HARD_PART_CHARS = 32_000
TAG_CHARS = 2_000
MAX_NESTING = 12
MAX_BRACKETS = 16
MAX_PARENS = 16
MAX_TITLE_EVENTS = 32
MAX_HTML_NESTING = 32

# Python-Markdown uses STX and ETX for its placeholders; the other C0
# controls have no business in Markdown either (notes cannot hold them), nor
# have C1 controls, on which nh3 is quadratic (200,000 took 0.7 s).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]")
# Stands in for a "<" that cannot start a tag, until the HTML is written.
LESS_THAN = "\x0e"
_TAG_LIKE = re.compile(r"""<(?:[^<>"']++|"[^"]*+"|'[^']*+')*+>""")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_LIST_OR_QUOTE = re.compile(r"[ ]{0,3}(?:>[ ]?|(?:[-*+]|\d{1,9}[.)])[ \t]+)")


def prepare(text: str) -> str:
    """The text with control characters removed and every "<" that cannot
    start a tag, or would open an element nested too deep, replaced by
    LESS_THAN."""
    text = _CONTROLS.sub("", text)
    if "<" not in text:
        return text
    pieces = []
    open_elements: list[str] = []
    position = 0
    while (start := text.find("<", position)) >= 0:
        tag = _TAG_LIKE.match(text, start, start + TAG_CHARS)
        if tag and _nests(text, tag, open_elements):
            pieces.append(text[position : start + 1])
        else:
            pieces.append(text[position:start] + LESS_THAN)
        position = start + 1
    pieces.append(text[position:])
    return "".join(pieces)


def _nests(text: str, tag: re.Match, open_elements: list[str]) -> bool:
    """Follow the elements raw tags leave open; False for a tag that would
    open one more than MAX_HTML_NESTING."""
    named = _TAG_NAME.match(text, tag.start())
    if not named:
        return True  # a comment, a declaration, an autolink
    name = named.group(2).lower()
    if named.group(1):
        if name in open_elements:
            del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name) :]
        return True
    if name in _VOID or text[tag.end() - 2] == "/":
        return True
    if len(open_elements) >= MAX_HTML_NESTING:
        return False
    open_elements.append(name)
    return True


def finish(html_text: str) -> str:
    return html_text.replace(LESS_THAN, "&lt;")


def plain_html(text: str) -> str:
    """A part too large to render as Markdown, as escaped text."""
    escaped = html.escape(text.replace(LESS_THAN, "<"), quote=False)
    return "<p>" + escaped.replace("\n", "<br>\n") + "</p>"


def split_parts(text: str) -> list[str]:
    """The text cut into parts of at most PART_CHARS where it can be: first
    before a line that starts a paragraph of its own at the top level (after
    a blank line, at column 0, not a list item, quote, indented or HTML line,
    outside a code fence), so that each part renders as it would have in the
    whole; where a part has no such place, at any blank line outside a fence."""
    if len(text) <= PART_CHARS:
        return [text]
    parts = []
    for part in _cut(text.split("\n"), _independent):
        parts.extend(_cut(part.split("\n"), _after_blank) if len(part) > PART_CHARS else [part])
    return parts


def _independent(lines: list[str], i: int) -> bool:
    line = lines[i]
    return (
        not lines[i - 1].strip()
        and bool(line)
        and not line[0].isspace()
        and line[0] not in ">-*+<|"
        and not line[0].isdigit()
    )


def _after_blank(lines: list[str], i: int) -> bool:
    return not lines[i - 1].strip() and bool(lines[i].strip())


def _cut(lines: list[str], can_cut) -> list[str]:
    """Cut before lines where ``can_cut`` says so: at the last such line
    once a part would grow past PART_CHARS. Never inside a code fence."""
    fences = _fences(lines)
    parts: list[str] = []
    start, size, cut = 0, 0, None
    for i, line in enumerate(lines):
        if i > start and not fences[i] and can_cut(lines, i):
            cut = i
        if cut is not None and size + len(line) + 1 > PART_CHARS:
            parts.append("\n".join(lines[start:cut]))
            size -= sum(len(x) + 1 for x in lines[start:cut])
            start, cut = cut, None
        size += len(line) + 1
    parts.append("\n".join(lines[start:]))
    return parts


def _fences(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside a ``` or ~~~ fence (the closing
    line included). As in Python-Markdown, a fence that never closes is not one."""
    closing: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line[:3] in ("```", "~~~"):
            closing.setdefault(line.rstrip(" "), []).append(i)
    inside = [False] * len(lines)
    i = 0
    while i < len(lines):
        opened = _FENCE.match(lines[i])
        if opened:
            candidates = closing.get(opened.group(1), [])
            end = bisect_right(candidates, i)
            if end < len(candidates):
                close = candidates[end]
                inside[i + 1 : close + 1] = [True] * (close - i)
                i = close + 1
                continue
        i += 1
    return inside


class _Nesting(Preprocessor):
    """At most MAX_NESTING quote and list markers at the start of a line:
    Python-Markdown recurses once per level, and re-reads the text below a
    level once per level. Deeper markers are dropped; the text stays."""

    def run(self, lines: list[str]) -> list[str]:
        return [_clamped(line) if len(line) > MAX_NESTING else line for line in lines]


def _clamped(line: str) -> str:
    position = count = 0
    kept = None
    while match := _LIST_OR_QUOTE.match(line, position):
        position = match.end()
        count += 1
        if count == MAX_NESTING:
            kept = position
    return line if kept is None or kept == position else line[:kept] + line[position:]


class _Finish(Postprocessor):
    def run(self, text: str) -> str:
        return finish(text)


_BRACKET_TEXT = r"[^\[\]]*+"
for _ in range(MAX_BRACKETS - 1):
    _BRACKET_TEXT = rf"(?:[^\[\]]++|\[{_BRACKET_TEXT}\])*+"
# The text of a link up to its closing bracket, with brackets nested at most
# MAX_BRACKETS deep; possessive, so a failed match never backtracks.
_LINK_TEXT = re.compile(rf"({_BRACKET_TEXT})\]")
_PAREN_TEXT = r"[^()'\"]*+"
for _ in range(MAX_PARENS - 1):
    _PAREN_TEXT = rf"(?:[^()'\"]++|\({_PAREN_TEXT}\))*+"
_LINK_TARGET = re.compile(_PAREN_TEXT)
_PAREN_EVENT = re.compile(r"""[()'"]""")


class _BoundedLinks:
    """getText and getLink of Python-Markdown's link processors, with the
    same results for links nested at most MAX_BRACKETS / MAX_PARENS deep, in
    time linear in the text: theirs walk the rest of the paragraph character
    by character from every ``[`` (and every ``](``) that does not close."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 - Python-Markdown's name
        match = _LINK_TEXT.match(data, index)
        if match is None:
            return "", index, False
        return match.group(1), match.end(), True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        match = self.RE_LINK.match(data, pos=index)
        if match is None or match.group(1):
            return super().getLink(data, index)  # not a link, or the short <url> form
        start = match.end()
        # Balanced parentheses without quotes: read at C speed.
        balanced = _LINK_TARGET.match(data, start).end()
        if data[balanced : balanced + 1] == ")":
            return self.unescape(data[start:balanced]).strip(), None, balanced + 1, True
        return self._link_with_title(data, start, balanced)

    def _link_with_title(self, data: str, start: int, resume: int) -> tuple[str, str | None, int, bool]:
        """The rest of Python-Markdown's LinkInlineProcessor.getLink loop,
        from ``resume`` (all before it balanced, outside quotes), visiting
        only parentheses and quotes."""
        bracket_count = backtrack_count = 1
        last_bracket = -1
        quote = alt_quote = None
        start_quote = exit_quote = start_alt_quote = exit_alt_quote = -1
        ignore_matches = False
        href, title, handled = "", None, False
        events = 0
        index = len(data)
        for event in _PAREN_EVENT.finditer(data, resume):
            pos, c = event.start(), event.group()
            if c == "(":
                if not ignore_matches:
                    bracket_count += 1
                    if bracket_count > MAX_PARENS:
                        return "", None, pos, False
                elif backtrack_count > 0:
                    backtrack_count -= 1
            elif c == ")":
                if exit_quote != -1 or exit_alt_quote != -1:
                    last = _last_non_space(data, start, pos)
                    closes = (exit_quote != -1 and quote == last) or (exit_alt_quote != -1 and alt_quote == last)
                else:
                    closes = False
                if closes:
                    bracket_count = 0
                elif not ignore_matches:
                    bracket_count -= 1
                elif backtrack_count > 0:
                    backtrack_count -= 1
                    if backtrack_count == 0:
                        last_bracket = pos + 1
            elif not quote:
                ignore_matches = True
                backtrack_count = bracket_count
                bracket_count = 1
                start_quote = pos + 1
                quote = c
            elif c != quote and not alt_quote:
                start_alt_quote = pos + 1
                alt_quote = c
            elif c == quote:
                exit_quote = pos + 1
            elif alt_quote and c == alt_quote:
                exit_alt_quote = pos + 1
            if bracket_count == 0:
                index = pos + 1
                last = _last_non_space(data, start, pos)
                if exit_quote >= 0 and quote == last:
                    href = data[start : start_quote - 1]
                    title = data[start_quote : exit_quote - 1]
                elif exit_alt_quote >= 0 and alt_quote == last:
                    href = data[start : start_alt_quote - 1]
                    title = data[start_alt_quote : exit_alt_quote - 1]
                else:
                    href = data[start : index - 1]
                handled = True
                break
            if ignore_matches:
                events += 1
                if events > MAX_TITLE_EVENTS:
                    return "", None, pos, False
        if not handled and backtrack_count == 0:
            href = data[start : last_bracket - 1]
            index = last_bracket
            handled = True
        if title is not None:
            title = self.RE_TITLE_CLEAN.sub(" ", inlinepatterns.dequote(self.unescape(title.strip())))
        return self.unescape(href).strip(), title, index, handled


def _last_non_space(data: str, start: int, pos: int) -> str:
    """The last character before ``pos`` (from ``start``) that is not a space."""
    at = pos - 1
    while at >= start and data[at] == " ":
        at -= 1
    return data[at] if at >= start else ""


class _Link(_BoundedLinks, inlinepatterns.LinkInlineProcessor):
    pass


class _Image(_BoundedLinks, inlinepatterns.ImageInlineProcessor):
    pass


class _Reference(_BoundedLinks, inlinepatterns.ReferenceInlineProcessor):
    pass


class _ShortReference(_BoundedLinks, inlinepatterns.ShortReferenceInlineProcessor):
    pass


class _ImageReference(_BoundedLinks, inlinepatterns.ImageReferenceInlineProcessor):
    pass


class _ShortImageReference(_BoundedLinks, inlinepatterns.ShortImageReferenceInlineProcessor):
    pass


class _Table(TableProcessor):
    """The table test on the first two lines of a block: the extension's own
    splits and strips every line of the block, and a block that other
    processors cut line by line (a run of headings) is tested once per line."""

    def test(self, parent, block: str) -> bool:
        lines = block.split("\n", 2)
        if len(lines) < 2:
            return False
        header0 = lines[0].strip(" ")
        self.border = PIPE_NONE
        if header0.startswith("|"):
            self.border |= PIPE_LEFT
        if self.RE_END_BORDER.search(header0) is not None:
            self.border |= PIPE_RIGHT
        row0_len = len(self._split_row(header0))
        is_table = row0_len > 1
        if not is_table and row0_len == 1 and self.border:
            # Each row of a one-column table needs a pipe: read rows until one has none.
            for row in _rows_from(lines):
                is_table = row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                if not is_table:
                    break
        if is_table:
            row = self._split_row(lines[1].strip(" "))
            is_table = len(row) == row0_len and set("".join(row)) <= set("|:- ")
            if is_table:
                self.separator = row
        return is_table


def _rows_from(lines: list[str]):
    yield lines[1].strip(" ")
    if len(lines) > 2:
        rest, position = lines[2], 0
        while position <= len(rest):
            end = rest.find("\n", position)
            end = len(rest) if end < 0 else end
            yield rest[position:end].strip(" ")
            position = end + 1


class BoundedMarkdown(Extension):
    """Registers the bounded processors in place of Python-Markdown's own.
    Load it after the tables extension."""

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.preprocessors.register(_Nesting(md), "bounded_nesting", 15)
        md.postprocessors.register(_Finish(md), "bounded_less_than", 0)
        patterns = md.inlinePatterns
        link, image = inlinepatterns.LINK_RE, inlinepatterns.IMAGE_LINK_RE
        patterns.register(_Reference(link, md), "reference", 170)
        patterns.register(_Link(link, md), "link", 160)
        patterns.register(_Image(image, md), "image_link", 150)
        patterns.register(_ImageReference(image, md), "image_reference", 140)
        patterns.register(_ShortReference(link, md), "short_reference", 130)
        patterns.register(_ShortImageReference(image, md), "short_image_ref", 125)
        if "table" in md.parser.blockprocessors:
            old = md.parser.blockprocessors["table"]
            md.parser.blockprocessors.register(_Table(md.parser, old.config), "table", 75)
