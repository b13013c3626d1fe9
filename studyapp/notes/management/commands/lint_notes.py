from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.noteformat.lint import MIN_PER_TASK, BankLint, lint_note
from studyapp.notes.services import note_files, read_note_file


class Command(BaseCommand):
    help = (
        "Check the exam bank's content: every note parses cleanly, is an exam question (stem, options, the "
        "exam's formats), names its task statements and sources and is bilingual; print the coverage per "
        "task statement and domain. Exit status: 0 when everything passes, 1 when anything fails, 2 on a "
        "usage error."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", default=[Path("notes")])
        parser.add_argument("--min-per-task", type=int, default=MIN_PER_TASK, help="notes each task statement needs")

    def handle(self, *args, paths, min_per_task, **options):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=2)
        files, refused = note_files(paths)
        failed = len(refused)
        for report in refused:
            for problem in report.errors:
                self.stdout.write(f"{report.path}:{problem.line}: {problem.message}")
        notes = []
        for path, _explicit in files:
            try:
                raw = read_note_file(path)
            except (OSError, ValueError) as exc:
                self.stdout.write(f"{path}:0: {exc}")
                failed += 1
                continue
            result = lint_note(str(path), raw)
            notes.append(result)
            for problem in result.problems:
                self.stdout.write(f"{path}:{problem.line}: {problem.message}")
            failed += bool(result.problems)
        bank = BankLint(notes, min_per_task=min_per_task)
        self.stdout.write("")
        for line in bank.coverage_table():
            self.stdout.write(line)
        problems = bank.problems()
        for problem in problems:
            self.stdout.write(f"bank: {problem}")
        self.stdout.write(f"{len(notes)} notes checked, {failed} with problems")
        if failed or problems:
            raise CommandError("the content lint failed", returncode=1)
