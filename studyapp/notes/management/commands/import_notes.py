import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from studyapp.notes.services import notes_import


class Command(BaseCommand):
    help = (
        "Import exam notes from Markdown files or folders (recursive *.md). Exit status: 0 when every note "
        "imported, 1 when any failed (the others are still imported), 2 on a usage error. A note edited in the "
        'app since its file\'s last import is kept as the app has it (reported "kept"), unless --overwrite.'
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="the files win over edits made in the app since their last import (each still a new version "
            "in the note's history; learners' history is kept as on any re-import; pending drafts stay drafts)",
        )

    def handle(self, *args, paths, dry_run, format, overwrite, **options):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=2)
        run = notes_import(paths=paths, dry_run=dry_run, overwrite=overwrite)
        if format == "json":
            self.stdout.write(json.dumps(run.to_dict(), ensure_ascii=False, indent=2))
        else:
            self._write_text(run, dry_run)
        if run.failed:
            raise CommandError(f"{run.summary()['failed']} note(s) failed to import", returncode=1)

    def _write_text(self, run, dry_run):
        for report in run.notes:
            counts = report.counts
            detail = ""
            if counts:
                detail = (
                    f"  {_count(counts['cards'], 'card')}, {_count(counts['trigger_words'], 'trigger word')}, "
                    f"{_count(counts['options'], 'option')} (correct {', '.join(report.correct) or '-'})"
                )
            repaired = "  [encoding repaired]" if report.repaired else ""
            renamed = f"  [renamed from {report.renamed_from}]" if report.renamed_from else ""
            self.stdout.write(f"{report.status:<9} {report.id or '-':<12} {report.path}{detail}{repaired}{renamed}")
            # The few characters the repair is unsure of come first: a
            # repaired note's other warnings would bury them.
            for u in report.uncertain:
                self.stdout.write(
                    f"{report.path}:{u['line']}: uncertain: '{u['char']}' (candidates {' '.join(u['candidates'])})"
                )
            if report.uncertain and report.status != "failed":
                self.stdout.write(f"{report.path}: settle them at {_repair_url(report.id)}")
            if report.held:
                self.stdout.write(f"{report.path}: kept unpublished until its uncertain characters are settled")
            for problem in report.errors:
                self.stdout.write(f"{report.path}:{problem.line}: error: {problem.message}")
            for problem in report.warnings:
                self.stdout.write(f"{report.path}:{problem.line}: warning: {problem.message}")
        summary = run.summary()
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{_count(summary['total'], 'note')}: {summary['created']} created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged, {summary['failed']} failed, {summary['repaired']} repaired"
            + (f", {summary['kept']} kept as edited in the app" if summary["kept"] else "")
            + (f", {summary['skipped']} skipped (not note files)" if summary["skipped"] else "")
        )


def _repair_url(note_id: str) -> str:
    """The authoring app's repair page, by its name: the notes app does not
    import the apps above it."""
    try:
        return reverse("authoring_repair", args=[note_id])
    except NoReverseMatch:
        return f"the repair page of {note_id}"


def _count(n: int, noun: str) -> str:
    # The command speaks English only (Django's commands run untranslated).
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
