"""Offline study: the day's bundle for a device, and the sync of its answers.

Run from the repository root:

    .venv/bin/python bench/offline_sync.py [--json]
    (or: make bench, which runs every benchmark)

What it does, on a throw-away SQLite database: imports the exam bank
(``notes/``, 100 notes) with every card's HTML rendered, as after a deploy;
makes a learner whose day holds 200 cards (200 new cards allowed: the bank's
first notes, their scenario questions with options and reasoning included);
then, in the server's own code (no HTTP, no session):

* prepare: what ``GET /study/offline/bundle/`` does, the day planned, the
  bundle built and encoded as JSON; the median of 5 (the first, which also
  creates the learner's card states, is reported apart);
* the store: the bundle's size in KB (the device keeps the JSON as it came);
* sync: 200 answers recorded on a device (each card once, Good, a minute
  apart) applied as ``POST /study/offline/sync/`` applies them; the
  statements sent and the milliseconds per answer.

Targets (issue 19): store at most 2 MB, prepare at most 300 ms, sync at most
5 ms per answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    Stopwatch,
    busy_warning,
    django_with_sqlite,
    machine,
    quiet_queries,
    temporary_folder,
)

CARDS = 200
PREPARE_RUNS = 5
TARGETS = {"offline_store_kb_200_cards": 2048, "offline_prepare_ms": 300, "offline_sync_ms_per_answer": 5}


def _bank_imported() -> int:
    from studyapp.notes.rendering import cards_render
    from studyapp.notes.services import notes_import

    notes_import(paths=sorted((ROOT / "notes").glob("*.md")))
    return cards_render()


def _learner(name: str):
    from django.contrib.auth.models import User

    user = User.objects.create_user(f"offline-{name}", f"{name}@example.com", "offline-bench-password-1")
    profile = user.profile
    profile.new_per_day = CARDS
    profile.save()
    return User.objects.select_related("profile").get(pk=user.pk)


def _prepare(user) -> tuple[bytes, float, float]:
    from django.utils import timezone

    from studyapp.study import services
    from studyapp.study.offline_bundle import bundle_json, offline_bundle

    profile, now = user.profile, timezone.now()
    with Stopwatch() as watch:
        services.study_session_open(user=user, profile=profile, now=now)
        today = services.today_for(user=user, profile=profile, now=now)
        body = bundle_json(
            offline_bundle(user=user, profile=profile, today=today, study_day=profile.clock().study_day(now))
        )
    return body, watch.seconds * 1000, watch.cpu_seconds * 1000


def _answers(bundle: dict) -> list[dict]:
    """What a device records studying the whole bundle: each card once,
    Good (a scenario question answered right), a minute apart."""
    fetched = round(datetime.fromisoformat(bundle["generated_at"]).timestamp() * 1000)
    answers = []
    for i, card in enumerate(bundle["cards"]):
        question = card["question"] if card["question"] and card["question"]["mode"] == "choice" else None
        answers.append(
            {
                "client_id": str(uuid.uuid4()),
                "state_id": card["state_id"],
                "card_version": card["version"],
                "kind": "answer" if question else "grade",
                "rating": None if question else 3,
                "chosen": [o["letter"] for o in question["options"] if o["correct"]] if question else None,
                "answered_at": fetched + 1000 + 60_000 * i,
                "duration_ms": 5000,
                "fetched_at": fetched,
            }
        )
    return answers


def _sync(user, answers: list[dict]) -> list:
    from django.utils import timezone

    from studyapp.study.offline_entries import entries_parse
    from studyapp.study.offline_sync import offline_answers_apply

    entries, refused = entries_parse({"answers": answers}, now=timezone.now())
    return offline_answers_apply(user=user, profile=user.profile, entries=entries, refused=refused)


def run() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with temporary_folder("offline-sync-") as folder:
        django_with_sqlite(folder / "bench.sqlite3")
        rendered = _bank_imported()
        # Two learners with the same day: one timed (no query log, as
        # production runs), one whose statements are counted.
        timed, counted = _learner("timed"), _learner("counted")
        with quiet_queries():
            _body, first_ms, _cpu = _prepare(timed)
            runs = [_prepare(timed) for _ in range(PREPARE_RUNS)]
            bundle = json.loads(runs[-1][0])
            answers = _answers(bundle)
            with Stopwatch() as watch:
                results = _sync(timed, answers)
            counted_answers = _answers(json.loads(_prepare(counted)[0]))
        with CaptureQueriesContext(connection) as queries:
            _sync(counted, counted_answers)
        statuses = sorted({r.status for r in results})
        assert statuses == ["applied"], statuses
        return {
            "offline_store_kb_200_cards": round(len(runs[-1][0]) / 1024, 1),
            "offline_prepare_ms": round(statistics.median(ms for _body, ms, _cpu in runs), 1),
            "offline_sync_ms_per_answer": round(watch.seconds * 1000 / len(answers), 2),
            "offline_sync_statements_per_answer": round(len(queries) / len(counted_answers), 2),
            "details": {
                "cards_in_bundle": len(bundle["cards"]),
                "questions_in_bundle": sum(1 for c in bundle["cards"] if c["question"]),
                "cards_rendered": rendered,
                "first_prepare_ms": round(first_ms, 1),
                "prepare_runs_ms": [round(ms, 1) for _body, ms, _cpu in runs],
                # This process's CPU time: what preparing costs, whatever else runs on the machine.
                "prepare_runs_cpu_ms": [round(cpu, 1) for _body, _ms, cpu in runs],
                "sync_cpu_ms_per_answer": round(watch.cpu_seconds * 1000 / len(answers), 2),
                "sync_answers": len(answers),
                "sync_statements": len(queries),
                "sync_seconds": round(watch.seconds, 3),
                "database": "sqlite",
                "targets": TARGETS,
                "machine": machine(),
                "warning": busy_warning(),
            },
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    figures = run()
    if parser.parse_args().json:
        print(json.dumps(figures, indent=2))
        return
    details = figures.pop("details")
    for key, value in figures.items():
        target = TARGETS.get(key)
        print(f"{key:40} {value:>10}" + (f"   (target <= {target})" if target else ""))
    print(json.dumps(details, indent=2))


if __name__ == "__main__":
    main()
