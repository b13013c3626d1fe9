"""Authoring: what an instructor waits for, on a database of 1,000 notes.

Run from the repository root:

    .venv/bin/python bench/authoring_editor.py [--repeat 30]
    (or: make bench, which runs every benchmark and records bench/results.json)

Measured on a fresh SQLite file holding 1,000 generated notes (bench/import_notes.py's
generator), 50 learners who have reviewed every card of the note being edited,
and 20,000 first answers to scenario questions:

* the check behind every pause in typing: the editor's dry-run import of the
  text plus what publishing it would do to learners (``text_check`` and
  ``impact_of``), and the same through the preview view (template included);
* an upload of 200 new notes, imported as the background task imports them;
* the item analysis of every question of the 1,000 notes.

Each time is the median (and the 95th percentile for the check) of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Stopwatch,
    busy_warning,
    django_with_sqlite,
    print_table,
    quiet_queries,
    temporary_folder,
)
from bench.import_notes import write_notes  # noqa: E402

NOTE_COUNT = 1_000
LEARNERS = 50
ANSWERING = 20  # learners who answered every question
UPLOAD = 200
REPEATS = 30


def _setup(folder: Path):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from studyapp.accounts.services import instructors_group_ensure
    from studyapp.notes.models import Card, Note
    from studyapp.notes.services import notes_import
    from studyapp.study.models import CardState, ReviewLog

    folder.mkdir()
    paths = write_notes(folder, NOTE_COUNT)
    notes_import(paths=paths)
    instructor = User.objects.create_user("ines")
    instructor.groups.add(instructors_group_ensure())
    instructor = User.objects.get(pk=instructor.pk)
    note = Note.objects.get(note_id="BEN-0001")
    now = timezone.now()
    learners = User.objects.bulk_create([User(username=f"learner{i}") for i in range(LEARNERS)])
    cards = list(Card.objects.filter(note=note))
    CardState.objects.bulk_create(
        [
            CardState(user=u, card=c, state=2, last_review=now - timedelta(days=3), due=now + timedelta(days=5))
            for u in learners
            for c in cards
        ]
    )
    questions = list(Card.objects.filter(kind="question").select_related("note"))
    logs = []
    for i, user in enumerate(learners[:ANSWERING]):
        for card in questions:
            letters = [o["letter"] for o in card.note.parsed["options"]]
            chosen = letters[(i + card.pk) % len(letters) :][:2]
            logs.append(
                ReviewLog(
                    user=user,
                    card=card,
                    rating=3,
                    reviewed_at=now,
                    study_day=now.date(),
                    previous_state=0,
                    chosen=chosen,
                    score=0.5,
                )
            )
    ReviewLog.objects.bulk_create(logs, batch_size=2000)
    return instructor, note


def _edited(source: str) -> str:
    """A changed answer: the first table row's second cell."""
    lines = source.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("| **") and line.count("|") >= 4:
            cells = line.split("|")
            cells[2] = " an edited cell "
            lines[i] = "|".join(cells)
            break
    return "\n".join(lines)


def run(repeats: int = REPEATS) -> dict:
    with temporary_folder("bench-authoring-") as folder:
        django_with_sqlite(folder / "db.sqlite3")
        from django.test import Client, override_settings

        from studyapp.authoring import services
        from studyapp.authoring.analysis import questions_analyse
        from studyapp.authoring.checks import text_check
        from studyapp.authoring.impact import impact_of
        from studyapp.authoring.uploads import Entry
        from studyapp.notes.models import Note

        with quiet_queries():
            instructor, note = _setup(folder / "notes")
            text = _edited(note.source)

            check_times = []
            for _ in range(repeats):
                with Stopwatch() as watch:
                    check = text_check(text=text, user=instructor, note=note)
                    impact = impact_of(note=note, parsed=check.parsed)
                check_times.append(watch.seconds)
            assert check.ok and impact.reset == 1 and impact.reset_learners == LEARNERS, (check.problems, impact)

            client = Client(HTTP_HX_REQUEST="true", HTTP_HOST="localhost")
            client.force_login(instructor)
            view_times = []
            # The author's budget of checks would refuse the repeats: this times one check.
            with override_settings(EDITOR_CHECK_THROTTLE_PER_USER=(1_000_000, 1)):
                for _ in range(repeats):
                    with Stopwatch() as watch:
                        response = client.post(f"/author/notes/{note.note_id}/preview/", {"text": text})
                    view_times.append(watch.seconds)
            assert response.status_code == 200

            upload_folder = folder / "upload"
            upload_folder.mkdir()
            entries = [
                Entry(p.name.replace("BEN-", "UPL-"), p.read_text(encoding="utf-8").replace("BEN-", "UPL-").encode())
                for p in write_notes(upload_folder, UPLOAD, seed=7)
            ]
            with Stopwatch() as upload:
                job = services.upload_job_create(user=instructor, entries=entries)
                services.upload_job_run(job_id=job.pk)
            assert job.total == UPLOAD and Note.objects.filter(note_id__startswith="UPL-").count() == UPLOAD

            analysis_times = []
            for _ in range(max(3, repeats // 10)):
                with Stopwatch() as watch:
                    stats = questions_analyse(notes=Note.objects.all())
                analysis_times.append(watch.seconds)
            assert len(stats) == NOTE_COUNT + UPLOAD

    check_times.sort()
    results = {
        "authoring_check_median_ms": round(1000 * statistics.median(check_times), 1),
        "authoring_check_p95_ms": round(1000 * check_times[int(0.95 * (len(check_times) - 1))], 1),
        "authoring_preview_view_median_ms": round(1000 * statistics.median(view_times), 1),
        "authoring_upload_200_notes_s": round(upload.seconds, 2),
        "authoring_item_analysis_1200_questions_s": round(statistics.median(analysis_times), 2),
    }
    print_table(
        f"Authoring on {NOTE_COUNT} notes ({LEARNERS} learners on the edited note, {ANSWERING * NOTE_COUNT} answers)",
        ("figure", "value"),
        [(k, str(v)) for k, v in results.items()],
    )
    warning = busy_warning()
    if warning:
        print(warning)
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    return run(args.repeat)


if __name__ == "__main__":
    main()
