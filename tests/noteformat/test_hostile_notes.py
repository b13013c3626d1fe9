"""Hostile note files: the parser takes time and memory linear in the note's
size, refuses YAML aliases, characters no database or page can hold and
nesting without end, and quotes little of what it refuses.

Where only time can show backtracking, the work runs in a child process
under a CPU-time limit (tests/support/bounded.py): about a second of CPU
when linear, far beyond the limit when quadratic."""

import json

import pytest

from studyapp.noteformat.blocks import MAX_LIST_DEPTH, split_blocks
from studyapp.noteformat.parser import MAX_YAML_DEPTH, parse_note
from tests import samples
from tests.support.bounded import outcome, run_bounded

N = 300_000  # characters of hostile text: 0.1-0.5 s of CPU when linear


def with_front_matter(extra: str) -> str:
    return samples.CANONICAL.replace('created_at: "2026-03-01"\n', f'created_at: "2026-03-01"\n{extra}')


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def errors(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in parse_note(text).errors]


# -- YAML front matter -----------------------------------------------------

BILLION_LAUGHS = (
    'lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(f"l{i}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    + "tags: *i\n"
)
MERGE_BOMB = "m0: &m0 {a: 1, b: 2}\n" + "".join(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}\n" for i in range(1, 40))


@pytest.mark.parametrize(
    "yaml",
    [
        BILLION_LAUGHS,
        MERGE_BOMB,
        "title2: &t x\n",  # an anchor alone
        'category: &c "Storage"\ndomain: *c\n',
    ],
    ids=["billion-laughs", "merge-keys", "anchor", "alias"],
)
def test_yaml_anchors_and_aliases_are_refused_at_their_line(yaml):
    # In a child process with a memory limit: an alias bomb that got built
    # took minutes and gigabytes.
    text = with_front_matter(yaml)
    process = run_bounded(
        f"""
        import json
        from studyapp.noteformat.parser import parse_note
        result = parse_note({text!r})
        print(json.dumps([[p.line, p.message] for p in result.errors]))
        """,
        memory_mb=512,
    )
    assert process.returncode == 0, outcome(process)
    found = json.loads(process.stdout)
    first_anchor = min(i for i, line in enumerate(text.split("\n"), start=1) if "&" in line or "*" in line)
    assert found == [[first_anchor, "front matter: anchors and aliases (&name, *name) are not allowed"]]


def test_yaml_nested_too_deep_is_refused_at_its_line():
    text = with_front_matter("deep: " + "[" * 5_000 + "]" * 5_000 + "\n")
    ((line, message),) = errors(text)
    assert line == line_of(text, "deep:")
    assert message == f"front matter: collections nested more than {MAX_YAML_DEPTH} levels deep"


def test_yaml_block_nesting_is_bounded_too():
    text = with_front_matter("".join("  " * i + f"k{i}:\n" for i in range(40)))
    ((line, message),) = errors(text)
    # PyYAML marks a block mapping where the key that opens it ends.
    assert line == line_of(text, "k15:")
    assert "nested more than" in message


@pytest.mark.parametrize(
    "value",
    ["0x" + "f" * 6_000, "0b" + "1" * 20_000, "1" + ":1" * 2_000, "9" * 5_000],
    ids=["hexadecimal", "binary", "sexagesimal", "decimal"],
)
def test_a_number_too_long_for_linear_conversion_is_refused(value):
    # A 6,000-digit hexadecimal id raised ValueError from str() and crashed the import.
    text = with_front_matter(f"title: {value}\n").replace('title: "S3 Cross-Region Replication"\n', "")
    ((line, message),) = errors(text)
    assert line == line_of(text, f"title: {value[:5]}")
    assert len(message) < 200


def test_front_matter_over_its_size_limit_is_refused_before_yaml_reads_it():
    text = with_front_matter("filler: " + "x" * 70_000 + "\n")
    ((line, message),) = errors(text)
    assert line == 1
    assert "front matter is 70" in message and "at most 64000" in message


@pytest.mark.parametrize(
    "yaml",
    [
        "x: !" + "a" * 50_000 + " 1\n",  # an unknown tag, quoted in PyYAML's message
        "x: *" + "b" * 50_000 + "\n",  # an undefined alias
        'id: ["' + "c" * 50_000 + '"]\n',  # a list for an id
        "tags: [{" + ", ".join(f"k{i}: {i}" for i in range(10_000)) + "}]\n",  # a mapping for a tag
        "created_at: " + "e" * 50_000 + "\n",  # not a date
    ],
    ids=["tag", "alias", "id", "tag-value", "date"],
)
def test_messages_quote_at_most_a_few_dozen_characters(yaml):
    result = parse_note(with_front_matter(yaml))
    problems = result.errors + result.warnings
    assert problems
    assert all(len(p.message) < 200 for p in problems), [p.message[:300] for p in problems]


# -- characters no database or page can hold -------------------------------


@pytest.mark.parametrize(
    "character, described",
    [
        ("\x00", "a NUL character (U+0000)"),
        ("\x1b", "a control character (U+001B)"),
        ("\x0c", "a control character (U+000C)"),
        ("\x85", "a control character (U+0085)"),
        ("\x7f", "a control character (U+007F)"),
        ("\ud800", "an unpaired surrogate (U+D800)"),
        ("\ufffe", "a noncharacter (U+FFFE)"),
        ("\U0010ffff", "a noncharacter (U+10FFFF)"),
    ],
)
def test_a_character_no_database_or_page_can_hold_is_an_error_at_its_line(character, described):
    text = samples.CANONICAL.replace("マネージド機能を選ぶ。", f"マネージド{character}機能を選ぶ。")
    result = parse_note(text)
    assert result.note is None
    assert [(p.line, p.message) for p in result.errors] == [
        (line_of(text, character), f"column 37: {described} is not allowed in a note")
    ]


def test_tab_and_newline_are_allowed():
    assert parse_note(samples.CANONICAL.replace("マネージド機能", "マネージド\t機能")).ok


@pytest.mark.parametrize("escape", ["\\0", "\\x00", "\\x1b", "\\ud800", "\\uffff"])
def test_yaml_escapes_cannot_smuggle_them_into_the_front_matter(escape):
    text = samples.CANONICAL.replace('category: "Storage"', f'category: "Sto{escape}rage"')
    result = parse_note(text)
    assert result.note is None
    ((line, message),) = [(p.line, p.message) for p in result.errors]
    assert line == line_of(text, "category:")
    assert message.startswith("front matter 'category' contains ")


def test_many_bad_characters_are_reported_a_few_times_then_summarised():
    text = samples.CANONICAL.replace("マネージド機能を選ぶ。", "\x00" * 100_000)
    result = parse_note(text)
    assert len(result.errors) == 6
    assert result.errors[-1].message == "more characters that are not allowed follow; the note was not read"


# -- nesting -----------------------------------------------------------------


def test_bullets_nest_at_most_max_list_depth_and_a_warning_names_the_line():
    deep = "\n".join("  " * i + f"- **n{i}**: level {i}" for i in range(300))
    text = samples.CANONICAL.replace("- **構成図の分析**", deep + "\n- **構成図の分析**", 1)
    result = parse_note(text)
    assert result.ok
    warning = next(p for p in result.warnings if "nested more than" in p.message)
    assert warning.line == line_of(text, f"- **n{MAX_LIST_DEPTH}**")
    blocks = split_blocks([(i, line) for i, line in enumerate(deep.split("\n"), start=1)])
    depth, nodes = 0, blocks.bullets
    while nodes:
        depth, nodes = depth + 1, nodes[-1].children
    assert depth == MAX_LIST_DEPTH
    # Every bullet is still read; none is lost.
    assert sum(len(n.flatten()) for n in blocks.bullets) == 300


# -- regular expressions that backtracked over a hostile line ----------------


def _in_section(heading: str, line: str) -> str:
    """CANONICAL with ``line`` as the first bullet of the section ``heading``."""
    head, tail = samples.CANONICAL.split(heading, 1)
    first_line_end = tail.index("\n\n") + 2
    return head + heading + tail[:first_line_end] + line + "\n" + tail[first_line_end:]


HOSTILE_NOTES = {
    # Each of these took seconds per 10 KB (quadratic or worse) before.
    "brackets in a trigger word": _in_section("(Trigger Words)", '- **"' + "[" * N + '" (gloss)**: why'),
    "link openers in a trigger word": _in_section("(Trigger Words)", '- **"' + "[a](" * (N // 4) + '"**: why'),
    "emphasis openers in a trigger word": _in_section("(Trigger Words)", '- **"x' + " *a" * (N // 3) + '"**: why'),
    "spaces in an option": _in_section("(Question & Options)", "- **E" + " " * N + "x"),
    "spaces in a section heading": samples.CANONICAL.replace("## 5.", "## Notes" + " " * N + "x\n\n## 5."),
    "spaces in the title heading": samples.CANONICAL.replace(
        "# S3 Cross-Region Replication (TST-1)", "# T" + " " * N + "x (y"
    ),
    "spaces in a table separator": samples.CANONICAL.replace("| :--- | :--- | :--- |", "| :---" + " " * N + "x |"),
    "spaces before an arrow": samples.CANONICAL.replace(
        "> - Transfer Acceleration は複製ではない。", "> - a" + " " * N + "b"
    ).replace("### ⚠️ Pitfall / Anti-Pattern", "### 🛠 Trigger ➔ Best Practice"),
}


@pytest.mark.parametrize("name", HOSTILE_NOTES)
def test_hostile_lines_parse_in_time_linear_in_their_length(name):
    text = HOSTILE_NOTES[name]
    process = run_bounded(
        f"""
        from studyapp.noteformat.cards import cards_for
        from studyapp.noteformat.parser import parse_note
        from tests.samples import CANONICAL
        from tests.noteformat.test_hostile_notes import HOSTILE_NOTES
        result = parse_note(HOSTILE_NOTES[{name!r}])
        if result.ok:
            cards_for(result.note)
        print(len(result.errors), len(result.warnings))
        """,
    )
    assert process.returncode == 0, outcome(process)
    assert len(text) > N


# -- card answers compared after an edit -----------------------------------


def test_comparing_long_answers_after_an_edit_takes_linear_time():
    # SequenceMatcher is quadratic: two 16,000-character answers took 9 s,
    # a megabyte hours. A long answer that changed at all counts as changed.
    process = run_bounded(
        """
        from studyapp.noteformat.cards import answer_changed
        old = "ab" * 150_000
        print(answer_changed(old, old[:-1] + "c"), answer_changed(old, old + " "))
        """,
    )
    assert process.returncode == 0, outcome(process)
    assert process.stdout.split() == ["True", "False"]
