"""The one CSV writer: no header or cell a spreadsheet would run."""

import csv
import io

import pytest

from studyapp.spreadsheet import csv_cell, csv_writer


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(start):
    assert csv_cell(start + 'HYPERLINK("https://evil.example")') == "'" + start + 'HYPERLINK("https://evil.example")'


@pytest.mark.parametrize(("value", "text"), [(None, ""), (-3, "-3"), (2.5, "2.5"), (True, "True"), ("S3", "S3")])
def test_other_values_are_written_as_they_are(value, text):
    assert csv_cell(value) == text


def test_the_header_row_is_neutralised_too():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["member", '=HYPERLINK("x")'])
    writer.writerows([["=1+1", 3]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["member", '\'=HYPERLINK("x")'], ["'=1+1", "3"]]
