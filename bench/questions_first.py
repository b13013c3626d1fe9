"""How many scenario questions a new learner meets a day in the first week,
with the defaults (20 new cards a day): issue 16 asks for at least 5.

Run from the repository root:

    .venv/bin/python bench/questions_first.py   (or: make bench)

A fresh SQLite database, the shipped bank (notes/) imported, one learner
with the default settings, and seven study days driven through the app's
services by bench/study_week.py (the same driver the test that counts uses):
sessions at ordinary times of day, one past midnight, a bury and a suspend
of a new question. Not a timing: the figure is a count, the same on every
machine. ``questions_per_day_week1`` is the fewest distinct questions met
on one study day; the mean and each day's count are under ``_details``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, django_with_sqlite, print_table, temporary_folder  # noqa: E402

START = date(2026, 3, 2)
TARGET = 5


def run() -> dict:
    with temporary_folder("studyapp-questions-first-") as folder:
        django_with_sqlite(folder / "bench.sqlite3")
        return _measure()


def _measure() -> dict:
    from django.contrib.auth import get_user_model

    from bench.study_week import study_week
    from studyapp.notes.services import notes_import

    imported = notes_import(paths=sorted((ROOT / "notes").glob("*.md")))
    learner = get_user_model().objects.create_user("week-one", password="not-used-here")
    week = study_week(user=learner, start=START)
    per_day = week.questions_per_day()
    days = sorted(week.cards)
    print_table(
        "Questions met per study day, first week, defaults (20 new cards a day)",
        ("study day", "questions", "question showings", "cards shown"),
        [(str(d), len(week.questions[d]), week.question_showings[d], week.cards[d]) for d in days],
    )
    print(f"\nminimum {min(per_day)} a day (target at least {TARGET}); given away: {len(week.given_away)}")
    return {
        "questions_per_day_week1": min(per_day),
        "setup": {"notes": len(imported.notes), "new_per_day": learner.profile.new_per_day, "start": str(START)},
        "week": {
            "questions_per_day_mean": round(sum(per_day) / len(per_day), 2),
            "questions_per_day": per_day,
            "question_showings_per_day": [week.question_showings[d] for d in days],
            "cards_per_day": [week.cards[d] for d in days],
            "questions_given_away": len(week.given_away),
        },
    }


if __name__ == "__main__":
    run()
