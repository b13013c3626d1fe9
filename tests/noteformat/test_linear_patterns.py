"""The hand-written matching that replaced backtracking regular expressions
gives what those expressions gave, on any text (Hypothesis). The old patterns
are kept here, as the specification."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.noteformat import blocks, parser

LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*")
OPTION_TEXT = re.compile(r"^(?:\*\*\s*([A-Z])\s*[.:：)]?\s*\*\*\s*[.:：)]?|([A-Z])\s*[.:：)])\s*(.+)$", re.S)
ARROW = re.compile(r"\s*(?:➔|→|->|=>|⇒)\s*")
HEADINGS = {level: re.compile(r"^" + "#" * level + r"\s+(.*?)\s*#*\s*$") for level in (1, 2, 3)}
TRAILING_PARENS = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")

examples = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def texts(alphabet: str):
    return st.text(alphabet=alphabet, max_size=30)


@examples
@given(texts('[]()<> "\na\t>x'))
def test_links_are_found_as_the_pattern_found_them(text):
    expected = [(m.start(), m.end(), m.group(1), m.group(2)) for m in LINK.finditer(text)]
    assert blocks.link_spans(text) == expected


@examples
@given(texts("|-: \t\u3000x\\"))
def test_table_separators_are_recognised_as_before(text):
    row = text.strip()
    assert blocks.is_separator(row) == bool(TABLE_SEPARATOR.match(row))


@examples
@given(texts("*a _\n\t.\u3000"))
def test_emphasis_is_removed_as_before(text):
    assert blocks._unstar(text) == EMPHASIS.sub(r"\1", text)


@examples
@given(texts("*AB .:：) \t\n\u3000x"))
def test_option_texts_are_read_as_before(text):
    match = OPTION_TEXT.match(text)
    assert parser.option_text(text) == ((match.group(1) or match.group(2), match.group(3)) if match else None)


@examples
@given(texts("-=>➔→⇒ \tx\u3000"))
def test_arrows_split_as_before(text):
    pair = ARROW.split(text, maxsplit=1)
    assert parser.split_arrow(text) == ((pair[0].strip(), pair[1].strip()) if len(pair) == 2 else None)


@examples
@given(texts("# \tx\u3000\x1c"), st.sampled_from([1, 2, 3]))
def test_headings_are_read_as_before(text, level):
    match = HEADINGS[level].match(text)
    assert parser.heading_text(text, level) == (match.group(1) if match else None)


@examples
@given(texts("()（） \tx\u3000"))
def test_a_titles_trailing_parentheses_go_as_before(text):
    assert parser._without_trailing_parens(text) == TRAILING_PARENS.sub("", text).strip()
