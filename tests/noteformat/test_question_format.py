"""The exam's question format, linted: one correct answer of four options, or
two or more correct of five or more; the stem's "(Choose N)" agrees."""

from pathlib import Path

import pytest

from studyapp.noteformat.parser import parse_note
from tests.conftest import NOTES

FORMAT = "one correct answer of four options"


def note(letters: str, correct: str, *, stem: str = "Which solution meets the requirements?", question=True) -> str:
    options = "\n".join(f"- **{x}**: Option {x} text." for x in letters)
    right = "\n".join(f"    - **{x} (right)**: why {x} is right." for x in correct)
    wrong = "\n".join(f"    - **{x} (wrong)**: why {x} is wrong." for x in letters if x not in correct)
    question_section = f"## Question & Options\n\n{stem}\n\n{options}\n\n" if question else ""
    return f"""---
id: "FMT-1"
title: "Format"
category: "Storage"
domain: "Domain 2"
---

## Context & Requirements

- **Architecture**: A -> B.

{question_section}## Reasoning

- **Correct ({", ".join(correct)})**:
{right}
- **Other options**:
{wrong}
"""


def format_warnings(text: str):
    result = parse_note(text)
    assert result.ok, result.errors
    return [w for w in result.warnings if FORMAT in w.message or "says to choose" in w.message]


def declared_line(text: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if line.startswith("- **Correct"))


@pytest.mark.parametrize(
    ("letters", "correct"),
    [("ABCD", "B"), ("ABCDE", "AE"), ("ABCDEF", "ACE"), ("ABCDEFG", "BD")],
)
def test_the_exams_formats_pass(letters, correct):
    assert format_warnings(note(letters, correct)) == []


@pytest.mark.parametrize(
    ("letters", "correct"),
    [("ABCD", "BD"), ("ABCDE", "E"), ("ABC", "A"), ("ABCDEF", "F"), ("ABCD", "ABC")],
)
def test_other_formats_are_warned_about_on_the_declaration_line(letters, correct):
    text = note(letters, correct)
    (warning,) = format_warnings(text)
    assert warning.line == declared_line(text)
    assert f"{len(correct)} correct of {len(letters)}" in warning.message


def test_options_known_only_from_the_reasoning_count_too():
    text = note("ABCD", "AC", question=False)
    (warning,) = format_warnings(text)
    assert "2 correct of 4" in warning.message


@pytest.mark.parametrize(
    "stem",
    [
        "Which combination of steps will meet these requirements? (Choose two.)",
        "Which steps should the architect take? Choose 2.",
        "要件を満たす手順はどれですか。（2 つ選択してください。）",
        "要件を満たす手順はどれですか。（二つ選択）",
    ],
)
def test_a_stem_that_asks_for_another_number_is_warned_about(stem):
    text = note("ABCDE", "ACE", stem=stem)
    (warning,) = format_warnings(text)
    assert warning.line == declared_line(text)
    assert "choose 2, but 3 options are declared correct" in warning.message


def test_a_stem_that_asks_for_the_declared_number_passes():
    assert format_warnings(note("ABCDE", "ACE", stem="Which steps? (Choose three.)")) == []


def test_a_question_section_after_the_reasoning_is_counted():
    text = note("ABCDE", "E")
    head, _, rest = text.partition("## Question & Options")
    question, _, reasoning = rest.partition("## Reasoning")
    moved = f"{head}## Reasoning{reasoning}\n## Question & Options{question}"
    (warning,) = format_warnings(moved)
    assert "1 correct of 5" in warning.message


def test_the_shipped_notes_follow_the_exams_format():
    for path in sorted(Path(NOTES).glob("*.md")):
        assert format_warnings(path.read_text(encoding="utf-8")) == [], path
