"""The review loop's data: notes, learners, their card states and review
history, loaded fast (COPY on PostgreSQL), and a logged-in session for each
learner. The shapes follow the issue: 100 notes of 20 cards, 200 learners
with 2,000 card states each, 500,000 review logs."""

from __future__ import annotations

import random
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import Stopwatch

LEARNERS = 200
NOTES = 100
CARDS_PER_NOTE = 20
REVIEW_LOGS = 500_000
SEED = 20260301
# Ratings of the generated history (and of the virtual learners): mostly Good.
RATINGS = ((1, 0.08), (2, 0.10), (3, 0.72), (4, 0.10))


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
            first_id + index, state.user_id, state.card_id, state.id, draw_rating(rng), reviewed_at,
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


def draw_rating(rng: random.Random) -> int:
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


def render_cards() -> int:
    """What the task worker does after an import: each card's HTML, once."""
    from studyapp.notes.rendering import cards_render

    return cards_render()


def learner_ids() -> list[int]:
    from django.contrib.auth.models import User

    return list(User.objects.filter(username__startswith="learner").order_by("id").values_list("id", flat=True))


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
