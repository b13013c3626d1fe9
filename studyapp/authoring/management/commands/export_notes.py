import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.authoring.exports import cards_csv, deck_apkg, notes_markdown_zip
from studyapp.notes.models import Note
from studyapp.notes.services import note_export

BINARY = {"zip": notes_markdown_zip, "apkg": deck_apkg}


class Command(BaseCommand):
    help = (
        "Export notes: md (the stored, repaired Markdown), json (the parsed structure), zip (every note's "
        "Markdown in one archive), apkg (an Anki package whose cards keep their ids from one export to the "
        "next) or csv (the cards)."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", metavar="ID", help="note ids; all notes when none")
        parser.add_argument("--format", choices=["md", "json", "zip", "apkg", "csv"], default="md")
        parser.add_argument(
            "--out",
            type=Path,
            help="md/json: a folder to write <ID>.md or <ID>.json into; zip/apkg/csv: the file to write",
        )

    def handle(self, *args, ids, format, out, **options):
        notes = Note.objects.filter(note_id__in=ids) if ids else Note.objects.all()
        missing = sorted(set(ids) - set(notes.values_list("note_id", flat=True)))
        if missing:
            raise CommandError(f"no note with id {', '.join(missing)}", returncode=1)
        if format in BINARY or format == "csv":
            self._write_file(format, notes, out)
            return
        notes = list(notes)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for note in notes:
                path = out / f"{note.note_id}.{format}"
                path.write_text(note_export(note=note, fmt=format), encoding="utf-8")
                self.stderr.write(f"wrote {path}")
            return
        if format == "json" and len(notes) != 1:
            docs = [json.loads(note_export(note=n, fmt="json")) for n in notes]
            self.stdout.write(json.dumps(docs, ensure_ascii=False, indent=2))
            return
        for note in notes:
            self.stdout.write(note_export(note=note, fmt=format), ending="")

    def _write_file(self, format, notes, out):
        if format == "csv":
            text = cards_csv(notes=notes)
            if out is None:
                self.stdout.write(text, ending="")
                return
            out.write_text(text, encoding="utf-8")
        else:
            if out is None:
                raise CommandError(f"--format {format} writes a binary file: give --out FILE", returncode=2)
            out.write_bytes(BINARY[format](notes=notes))
        self.stderr.write(f"wrote {out}")
