"""Review loop under load: grading cards against a floor page, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/review_loop.py [--seconds 10] [--rounds 2] [--json]
    (or: make bench, which runs every benchmark)

What it does, in one run:

1. Creates a dedicated PostgreSQL database (``studyapp_bench_review_loop``,
   dropped at the end) and fills it: 100 notes of 20 cards imported through
   ``notes_import``, 200 learners with 2,000 card states each (most in review
   with due dates spread over the past and the future, some new, a few in
   learning) and 500,000 review logs with the study-day counters they imply,
   loaded with COPY and followed by VACUUM ANALYZE (autovacuum may be off).
2. Starts the app under gunicorn with ``gunicorn.conf.py`` (2 sync workers,
   production settings, access log off) on a free port of 127.0.0.1.
3. Starts the floor, a minimal Django project of its own
   (``bench/floor_site``: one logged-in page with one query of its own, its
   own database), under the same gunicorn configuration on another port.
4. Drives both with 8 concurrent virtual learners (``bench/loadgen.py``), each
   with its own sessions: the floor (``GET /floor/``) and the review loop (``POST
   /study/grade/<id>/``, the next card's id and version read from the
   fragment it returns), in alternating rounds of the same length, then each
   with one learner alone (latency without queueing). Every 10th answer is
   sent twice, alternately as a retry (after the first reply) and as a double
   click (both requests in flight at once). The CPU time of the workers and of
   the PostgreSQL backends is read around each phase: a cost per request that
   other processes on the machine disturb less than throughput.
5. Checks in the database that the review logs added are exactly the distinct
   answers the server accepted, none recorded twice, and that no request failed.

Targets (issue: review loop benchmark): the loop reaches at least 50 % of the
floor's requests per second, and its p95 stays under 50 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Stopwatch, busy_warning, machine, print_table  # noqa: E402
from bench.loadgen import Http, Response, Samples, Summary, VirtualUser, run_phase, summarize  # noqa: E402

# -- the set-up -------------------------------------------------------
LEARNERS = 200
NOTES = 100
CARDS_PER_NOTE = 20
REVIEW_LOGS = 500_000
VIRTUAL_LEARNERS = 8
WORKERS = 2
# Alternating floor/loop rounds: a slow patch of the machine (a checkpoint, a
# worker recycled by max_requests) then lands in both measurements, not one.
ROUNDS = 2
PHASE_SECONDS = 10.0
WARMUP_SECONDS = 3.0
SOLO_SECONDS = 5.0
# A count bound next to the time bound (far above what 2 cores can serve).
MAX_REQUESTS_PER_PHASE = 20_000
DUPLICATE_EVERY = 10
# A learner answers this many cards, then the virtual learner moves on to the
# next of its learners: 8 at a time, all 200 over the run, none of them
# reaching the default 200 reviews a day.
ANSWERS_PER_SITTING = 40
SEED = 20260301

TARGET_RATIO = 0.5
TARGET_P95_MS = 50.0

DATABASE = "studyapp_bench_review_loop"
FLOOR_APP = "bench.floor_site.wsgi:application"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
# Before measuring, wait this long at most for the CPUs to be this idle: the
# figures are only comparable between runs on a quiet machine.
QUIET_WAIT_S = 30.0
QUIET_BELOW = 0.15

# Ratings drawn by the virtual learners: mostly Good, as in real sessions.
RATINGS = ((1, 0.08), (2, 0.10), (3, 0.72), (4, 0.10))
# The grade form: its card, the version it answers and what the page says is
# left today (sent back as the browser does, so the server need not count).
GRADE_FORM = re.compile(
    r'hx-post="/study/grade/(\d+)/"[^>]*>\s*<input type="hidden" name="version" value="(\d+)">'
    r'(?:\s*<input type="hidden" name="left" value="(\d+)">)?'
)
DONE_FOR_TODAY = 'data-mode="done"'
FLOOR_MARKER = "You have answered"


# =============================================================================
# The database
# =============================================================================


def recreate_database(server_url: str, name: str) -> str:
    """Drop and create ``name`` on the server; returns its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def production_env(database_url: str, secret_key: str) -> dict[str, str]:
    """Production settings, minus what needs TLS in front (none on loopback)."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "STATIC_MANIFEST": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }


def django_setup(env: dict[str, str]) -> None:
    """Set Django up in this process on the bench database, and migrate it.

    The test client used to count queries sends Host: testserver."""
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = f"{env['ALLOWED_HOSTS']},testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "studyapp.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


# =============================================================================
# Data: notes, learners, card states, review logs
# =============================================================================


@dataclass(frozen=True)
class Scale:
    learners: int = LEARNERS
    notes: int = NOTES
    review_logs: int = REVIEW_LOGS
    seed: int = SEED


@dataclass
class BuildReport:
    cards: int = 0
    learners: int = 0
    card_states: int = 0
    review_logs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def note_text(number: int) -> str:
    """tests/samples' note without option texts, grown from 11 to 20 cards.

    Without option texts the scenario card is recalled and graded with the
    same form as the flashcards, so every card in the loop is a grade."""
    from tests import samples

    text = samples.NO_QUESTION_SECTION
    additions = [
        (
            '- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。\n',
            '- **"別リージョン" (another Region)**: CRR を考える。\n'
            '- **"既存オブジェクト" (existing objects)**: Batch Replication が必要。\n'
            '- **"削除マーカー" (delete markers)**: 既定では複製されない。\n',
        ),
        (
            "| **Lambda copy** | No | Yes |\n",
            "| **DataSync** | Yes | Yes |\n| **Snowball** | No | Yes |\n| **CLI sync** | No | Yes |\n",
        ),
        (
            "> | 別リージョンへの複製 | S3 Replication (CRR) |\n",
            "> | 既存オブジェクトの複製 | S3 Batch Replication |\n"
            "> | 同一リージョン内の複製 | S3 Replication (SRR) |\n",
        ),
        ("> - Transfer Acceleration は複製ではない。\n", "> - バージョニングなしでは複製できない。\n"),
    ]
    for anchor, extra in additions:
        if anchor not in text:
            raise RuntimeError(f"tests/samples.py changed: {anchor.strip()!r} is gone")
        text = text.replace(anchor, anchor + extra)
    return samples.with_id(text, f"BENCH-{number:04d}")


def import_notes(count: int) -> list[int]:
    """Import ``count`` generated notes; returns card ids in study order."""
    from studyapp.notes.models import Card
    from studyapp.notes.services import notes_import

    with tempfile.TemporaryDirectory(prefix="review-loop-notes-") as folder:
        paths = []
        for number in range(1, count + 1):
            path = Path(folder) / f"BENCH-{number:04d}.md"
            path.write_text(note_text(number), encoding="utf-8")
            paths.append(path)
        run = notes_import(paths=[Path(folder)])
    failed = [r.path for r in run.notes if r.status != "created"]
    if failed:
        raise RuntimeError(f"{len(failed)} generated notes did not import, e.g. {failed[0]}")
    card_ids = list(Card.objects.active().order_by("note__note_id", "position").values_list("id", flat=True))
    if len(card_ids) != count * CARDS_PER_NOTE:
        raise RuntimeError(f"{len(card_ids)} cards from {count} notes, expected {count * CARDS_PER_NOTE}")
    return card_ids


def create_learners(count: int) -> list[int]:
    """Users and their profiles (bulk_create skips the signal that makes profiles)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from studyapp.accounts.models import Profile

    users = User.objects.bulk_create(
        [User(username=f"learner{i:03d}", password=make_password(None)) for i in range(count)]
    )
    Profile.objects.bulk_create([Profile(user=user) for user in users])
    return [user.pk for user in users]


STATE_COLUMNS = (
    "id", "user_id", "card_id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
    "lapses", "new_rank", "in_scope", "suspended", "buried_until", "is_leech", "version", "changed_notice",
    "created_at",
)  # fmt: skip
LOG_COLUMNS = (
    "id", "user_id", "card_id", "state_id", "rating", "reviewed_at", "study_day", "duration_ms",
    "previous_state", "elapsed_days", "interval_days", "state_before", "state_after", "chosen", "score",
)  # fmt: skip
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
NEW_SHARE = 0.10
LEARNING_SHARE = 0.02
RELEARNING_SHARE = 0.01
# Review due dates spread from 20 days overdue to 60 days ahead: about a
# quarter of each learner's reviews are due, far more than a day's limit.
DUE_FROM_DAYS, DUE_TO_DAYS = -20.0, 60.0


@dataclass(slots=True)
class PlannedState:
    """One CardState row as the generator plans it (before its logs are known)."""

    id: int
    user_id: int
    card_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    new_rank: int
    logs: int = 0

    def row(self, created_at: datetime) -> tuple:
        return (
            self.id, self.user_id, self.card_id, self.state, self.step, self.stability, self.difficulty,
            self.due, self.last_review, self.logs, 0, self.new_rank, True, False, None, False, self.logs,
            False, created_at,
        )  # fmt: skip


def plan_learner(
    rng: random.Random, *, user_id: int, card_ids: list[int], first_id: int, logs: int, now: datetime
) -> list[PlannedState]:
    """A learner part-way through the deck: the last cards in study order are
    still new, the others were reviewed at least once; ``logs`` answers are
    spread over the reviewed ones (each has one, some have more)."""
    new_count = round(len(card_ids) * NEW_SHARE)
    studied = min(len(card_ids) - new_count, logs)
    states = []
    for rank, card_id in enumerate(card_ids):
        state_id = first_id + rank
        if rank >= studied:
            states.append(PlannedState(state_id, user_id, card_id, NEW, None, None, None, None, None, rank))
        else:
            states.append(_studied_state(rng, state_id, user_id, card_id, rank, now))
    reviewed = states[:studied]
    for state in reviewed:
        state.logs = 1
    for state in rng.choices(reviewed, k=logs - studied) if reviewed else []:
        state.logs += 1
    return states


def _studied_state(
    rng: random.Random, state_id: int, user_id: int, card_id: int, rank: int, now: datetime
) -> PlannedState:
    draw = rng.random()
    difficulty = round(rng.uniform(1.5, 9.5), 4)
    # The last answer was yesterday at the latest: today's counters start empty.
    latest = now - timedelta(days=1, hours=rng.uniform(0, 12))
    if draw < LEARNING_SHARE + RELEARNING_SHARE:
        kind = LEARNING if draw < LEARNING_SHARE else RELEARNING
        due = now + timedelta(minutes=rng.uniform(-30, 120))
        step = rng.choice((0, 1)) if kind == LEARNING else 0
        stability = round(rng.uniform(0.2, 3.0), 4)
        return PlannedState(state_id, user_id, card_id, kind, step, stability, difficulty, due, latest, rank)
    stability = round(2.718281828 ** rng.uniform(0.0, 4.8), 4)
    due = now + timedelta(days=rng.uniform(DUE_FROM_DAYS, DUE_TO_DAYS))
    interval = timedelta(days=max(1.0, stability * rng.uniform(0.8, 1.3)))
    last_review = min(due - interval, latest)
    return PlannedState(state_id, user_id, card_id, REVIEW, None, stability, difficulty, due, last_review, rank)


def log_rows(state: PlannedState, rng: random.Random, first_id: int) -> Iterator[tuple]:
    """The state's answers, oldest first: the last one is its last review and
    set its current due date; each keeps the snapshots before and after."""
    times = [state.last_review]
    for _ in range(state.logs - 1):
        times.append(times[-1] - timedelta(days=rng.uniform(1.0, 20.0)))
    times.reverse()
    dues = [*times[1:], state.due]
    before = _snapshot(NEW, None, None, None, None, None, 0, state.new_rank)
    for index, (reviewed_at, due) in enumerate(zip(times, dues, strict=True)):
        kind = state.state if index == len(times) - 1 else REVIEW
        after = _snapshot(
            kind, state.step, state.stability, state.difficulty, due, reviewed_at, index + 1, state.new_rank
        )
        previous = NEW if index == 0 else REVIEW
        elapsed = (reviewed_at - times[index - 1]).total_seconds() / 86400 if index else None
        yield (
            first_id + index, state.user_id, state.card_id, state.id, _draw_rating(rng), reviewed_at,
            (reviewed_at - timedelta(hours=4)).date(), rng.randint(2_000, 20_000), previous, elapsed,
            (due - reviewed_at).total_seconds() / 86400, before, after, None, None,
        )  # fmt: skip
        before = after


def _snapshot(kind, step, stability, difficulty, due, last_review, reps: int, new_rank: int) -> dict:
    """What services.snapshot stores in state_before / state_after."""
    return {
        "state": kind,
        "step": step,
        "stability": stability,
        "difficulty": difficulty,
        "due": due.isoformat() if due else None,
        "last_review": last_review.isoformat() if last_review else None,
        "reps": reps,
        "lapses": 0,
        "suspended": False,
        "buried_until": None,
        "is_leech": False,
        "version": reps,
        "changed_notice": False,
        "new_rank": new_rank,
    }


def _draw_rating(rng: random.Random) -> int:
    pick = rng.random()
    for rating, share in RATINGS:
        pick -= share
        if pick < 0:
            return rating
    return RATINGS[-1][0]


def build_data(scale: Scale, now: datetime | None = None) -> BuildReport:
    """Notes, learners, their card states and review history; then statistics."""
    from django.contrib.auth.models import User

    from studyapp.study.models import CardState, ReviewLog

    now = now or datetime.now(UTC)
    report = BuildReport()
    with Stopwatch() as watch:
        card_ids = import_notes(scale.notes)
    report.seconds["notes"], report.cards = round(watch.seconds, 1), len(card_ids)
    with Stopwatch() as watch:
        user_ids = create_learners(scale.learners)
        plans = _plan_all(scale, user_ids, card_ids, now)
        report.card_states = insert_rows(CardState, STATE_COLUMNS, (s.row(now) for p in plans for s in p))
    report.seconds["learners_and_states"], report.learners = round(watch.seconds, 1), len(user_ids)
    with Stopwatch() as watch:
        report.review_logs = insert_rows(ReviewLog, LOG_COLUMNS, _all_log_rows(plans, scale.seed))
        reset_sequences([CardState, ReviewLog, User])
    report.seconds["review_logs"] = round(watch.seconds, 1)
    with Stopwatch() as watch:
        analyze()
    report.seconds["vacuum_analyze"] = round(watch.seconds, 1)
    return report


def _plan_all(scale: Scale, user_ids: list[int], card_ids: list[int], now: datetime) -> list[list[PlannedState]]:
    plans = []
    per_learner, extra = divmod(scale.review_logs, len(user_ids))
    for index, user_id in enumerate(user_ids):
        rng = random.Random(scale.seed * 1_000_003 + index)
        logs = per_learner + (index < extra)
        first_id = index * len(card_ids) + 1
        plans.append(plan_learner(rng, user_id=user_id, card_ids=card_ids, first_id=first_id, logs=logs, now=now))
    return plans


def _all_log_rows(plans: list[list[PlannedState]], seed: int) -> Iterator[tuple]:
    rng = random.Random(seed)
    next_id = 1
    for plan in plans:
        for state in plan:
            if state.logs:
                yield from log_rows(state, rng, next_id)
                next_id += state.logs


def insert_rows(model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """COPY on PostgreSQL (the bench), bulk_create elsewhere (the smoke test on SQLite)."""
    from django.db import connection, transaction

    json_columns = {i for i, name in enumerate(columns) if name in {"state_before", "state_after"}}
    count = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if json_columns:
                        row = tuple(Jsonb(v) if i in json_columns else v for i, v in enumerate(row))
                    copy.write_row(row)
                    count += 1
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(columns, row, strict=True))))
                if len(batch) == 2000:
                    count += len(model.objects.bulk_create(batch))
                    batch = []
            count += len(model.objects.bulk_create(batch))
    return count


def reset_sequences(models: list) -> None:
    """Rows were written with explicit ids: move the id sequences past them."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def analyze() -> None:
    """Planner statistics and the visibility map, as autovacuum would leave them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# =============================================================================
# Sessions: each virtual learner is logged in with its own cookie
# =============================================================================


@dataclass(frozen=True)
class Learner:
    user_id: int
    session_key: str
    csrf_secret: str
    # "sessionid=...; csrftoken=...", with the names the settings give the cookies.
    cookie: str
    # The floor's own session ("floor_sessionid=..."): another server, another project.
    floor_cookie: str = ""

    def floor_headers(self) -> dict[str, str]:
        return {"Cookie": self.floor_cookie}

    def headers(self, origin: str, *, htmx: bool = False, form: bool = False) -> dict[str, str]:
        headers = {"Cookie": self.cookie}
        if form:
            # What htmx sends with a form: the token in a header, the page's origin.
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf_secret,
                "Origin": origin,
            }
        if htmx:
            headers |= {"HX-Request": "true", "HX-Target": "study-card"}
        return headers


def learner_sessions(user_ids: list[int]) -> list[Learner]:
    """A logged-in session per learner, stored as ``login()`` stores it, and a
    CSRF secret as the csrftoken cookie holds it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = User.objects.in_bulk(user_ids)
    learners = []
    for user_id in user_ids:
        session = store()
        session[SESSION_KEY] = str(user_id)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = users[user_id].get_session_auth_hash()
        session.save()
        csrf = "".join(secrets.choice(CSRF_ALLOWED_CHARS) for _ in range(CSRF_SECRET_LENGTH))
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        learners.append(Learner(user_id, session.session_key, csrf, cookie))
    return learners


# =============================================================================
# Virtual learners
# =============================================================================


@dataclass
class AnswerBook:
    """Every answer a virtual learner sent: (state id, version) -> the
    statuses of the requests that carried it."""

    answers: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    retries: int = 0
    double_clicks: int = 0
    sittings: int = 0
    done_for_today: int = 0
    unreadable: int = 0

    def record(self, key: tuple[int, int], responses: Sequence[Response]) -> None:
        self.answers.setdefault(key, []).extend(r.status for r in responses)

    @property
    def accepted(self) -> set[tuple[int, int]]:
        return {key for key, statuses in self.answers.items() if any(200 <= s < 300 for s in statuses)}

    @property
    def submissions(self) -> int:
        return sum(len(statuses) for statuses in self.answers.values())


class GradingLearner:
    """Grades the card on screen, reads the next one from the reply, repeats;
    moves to its next learner after a sitting of ``ANSWERS_PER_SITTING``."""

    def __init__(
        self,
        learners: list[Learner],
        origin: str,
        rng: random.Random,
        *,
        duplicate_every: int = DUPLICATE_EVERY,
        double_clicks: bool = True,
        answers_per_sitting: int = ANSWERS_PER_SITTING,
    ) -> None:
        self.learners, self.origin, self.rng = learners, origin, rng
        self.duplicate_every, self.double_clicks = duplicate_every, double_clicks
        self.answers_per_sitting = answers_per_sitting
        self.book = AnswerBook()
        self._learner_index = -1
        self._card: tuple[int, int, int | None] | None = None
        self._answered_in_sitting = 0
        self._answers = 0

    @property
    def learner(self) -> Learner:
        return self.learners[self._learner_index % len(self.learners)]

    def step(self, http: Http) -> None:
        if self._card is None or self._answered_in_sitting >= self.answers_per_sitting:
            self._start_sitting(http)
        else:
            self._grade(http)

    def _start_sitting(self, http: Http) -> None:
        """The next learner opens the study page: their current card, as a fragment."""
        self._learner_index += 1
        self._answered_in_sitting = 0
        self.book.sittings += 1
        reply = http.request(
            "sitting_start", "GET", "/study/card/", headers=self.learner.headers(self.origin, htmx=True)
        )
        self._card = self._next_card(reply)

    def _grade(self, http: Http) -> None:
        state_id, version, left = self._card
        form = {"rating": _draw_rating(self.rng), "version": version, "duration_ms": self.rng.randint(1_500, 15_000)}
        if left is not None:
            form["left"] = left
        body = urllib.parse.urlencode(form)
        path = f"/study/grade/{state_id}/"
        headers = self.learner.headers(self.origin, htmx=True, form=True)
        self._answers += 1
        self._answered_in_sitting += 1
        if self._answers % self.duplicate_every:
            replies: Sequence[Response] = [http.request("grade", "POST", path, headers=headers, body=body)]
        elif self.double_clicks and self._answers // self.duplicate_every % 2:
            self.book.double_clicks += 1
            replies = http.request_twice_at_once("grade", "POST", path, headers=headers, body=body)
        else:
            self.book.retries += 1
            first = http.request("grade", "POST", path, headers=headers, body=body)
            replies = [first, http.request("grade", "POST", path, headers=headers, body=body)]
        self.book.record((state_id, version), replies)
        ok = [reply for reply in replies if reply.ok]
        self._card = self._next_card(ok[0]) if ok else None

    def _next_card(self, reply: Response) -> tuple[int, int, int | None] | None:
        if not reply.ok:
            return None
        match = GRADE_FORM.search(reply.body)
        if match:
            left = int(match.group(3)) if match.group(3) is not None else None
            return int(match.group(1)), int(match.group(2)), left
        if DONE_FOR_TODAY in reply.body:
            self.book.done_for_today += 1
        else:
            self.book.unreadable += 1
        return None


FLOOR_PATH = "/floor/"


class FloorReader:
    """Opens the floor page as one learner after another."""

    def __init__(self, learners: list[Learner]) -> None:
        self.learners = learners
        self._turn = 0
        self.wrong_pages = 0

    def step(self, http: Http) -> None:
        learner = self.learners[self._turn % len(self.learners)]
        self._turn += 1
        reply = http.request("floor", "GET", FLOOR_PATH, headers=learner.floor_headers())
        if reply.ok and FLOOR_MARKER not in reply.body:
            self.wrong_pages += 1


# =============================================================================
# Driving the load
# =============================================================================

FLOOR, LOOP = "floor", "loop"
# The request label each phase is measured on (sitting starts are not the loop).
MEASURED_LABEL = {FLOOR: "floor", LOOP: "grade"}


@dataclass
class CpuSpent:
    """CPU seconds spent during measured phases, and the requests served meanwhile."""

    workers: float = 0.0
    postgres: float = 0.0
    load_generator: float = 0.0
    requests: int = 0
    # A phase in which a worker was recycled (max_requests) cannot be counted:
    # the new worker's start-up would be charged to the requests.
    phases_skipped: int = 0

    def per_request_ms(self) -> dict[str, float | None]:
        if not self.requests:
            return {"workers": None, "postgres": None, "load_generator": None}
        return {
            "workers": round(self.workers / self.requests * 1000, 2),
            "postgres": round(self.postgres / self.requests * 1000, 2),
            "load_generator": round(self.load_generator / self.requests * 1000, 2),
        }


@dataclass
class LoadOutcome:
    """Measurements pooled per phase kind, plus everything sent (warm-up
    included) for the checks."""

    measured: dict[str, dict[str, Samples]] = field(default_factory=dict)
    cpu: dict[str, CpuSpent] = field(default_factory=dict)
    all_statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    graders: list[GradingLearner] = field(default_factory=list)
    readers: list[FloorReader] = field(default_factory=list)

    def summary(self, phase: str) -> Summary | None:
        samples = self.measured.get(phase, {}).get(MEASURED_LABEL[phase.removesuffix("_solo")])
        return summarize(samples) if samples else None

    def failed_requests(self) -> int:
        return sum(n for status, n in self.all_statuses.items() if not 200 <= status < 300)

    def book(self) -> AnswerBook:
        merged = AnswerBook()
        for grader in self.graders:
            merged.answers.update(grader.book.answers)
            merged.retries += grader.book.retries
            merged.double_clicks += grader.book.double_clicks
            merged.sittings += grader.book.sittings
            merged.done_for_today += grader.book.done_for_today
            merged.unreadable += grader.book.unreadable
        return merged


@dataclass(frozen=True)
class Schedule:
    """Phase lengths in seconds; None: a phase ends on its request budget
    alone (``max_requests``), as the tests need, whatever the machine's speed."""

    rounds: int = ROUNDS
    seconds: float | None = PHASE_SECONDS
    warmup_seconds: float | None = WARMUP_SECONDS
    # One virtual learner alone: the time a request takes without queueing.
    solo_seconds: float | None = SOLO_SECONDS
    max_requests: int = MAX_REQUESTS_PER_PHASE
    virtual_learners: int = VIRTUAL_LEARNERS
    duplicate_every: int = DUPLICATE_EVERY
    double_clicks: bool = True
    answers_per_sitting: int = ANSWERS_PER_SITTING
    quiet_wait_s: float = QUIET_WAIT_S


class CpuMeter(Protocol):
    def snapshot(self) -> CpuSnapshot: ...


def drive_load(
    learners: list[Learner],
    *,
    host: str,
    port: int,
    floor_port: int,
    schedule: Schedule,
    seed: int = SEED,
    cpu: dict[str, CpuMeter] | None = None,
) -> LoadOutcome:
    """Warm-up, alternating floor / review-loop rounds with 8 virtual
    learners, then each alone; the same sessions throughout. The app listens
    on ``port``, the floor project on ``floor_port``; ``cpu`` reads the CPU
    time of the server of each (FLOOR, LOOP)."""
    origin = f"http://{host}:{port}"
    count = min(schedule.virtual_learners, len(learners))
    shares = [learners[i::count] for i in range(count)]
    outcome = LoadOutcome(
        graders=[_grader(share, origin, seed + i, schedule) for i, share in enumerate(shares)],
        readers=[FloorReader(share) for share in shares],
    )
    crowd = {FLOOR: outcome.readers, LOOP: outcome.graders}
    driver = _Driver(outcome, host, {FLOOR: floor_port, LOOP: port}, schedule.max_requests, cpu or {})
    if schedule.warmup_seconds is None or schedule.warmup_seconds > 0:
        for phase, users in crowd.items():
            driver.run(phase, users, schedule.warmup_seconds, measured=False)
    for _ in range(schedule.rounds):
        for phase, users in crowd.items():
            driver.run(phase, users, schedule.seconds, measured=True)
    if schedule.solo_seconds is None or schedule.solo_seconds > 0:
        # A fresh grader: it opens its learner's current card, whatever the crowd left.
        solo_grader = _grader(learners, origin, seed + count, schedule)
        outcome.graders.append(solo_grader)
        driver.run(f"{FLOOR}_solo", [FloorReader(learners)], schedule.solo_seconds, measured=True)
        driver.run(f"{LOOP}_solo", [solo_grader], schedule.solo_seconds, measured=True)
    return outcome


def _grader(learners: list[Learner], origin: str, seed: int, schedule: Schedule) -> GradingLearner:
    return GradingLearner(
        learners,
        origin,
        random.Random(seed),
        duplicate_every=schedule.duplicate_every,
        double_clicks=schedule.double_clicks,
        answers_per_sitting=schedule.answers_per_sitting,
    )


@dataclass
class _Driver:
    outcome: LoadOutcome
    host: str
    ports: dict[str, int]  # FLOOR and LOOP: each phase kind has its server
    max_requests: int
    cpu: dict[str, CpuMeter]  # FLOOR and LOOP, like ports

    def run(self, phase: str, users: Sequence[VirtualUser], seconds: float | None, *, measured: bool) -> None:
        kind = phase.removesuffix("_solo")
        meter = self.cpu.get(kind) if measured else None
        before = meter.snapshot() if meter else None
        result = run_phase(
            users, host=self.host, port=self.ports[kind], seconds=seconds, max_requests=self.max_requests
        )
        after = meter.snapshot() if meter else None
        self.outcome.errors.extend(result.errors)
        for samples in result.samples.values():
            self.outcome.all_statuses.update(samples.statuses)
        if not measured:
            return
        pooled = self.outcome.measured.setdefault(phase, {})
        for label, samples in result.samples.items():
            pooled.setdefault(label, Samples()).extend(samples)
        if before and after:
            requests = sum(len(samples.latencies) for samples in result.samples.values())
            _charge(self.outcome.cpu.setdefault(phase, CpuSpent()), before, after, requests)


# =============================================================================
# Checks against the database
# =============================================================================


@dataclass(frozen=True)
class LedgerCheck:
    logs_added: int
    accepted_answers: int
    recorded_twice: int
    missing: int
    unexpected: int

    @property
    def equal(self) -> bool:
        return self.logs_added == self.accepted_answers and not (self.recorded_twice or self.missing or self.unexpected)


def latest_log_id() -> int:
    from django.db.models import Max

    from studyapp.study.models import ReviewLog

    return ReviewLog.objects.aggregate(top=Max("id"))["top"] or 0


def check_ledger(after_id: int, book: AnswerBook) -> LedgerCheck:
    """The logs written since ``after_id`` against the answers the server
    accepted: one log per (card state, version answered), no more, no less."""
    from studyapp.study.models import ReviewLog

    rows = ReviewLog.objects.filter(id__gt=after_id).values_list("state_id", "state_before")
    logged = Counter((state_id, before["version"]) for state_id, before in rows)
    accepted = book.accepted
    return LedgerCheck(
        logs_added=sum(logged.values()),
        accepted_answers=len(accepted),
        recorded_twice=sum(1 for n in logged.values() if n > 1),
        missing=len(accepted - set(logged)),
        unexpected=len(set(logged) - accepted),
    )


@dataclass(frozen=True)
class QueryCount:
    grade: int
    first_grade_of_day: int
    floor: int
    grade_statements: list[str]


def count_queries(learner: Learner, floor_queries: int) -> QueryCount:
    """Statements for a whole grade request (session, user, the answer, the
    next card), through Django's test client; the floor project counted its
    own page's (``floor_prepare``).

    The first answer of a study day also creates the day's counters; the
    steady state is the second answer onwards."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = learner.session_key
    htmx = {"HX-Request": "true"}
    card = client.get("/study/card/", headers=htmx)
    grades = []
    for _ in range(2):
        match = GRADE_FORM.search(card.content.decode())
        if not match:
            raise RuntimeError(f"no card to grade for learner {learner.user_id} (status {card.status_code})")
        with CaptureQueriesContext(connection) as grade:
            card = client.post(
                f"/study/grade/{match.group(1)}/",
                {"rating": 3, "version": match.group(2), "left": match.group(3) or ""},
                headers=htmx,
            )
        if card.status_code != 200:
            raise RuntimeError(f"query count: grade answered {card.status_code}")
        grades.append(grade)
    first, steady = grades
    return QueryCount(len(steady), len(first), floor_queries, [q["sql"][:160] for q in steady.captured_queries])


# =============================================================================
# The floor: a Django project of its own (bench/floor_site)
# =============================================================================


@dataclass(frozen=True)
class FloorSite:
    env: dict[str, str]  # what its server needs: its database and secret
    cookie_name: str
    session_keys: list[str]
    queries: int  # statements of one floor page

    def with_sessions(self, learners: list[Learner]) -> list[Learner]:
        """Each learner also logged in to the floor (one floor user per learner)."""
        return [
            replace(learner, floor_cookie=f"{self.cookie_name}={self.session_keys[i % len(self.session_keys)]}")
            for i, learner in enumerate(learners)
        ]


def floor_prepare(database_url: str, sessions: int) -> FloorSite:
    """Migrate the floor's database and log its users in, in a process of its
    own (this one has studyapp's settings)."""
    env = {"FLOOR_DATABASE_URL": database_url, "FLOOR_SECRET_KEY": secrets.token_urlsafe(50)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.floor_site.prepare", str(sessions)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the floor project could not be prepared:\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return FloorSite(env, data["cookie_name"], data["session_keys"], data["queries"])


# =============================================================================
# The machine: other work on the same cores skews every figure
# =============================================================================


def cpu_busy_share(seconds: float = 2.0) -> float | None:
    """Share of all CPUs busy over ``seconds`` (from /proc/stat; None elsewhere)."""
    try:
        first = _cpu_times()
        time.sleep(seconds)
        second = _cpu_times()
    except OSError:
        return None
    idle = (second[0] - first[0]) / max(1, second[1] - first[1])
    return round(1.0 - idle, 2)


def _cpu_times() -> tuple[int, int]:
    """(idle + iowait, total) jiffies of all CPUs."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return values[3] + values[4], sum(values)


def wait_for_quiet(limit_s: float, busy_below: float = QUIET_BELOW) -> float | None:
    """Wait (at most ``limit_s``) for the other processes on the machine to
    leave the CPUs mostly idle; returns the busy share last seen."""
    deadline = time.monotonic() + limit_s
    busy = cpu_busy_share()
    while busy is not None and busy >= busy_below and time.monotonic() < deadline:
        busy = cpu_busy_share()
    return busy


@dataclass(frozen=True)
class CpuSnapshot:
    """Clock ticks used so far by each gunicorn worker and each PostgreSQL
    backend of the bench database, and this process's CPU seconds."""

    workers: dict[int, int]
    postgres: dict[int, int]
    own_seconds: float


class ProcessCpu:
    """Reads the CPU time of the processes that serve the requests: a cost per
    request that other work on the machine disturbs far less than latency."""

    def __init__(self, master_pid: int) -> None:
        self.master_pid = master_pid

    def snapshot(self) -> CpuSnapshot:
        workers = {pid: _ticks(pid) for pid in _children(self.master_pid)}
        backends = {pid: _ticks(pid) for pid in _postgres_backends()}
        return CpuSnapshot(
            workers={pid: t for pid, t in workers.items() if t is not None},
            postgres={pid: t for pid, t in backends.items() if t is not None},
            own_seconds=time.process_time(),
        )


def _charge(spent: CpuSpent, before: CpuSnapshot, after: CpuSnapshot, requests: int) -> None:
    if set(before.workers) != set(after.workers):
        spent.phases_skipped += 1
        return
    tick = os.sysconf("SC_CLK_TCK")
    spent.workers += sum(after.workers[pid] - before.workers[pid] for pid in after.workers) / tick
    # A backend opened during the phase (a worker's first query) counts from zero.
    spent.postgres += sum(ticks - before.postgres.get(pid, 0) for pid, ticks in after.postgres.items()) / tick
    spent.load_generator += after.own_seconds - before.own_seconds
    spent.requests += requests


def _ticks(pid: int) -> int | None:
    """utime + stime of a process, in clock ticks (None once it has gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _postgres_backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def source_fingerprint() -> str:
    """Sizes and modification times of the app's code and templates.

    A worker that gunicorn recycles mid-run (max_requests) loads whatever is
    on disk at that moment; in a tree being edited, that can be models the
    bench database was not migrated for, and its requests then fail."""
    digest = hashlib.sha256()
    for folder in ("studyapp", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".html"} and path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# =============================================================================
# The server
# =============================================================================


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    port: int
    pid: int
    log: Path


# A page each server answers without a login, to tell that it is ready.
APP_READY_PATH = "/accounts/login/"
FLOOR_READY_PATH = "/floor/"  # a redirect to the login page: ready all the same


@contextmanager
def gunicorn(
    env: dict[str, str],
    folder: Path,
    workers: int = WORKERS,
    *,
    app: str | None = None,
    ready_path: str = APP_READY_PATH,
    name: str = "gunicorn",
) -> Iterator[Server]:
    """gunicorn.conf.py on a free port of 127.0.0.1, access log off, serving
    ``app`` (default: the config's, studyapp). Stopped (and, if need be,
    killed) on the way out.

    Without a control socket: gunicorn's default one is a single path per
    user, so two servers (the app and the floor, or two runs on one machine)
    would take it from each other."""
    port = free_port()
    log = folder / f"{name}.log"
    config = _config_without_access_log(folder)
    command = [sys.executable, "-m", "gunicorn", "-c", str(config), "--no-control-socket"]
    if app:
        command.append(app)
    server_env = {
        **os.environ,
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_ACCESSLOG": "",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_ready(process, port, log, ready_path)
        yield Server(port, process.pid, log)
    finally:
        _stop(process)


def _config_without_access_log(folder: Path) -> Path:
    """gunicorn.conf.py as it is, except that an empty GUNICORN_ACCESSLOG
    means no access log: gunicorn itself takes "" for a file name and refuses
    to start ("'' isn't writable")."""
    config = folder / "gunicorn_bench.conf.py"
    config.write_text(
        "import runpy\n"
        f"globals().update(runpy.run_path({str(ROOT / 'gunicorn.conf.py')!r}))\n"
        "accesslog = accesslog or None  # noqa: F821\n",
        encoding="utf-8",
    )
    return config


def _wait_ready(process: subprocess.Popen, port: int, log: Path, path: str) -> None:
    import http.client

    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_tail(log)}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", path)
            status = connection.getresponse().status
            connection.close()
            if status in (200, 302):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn not ready after {READY_TIMEOUT_S:.0f} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the master (it stops its workers); SIGKILL to its process
    group if it has not gone in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_S)


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def worker_boots(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count("Booting worker")


def server_errors(log: Path) -> list[str]:
    """Each traceback in the server's log as "exception <- last app frame"."""
    errors, frame, inside = [], "", False
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Traceback"):
            inside, frame = True, ""
        elif inside and line.startswith("  File ") and "/studyapp/" in line:
            frame = line.strip()
        elif inside and line and not line.startswith(" "):
            errors.append(f"{line.strip()} <- {frame or 'no app frame'}")
            inside = False
        elif "[ERROR]" in line or "[CRITICAL]" in line:
            errors.append(line.strip())
    return errors


# =============================================================================
# The run
# =============================================================================


def run(
    scale: Scale | None = None,
    schedule: Schedule | None = None,
    server_url: str | None = None,
    keep_database: bool = False,
) -> dict:
    """Build, serve, load, check; the figures ``make bench`` records."""
    scale, schedule = scale or Scale(), schedule or Schedule()
    server_url = server_url or os.environ.get("REVIEW_LOOP_PG_URL", DEFAULT_SERVER_URL)
    started = time.perf_counter()
    source = source_fingerprint()
    database_url = recreate_database(server_url, DATABASE)
    try:
        env = production_env(database_url, secrets.token_urlsafe(50))
        with Stopwatch() as watch:
            django_setup(env)
        migrate_seconds = round(watch.seconds, 1)
        build = build_data(scale)
        build.seconds["migrate"] = migrate_seconds
        figures = _serve_and_measure(env, scale, schedule)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep_database:
            drop_database(server_url, DATABASE)
    figures["setup"] |= {"build": build.__dict__, "total_seconds": round(time.perf_counter() - started, 1)}
    figures["source_changed_during_run"] = source_fingerprint() != source
    return figures


def _serve_and_measure(env: dict[str, str], scale: Scale, schedule: Schedule) -> dict:
    from studyapp.study.models import ReviewLog

    # The floor shares the bench's database (its own users and sessions in
    # Django's tables): both are served by the same PostgreSQL in the same state.
    floor = floor_prepare(env["DATABASE_URL"], scale.learners)
    learners = floor.with_sessions(learner_sessions(learner_ids()))
    # The last learner is kept out of the load: it answers the counted grades.
    queries = count_queries(learners[-1], floor.queries)
    baseline = latest_log_id()
    logs_before = ReviewLog.objects.count()
    machine_state = {"cpu_busy_before": wait_for_quiet(schedule.quiet_wait_s)}
    with (
        tempfile.TemporaryDirectory(prefix="review-loop-") as folder,
        gunicorn(env, Path(folder)) as server,
        gunicorn(floor.env, Path(folder), app=FLOOR_APP, ready_path=FLOOR_READY_PATH, name="floor") as floor_server,
    ):
        machine_state["load_average_at_start"] = round(os.getloadavg()[0], 2)
        outcome = drive_load(
            learners[:-1],
            host=HOST,
            port=server.port,
            floor_port=floor_server.port,
            schedule=schedule,
            seed=scale.seed,
            cpu={LOOP: ProcessCpu(server.pid), FLOOR: ProcessCpu(floor_server.pid)},
        )
        machine_state["load_average_at_end"] = round(os.getloadavg()[0], 2)
        server_state = {
            "worker_boots": worker_boots(server.log) + worker_boots(floor_server.log),
            "log_errors": server_errors(server.log) + server_errors(floor_server.log),
        }
    ledger = check_ledger(baseline, outcome.book())
    figures = _figures(outcome, ledger, queries, server_state, logs_before)
    figures["setup"] |= _setup(scale, schedule) | machine_state
    return figures


def learner_ids() -> list[int]:
    from django.contrib.auth.models import User

    return list(User.objects.filter(username__startswith="learner").order_by("id").values_list("id", flat=True))


def _figures(outcome: LoadOutcome, ledger: LedgerCheck, queries: QueryCount, server: dict, logs_before: int) -> dict:
    loop, floor = outcome.summary(LOOP), outcome.summary(FLOOR)
    book = outcome.book()
    ratio = loop.rps / floor.rps if floor.rps else 0.0
    return {
        "review_loop_rps": round(loop.rps, 1),
        "floor_rps": round(floor.rps, 1),
        "review_loop_to_floor_ratio": round(ratio, 3),
        **_latencies("review_loop", loop),
        **_latencies("floor", floor),
        **_latencies("review_loop_solo", outcome.summary(f"{LOOP}_solo")),
        **_latencies("floor_solo", outcome.summary(f"{FLOOR}_solo")),
        "review_loop_answers_per_s": round(_unique_answer_share(book) * loop.rps, 1),
        "queries_per_grade": queries.grade,
        "queries_per_floor": queries.floor,
        "queries_first_grade_of_day": queries.first_grade_of_day,
        "failed_requests": outcome.failed_requests(),
        "duplicate_submissions": book.submissions - len(book.answers),
        "duplicates_recorded_twice": ledger.recorded_twice,
        "review_logs_equal_accepted": ledger.equal,
        "cpu_ms_per_request": {
            phase: outcome.cpu[phase].per_request_ms() for phase in (LOOP, FLOOR) if phase in outcome.cpu
        },
        "targets_met": {
            "review_loop_to_floor_ratio_at_least_0.5": ratio >= TARGET_RATIO,
            "review_loop_p95_under_50_ms": loop.p95_ms < TARGET_P95_MS,
        },
        "details": {
            "accepted_answers": ledger.accepted_answers,
            "review_logs_added": ledger.logs_added,
            "review_logs_before": logs_before,
            "answers_missing_a_log": ledger.missing,
            "logs_for_no_sent_answer": ledger.unexpected,
            "retries_sent": book.retries,
            "double_clicks_sent": book.double_clicks,
            "sittings": book.sittings,
            "done_for_today_replies": book.done_for_today,
            "unreadable_replies": book.unreadable,
            "floor_wrong_pages": sum(r.wrong_pages for r in outcome.readers),
            "statuses": {str(k): v for k, v in sorted(outcome.all_statuses.items())},
            "transport_errors": outcome.errors[:10],
            "server_log_errors": server["log_errors"][:10],
            "gunicorn_worker_boots": server["worker_boots"],
            "cpu_phases_skipped_for_worker_restart": {p: c.phases_skipped for p, c in outcome.cpu.items()},
            "grade_response_bytes": loop.mean_body_bytes,
            "floor_response_bytes": floor.mean_body_bytes,
            "review_loop_requests": loop.requests,
            "floor_requests": floor.requests,
            "grade_statements": queries.grade_statements,
        },
        "setup": {},
    }


def _setup(scale: Scale, schedule: Schedule) -> dict:
    return {
        **machine(),
        "database": "postgresql",
        "learners": scale.learners,
        "notes": scale.notes,
        "review_logs": scale.review_logs,
        "workers": WORKERS,
        "virtual_learners": schedule.virtual_learners,
        "rounds": schedule.rounds,
        "seconds_per_phase": schedule.seconds,
        "solo_seconds": schedule.solo_seconds,
        "duplicate_every": schedule.duplicate_every,
    }


def _latencies(prefix: str, summary: Summary | None) -> dict:
    if summary is None:
        return {}
    return {
        f"{prefix}_p50_ms": round(summary.p50_ms, 1),
        f"{prefix}_p95_ms": round(summary.p95_ms, 1),
        f"{prefix}_p99_ms": round(summary.p99_ms, 1),
    }


def _unique_answer_share(book: AnswerBook) -> float:
    """Distinct answers among all grade requests (the rest are the duplicates sent on purpose)."""
    return len(book.answers) / book.submissions if book.submissions else 0.0


def print_report(figures: dict) -> None:
    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    def row(name: str, prefix: str, phase: str, queries: str) -> tuple[str, ...]:
        cpu = figures["cpu_ms_per_request"].get(phase, {})
        return (
            name,
            f"{figures[f'{prefix}_rps']:.1f}",
            *(f"{figures[f'{prefix}_{p}_ms']:.1f}" for p in ("p50", "p95", "p99")),
            f"{figures.get(f'{prefix}_solo_p50_ms', float('nan')):.1f}",
            _ms(cpu.get("workers")),
            _ms(cpu.get("postgres")),
            queries,
        )

    print_table(
        "Review loop against the floor (PostgreSQL, gunicorn 2 sync workers, 8 virtual learners)",
        ("page", "req/s", "p50 ms", "p95 ms", "p99 ms", "alone p50", "worker CPU ms", "PG CPU ms", "queries"),
        [
            row("review loop (grade + next card)", "review_loop", LOOP, str(figures["queries_per_grade"])),
            row("floor (one query)", "floor", FLOOR, str(figures["queries_per_floor"])),
        ],
    )
    targets = figures["targets_met"]
    ratio_met = verdict(targets["review_loop_to_floor_ratio_at_least_0.5"])
    p95_met = verdict(targets["review_loop_p95_under_50_ms"])
    print(f"\nloop / floor throughput: {figures['review_loop_to_floor_ratio']:.2f} (target >= 0.50: {ratio_met})")
    print(f"loop p95: {figures['review_loop_p95_ms']:.1f} ms (target < 50 ms: {p95_met})")
    details = figures["details"]
    print(
        f"failed requests: {figures['failed_requests']}, duplicates sent: {figures['duplicate_submissions']}, "
        f"recorded twice: {figures['duplicates_recorded_twice']}, logs added {details['review_logs_added']} "
        f"= accepted answers {details['accepted_answers']}: {figures['review_logs_equal_accepted']}"
    )
    print(f"set-up: {json.dumps(figures['setup'])}")
    if figures["source_changed_during_run"]:
        print("warning: studyapp/ or templates/ changed during the run; a recycled worker may have run other code")
    if figures["details"]["server_log_errors"]:
        print("server errors:\n  " + "\n  ".join(figures["details"]["server_log_errors"]))
    warning = busy_warning()
    if warning:
        print(warning)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=PHASE_SECONDS, help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--review-logs", type=int, default=REVIEW_LOGS)
    parser.add_argument("--server-url", default=None, help=f"PostgreSQL server (default {DEFAULT_SERVER_URL})")
    parser.add_argument("--keep-database", action="store_true", help=f"leave {DATABASE} in place for inspection")
    parser.add_argument("--json", action="store_true", help="print only a JSON object")
    args = parser.parse_args(argv)
    figures = run(
        scale=Scale(review_logs=args.review_logs),
        schedule=Schedule(rounds=args.rounds, seconds=args.seconds),
        server_url=args.server_url,
        keep_database=args.keep_database,
    )
    if args.json:
        print(json.dumps(figures))
    else:
        print_report(figures)
    return figures


if __name__ == "__main__":
    main()
