"""Reading the dashboard's tables back from its HTML, as a person reads them:
each cell under its column's header (``<th scope="col" data-col=...>``)."""

import html
import re

TABLE = re.compile(r'<table class="members" id="([^"]+)">(.*?)</table>', re.S)
HEAD = re.compile(r'<th scope="col"[^>]*data-col="([^"]*)">(?:<abbr title="([^"]*)">[^<]*</abbr>|([^<]*))</th>')
ROW = re.compile(r'<tr data-member="([^"]*)">(.*?)</tr>', re.S)
CELL = re.compile(r"<t([hd])[^>]*>(.*?)</t\1>", re.S)


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def dashboard_tables(body: str) -> list[tuple[list[tuple[str, str]], dict[str, list[str]]]]:
    """Each members' table: its columns (key, header as the CSV names it) and
    its rows (member -> cells in column order)."""
    tables = []
    for _table_id, content in TABLE.findall(body):
        head, _, rows = content.partition("</thead>")
        columns = [(key, html.unescape(title or header)) for key, title, header in HEAD.findall(head)]
        cells = {html.unescape(name): [text(c) for _kind, c in CELL.findall(row)] for name, row in ROW.findall(rows)}
        tables.append((columns, cells))
    return tables


def dashboard_cells(body: str) -> dict[str, dict[str, str]]:
    """member -> {column key: text}, both tables joined."""
    members: dict[str, dict[str, str]] = {}
    for columns, rows in dashboard_tables(body):
        for name, values in rows.items():
            members.setdefault(name, {}).update(
                {key: value for (key, _header), value in zip(columns, values, strict=True)}
            )
    return members
