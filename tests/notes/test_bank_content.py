"""The exam bank in notes/ passes the content lint as a whole: every note is
an exam question with its task statements and sources, every task statement
has at least four notes, and the single-answer share is the exam's."""

from io import StringIO

from django.core.management import call_command

from tests.conftest import NOTES


def test_the_bank_passes_the_content_lint_and_covers_every_task_statement():
    out = StringIO()
    call_command("lint_notes", str(NOTES), stdout=out)  # raises CommandError (exit 1) on any problem
    text = out.getvalue()
    assert " with problems" in text and ", 0 with problems" in text
    notes = int(text.rsplit(" notes checked", 1)[0].rsplit("\n", 1)[-1])
    assert notes >= 100
