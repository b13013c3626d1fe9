"""Line-level Markdown structure the note parser needs: bullet trees, paragraphs,
pipe tables and bold labels, each remembering the line it came from.

Python-Markdown renders notes for reading; it cannot tell us *where* a bullet
stood, and every parser message must name a line, hence this small reader.

Every note is untrusted: each function here takes time linear in its input.
Where a regular expression could backtrack over a hostile line (a run of
``[`` or of spaces), the match is written out by hand instead."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

Line = tuple[int, str]

# Bullets nest at most this deep; a deeper one is read at this depth (and the
# parser warns), so that nothing walks a tree a hostile note made deep.
MAX_LIST_DEPTH = 16

_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_SEPARATOR_CELL = re.compile(r"\s*:?-+:?\s*")
_BOLD_LABEL = re.compile(r"^\*\*(.+?)\*\*\s*[:：]?\s*(.*)$", re.S)
_LABEL_END = re.compile(r"[\]\n]")
_URL_END = re.compile(r"[)\s>]")
_SPACE = re.compile(r"\s")
_NOT_SPACE = re.compile(r"\S")
_WORD_OR_STAR = re.compile(r"[\w*]")


@dataclass
class Node:
    text: str
    line: int
    indent: int
    children: list[Node] = field(default_factory=list)

    def flatten(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.flatten())
        return out


@dataclass
class RawTable:
    line: int
    rows: list[Line]


@dataclass
class Blocks:
    bullets: list[Node] = field(default_factory=list)
    paragraphs: list[Line] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    # The first bullet that stood deeper than MAX_LIST_DEPTH, if any.
    too_deep: int | None = None


def indent_width(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def split_blocks(lines: list[Line]) -> Blocks:
    """Sort a section's lines into a bullet forest, paragraphs and tables."""
    blocks = Blocks()
    stack: list[Node] = []
    # Lazy continuation lines of a bullet, joined once at the end: appending
    # to the bullet's text line by line copied it each time (quadratic).
    continued: dict[int, tuple[Node, list[str]]] = {}
    table: RawTable | None = None
    previous_blank = True
    for number, raw in lines:
        stripped = raw.strip()
        if not stripped:
            table = None
            previous_blank = True
            continue
        if stripped.startswith("|"):
            if table is None:
                table = RawTable(line=number, rows=[])
                blocks.tables.append(table)
            table.rows.append((number, stripped))
            previous_blank = False
            continue
        table = None
        match = _BULLET.match(raw)
        if match:
            node = Node(text=match.group(2).strip(), line=number, indent=indent_width(raw))
            while stack and stack[-1].indent >= node.indent:
                stack.pop()
            if len(stack) >= MAX_LIST_DEPTH:
                del stack[MAX_LIST_DEPTH - 1 :]
                if blocks.too_deep is None:
                    blocks.too_deep = number
            (stack[-1].children if stack else blocks.bullets).append(node)
            stack.append(node)
        elif stack and (indent_width(raw) > 0 or not previous_blank):
            # A lazy continuation of the bullet above it.
            continued.setdefault(id(stack[-1]), (stack[-1], []))[1].append(stripped)
        else:
            stack.clear()
            blocks.paragraphs.append((number, stripped))
        previous_blank = False
    for node, more in continued.values():
        node.text = " ".join([node.text, *more])
    return blocks


def bold_label(text: str) -> tuple[str, str] | None:
    """``**label**: rest`` -> (label, rest); also ``**label:** rest``."""
    match = _BOLD_LABEL.match(text)
    if not match:
        return None
    label = match.group(1).strip().rstrip(":：").strip()
    return label, match.group(2).strip()


def split_row(row: str) -> list[str]:
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def parse_table(raw: RawTable) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    """Header, rows (with line numbers) and complaints about the table's shape."""
    complaints: list[str] = []
    header = split_row(raw.rows[0][1])
    body = raw.rows[1:]
    if body and is_separator(body[0][1]):
        body = body[1:]
    else:
        complaints.append("table has no '| --- |' separator under its header")
    rows = []
    for number, text in body:
        cells = split_row(text)
        if len(cells) != len(header):
            complaints.append(f"line {number}: row has {len(cells)} cells, the header has {len(header)}")
            cells = (cells + [""] * len(header))[: len(header)]
        rows.append((number, cells))
    return header, rows, complaints


def is_separator(row: str) -> bool:
    """A table's ``| --- | :---: |`` line: what
    ``^\\s*\\|?\\s*:?-+:?\\s*(\\|\\s*:?-+:?\\s*)*\\|?\\s*$`` matches, cell by cell
    (that pattern backtracks quadratically over a row of spaces)."""
    cells = row.strip().split("|")
    if len(cells) > 1 and not cells[0].strip():
        cells = cells[1:]  # the leading pipe
    if len(cells) > 1 and not cells[-1].strip():
        cells = cells[:-1]  # the trailing pipe
    return all(_SEPARATOR_CELL.fullmatch(cell) for cell in cells)


def links(text: str) -> list[tuple[str, str]]:
    return [(label.strip(), url.strip()) for _, _, label, url in link_spans(text)]


def link_spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, label, url) of every ``[label](url "title")``: what
    ``\\[([^\\]\\n]+)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+"[^"]*")?\\s*\\)`` finds with
    finditer, in linear time. That pattern rescans the rest of the line from
    every ``[`` (a line of ``[`` took seconds per kilobyte): here each ``[``
    looks up the first ``]`` after it, and what follows a ``]`` is read once."""
    spans: list[tuple[int, int, str, str]] = []
    label_end = -1  # the first ']' or newline at or after the last '[' + 1
    after: dict[int, tuple[int, str] | None] = {}  # ']' position -> (end, url) or no link
    url_ends = _RunEnds(text, _URL_END)
    tails: dict[int, int | None] = {}
    position = 0
    while (start := text.find("[", position)) >= 0:
        position = start + 1
        if label_end <= start:
            found = _LABEL_END.search(text, start + 1)
            label_end = found.start() if found else len(text)
        close = label_end
        if close == start + 1 or close >= len(text) or text[close] != "]":
            continue
        if close not in after:
            after[close] = _link_target(text, close + 1, url_ends, tails)
        target = after[close]
        if target is None:
            continue
        end, url = target
        spans.append((start, end, text[start + 1 : close], url))
        position = end
    return spans


class _RunEnds:
    """Where a run of characters that ``stop`` does not match ends, for starts
    that only ever grow: runs that overlap are scanned once."""

    def __init__(self, text: str, stop: re.Pattern):
        self.text, self.stop = text, stop
        self.start, self.end = -1, -1

    def __call__(self, start: int) -> int:
        if not self.start <= start <= self.end:
            found = self.stop.search(self.text, start)
            self.start, self.end = start, found.start() if found else len(self.text)
        return self.end


def _link_target(text: str, at: int, url_ends: _RunEnds, tails: dict) -> tuple[int, str] | None:
    """``(\\s*<?url>?(\\s+"title")?\\s*)`` at ``at``: (end, url), or None."""
    if text[at : at + 1] != "(":
        return None
    first = _skip_spaces(text, at + 1)
    angle = text[first : first + 1] == "<"
    url_start = first + 1 if angle else first
    url_end = url_ends(url_start)
    if url_end == url_start:
        if not angle:
            return None
        url_start = first  # "<" alone is the address
    if url_end not in tails:
        tails[url_end] = _link_tail(text, url_end)
    end = tails[url_end]
    return None if end is None else (end, text[url_start:url_end])


def _link_tail(text: str, at: int) -> int | None:
    """``>?(\\s+"title")?\\s*\\)`` at ``at``: where the link ends, or None."""
    if text[at : at + 1] == ">":
        at += 1
    quote = _skip_spaces(text, at)
    if quote > at and text[quote : quote + 1] == '"':
        closing = text.find('"', quote + 1)
        if closing >= 0:
            paren = _skip_spaces(text, closing + 1)
            if text[paren : paren + 1] == ")":
                return paren + 1
    paren = _skip_spaces(text, at)
    return paren + 1 if text[paren : paren + 1] == ")" else None


def _skip_spaces(text: str, at: int) -> int:
    found = _NOT_SPACE.search(text, at)
    return found.start() if found else len(text)


def plain(text: str) -> str:
    """Markdown inline text without emphasis marks, for keys and matching."""
    spans = link_spans(text)
    if spans:
        pieces, position = [], 0
        for start, end, label, _ in spans:
            pieces += [text[position:start], label]
            position = end
        text = "".join([*pieces, text[position:]])
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = _unstar(text)
    return " ".join(text.split())


def _unstar(text: str) -> str:
    """``*emphasis*`` -> ``emphasis``: what
    ``re.sub(r"(?<![\\w*])\\*(?!\\s)(.+?)(?<!\\s)\\*", r"\\1", text)`` does, in
    linear time (that pattern rescans the line from every ``*``: a line of
    ``*a `` took seconds per 10 KB). A ``*`` closes at the first ``*`` after
    it that follows no space, on the same line."""
    stars = [m.start() for m in re.finditer(r"\*", text)]
    if len(stars) < 2:
        return text
    closers = [r for r in stars if not _SPACE.match(text, r - 1)]
    newlines = [m.start() for m in re.finditer("\n", text)]
    pieces: list[str] = []
    position = 0
    for star in stars:
        if star < position or (star and _WORD_OR_STAR.match(text, star - 1)):
            continue
        if star + 1 >= len(text) or _SPACE.match(text, star + 1):
            continue
        found = bisect_left(closers, star + 2)
        if found == len(closers):
            break
        closer = closers[found]
        newline = bisect_right(newlines, star)
        if newline < len(newlines) and newlines[newline] < closer:
            continue
        pieces += [text[position:star], text[star + 1 : closer]]
        position = closer + 1
    if not pieces:
        return text
    return "".join([*pieces, text[position:]])
