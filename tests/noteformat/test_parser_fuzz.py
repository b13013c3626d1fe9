"""The parser and the repair never raise, whatever they are given."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.noteformat.cards import cards_for
from studyapp.noteformat.parser import parse_note
from studyapp.noteformat.repair import decode_bytes, repair_text
from tests import samples

LINES = samples.CANONICAL.split("\n")
ENCODINGS = ["utf-8", "utf-16", "cp932", "euc-jp", "cp1252", "latin-1"]
fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str) -> None:
    result = parse_note(text)
    for problem in [*result.errors, *result.warnings]:
        assert problem.line >= 0 and problem.message
    if result.ok:
        cards_for(result.note)


@st.composite
def mutated_notes(draw):
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            lines.insert(i, draw(st.text(max_size=40)))
        elif action == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]))))]
        elif action == "indent":
            lines[i] = draw(st.sampled_from(["  ", "\t", "> ", "- ", "| ", "**"])) + lines[i]
    return "\n".join(lines)


@fuzz
@given(mutated_notes())
def test_mutated_notes_never_raise(text):
    check(text)


@fuzz
@given(st.text(max_size=2000))
def test_random_text_never_raises(text):
    check(text)
    repair_text(text)


@fuzz
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data):
    decoded = decode_bytes(data)
    check(repair_text(decoded.text).text)


@fuzz
@given(mutated_notes(), st.sampled_from(ENCODINGS))
def test_notes_in_other_encodings_never_raise(text, encoding):
    data = text.encode(encoding, errors="replace")
    check(repair_text(decode_bytes(data).text).text)
