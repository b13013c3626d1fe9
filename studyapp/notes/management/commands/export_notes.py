import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from studyapp.notes.models import Note
from studyapp.notes.services import note_export


class Command(BaseCommand):
    help = "Export notes as Markdown (as stored, repaired) or as their parsed JSON."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", metavar="ID", help="note ids; all notes when none")
        parser.add_argument("--format", choices=["md", "json"], default="md")
        parser.add_argument("--out", type=Path, help="folder to write <ID>.md or <ID>.json into")

    def handle(self, *args, ids, format, out, **options):
        notes = list(Note.objects.filter(note_id__in=ids) if ids else Note.objects.all())
        missing = sorted(set(ids) - {n.note_id for n in notes})
        if missing:
            raise CommandError(f"no note with id {', '.join(missing)}", returncode=1)
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
