"""CSV that a spreadsheet opens as text, never as formulas: the one writer
every CSV the app makes goes through (the team dashboard's, the authoring
export of cards, a learner's own data), headers and cells alike.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)`` sends whoever clicks it anywhere), and some
also after a leading tab or carriage return. Such text gets a leading
apostrophe, as OWASP advises for CSV injection: the spreadsheet shows the
text and does not run it. Numbers are written as they are (a negative number
is not a formula, and stays a number)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as the text of one CSV cell that no spreadsheet runs."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` whose every row, the header included, is neutralised."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SafeWriter:
    return SafeWriter(out, **kwargs)
