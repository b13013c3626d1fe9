"""Line-level Markdown structure the note parser needs: bullet trees, paragraphs,
pipe tables and bold labels, each remembering the line it came from.

Python-Markdown renders notes for reading; it cannot tell us *where* a bullet
stood, and every parser message must name a line, hence this small reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Line = tuple[int, str]

_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_BOLD_LABEL = re.compile(r"^\*\*(.+?)\*\*\s*[:：]?\s*(.*)$", re.S)
_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


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


def indent_width(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def split_blocks(lines: list[Line]) -> Blocks:
    """Sort a section's lines into a bullet forest, paragraphs and tables."""
    blocks = Blocks()
    stack: list[Node] = []
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
            (stack[-1].children if stack else blocks.bullets).append(node)
            stack.append(node)
        elif stack and (indent_width(raw) > 0 or not previous_blank):
            # A lazy continuation of the bullet above it.
            stack[-1].text = f"{stack[-1].text} {stripped}"
        else:
            stack.clear()
            blocks.paragraphs.append((number, stripped))
        previous_blank = False
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
    if body and _TABLE_SEPARATOR.match(body[0][1]):
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


def links(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).strip(), m.group(2).strip()) for m in _LINK.finditer(text)]


def plain(text: str) -> str:
    """Markdown inline text without emphasis marks, for keys and matching."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*", r"\1", text)
    return " ".join(text.split())
