"""manage.py lint_notes: passes a bank that covers every task statement,
fails (exit 1) naming file and line otherwise, prints the coverage table."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from studyapp.noteformat.vocabulary import TASK_STATEMENTS
from tests.noteformat.test_lint import GOOD, MULTI

ALL_TASKS = "[" + ", ".join(f'"{t.code}"' for t in TASK_STATEMENTS) + "]"


def write_bank(folder, singles=8, multis=2):
    for i in range(singles + multis):
        text = (GOOD if i < singles else MULTI).replace("LNT-1", f"LNT-{i}")
        (folder / f"LNT-{i}.md").write_text(text.replace('["2.2", "1.3"]', ALL_TASKS), encoding="utf-8")


def lint(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("lint_notes", *map(str, args), stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_a_bank_that_covers_every_task_statement_passes_and_prints_its_coverage(tmp_path):
    write_bank(tmp_path)
    code, out = lint(tmp_path)
    assert code == 0, out
    assert "4.4      10  Determine opportunities for modernization and enhancements" in out
    assert "single-answer 8 (80%)" in out
    assert "10 notes checked, 0 with problems" in out


def test_a_note_that_breaks_a_rule_fails_the_run_with_its_file_and_line(tmp_path):
    write_bank(tmp_path)
    bad = tmp_path / "LNT-0.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("tasks: [", 'tasks: ["9.9", '), encoding="utf-8")
    code, out = lint(tmp_path)
    assert code == 1
    line = next(i for i, text in enumerate(bad.read_text().split("\n"), start=1) if text.startswith("tasks:"))
    assert f"{bad}:{line}: warning: task '9.9' is not one of the 20 SAP-C02 task statements" in out


def test_a_thin_task_statement_fails_the_run(tmp_path):
    write_bank(tmp_path, singles=3, multis=1)
    assert lint(tmp_path)[0] == 0
    code, out = lint(tmp_path, "--min-per-task", "5")
    assert code == 1
    assert "bank: task statements with fewer than 5 notes: 1.1 (4), 1.2 (4)" in out


def test_a_missing_path_is_a_usage_error(tmp_path):
    assert lint(tmp_path / "nope")[0] == 2


@pytest.mark.parametrize("name", ["SAP-56.md", "SAP-109.md", "SAP-110.md", "SAP-111.md", "SAP-112.md"])
def test_the_five_notes_named_in_the_review_pass_the_note_rules(name):
    from tests.conftest import NOTES

    code, out = lint(NOTES / name, "--min-per-task", "0")
    problems = [line for line in out.splitlines() if line.startswith(str(NOTES))]
    assert problems == []
