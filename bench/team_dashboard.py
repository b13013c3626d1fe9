"""The lead's dashboard of a big team against a floor page, on SQLite and on
PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/team_dashboard.py [--members 200] [--reviews 5000] [--requests 30] [--json]
    .venv/bin/python bench/team_dashboard.py --engine sqlite      (one engine only)
    (or: make bench, which runs every benchmark)

What it does, for each engine, in a process of its own (Django is set up
once per process):

1. A fresh database (a temporary SQLite file; on PostgreSQL the database
   ``studyapp_bench_team_dashboard``, dropped at the end), migrated, and
   filled: 100 notes of 20 cards (bench/loop_data.py's notes), a team of a
   lead and 200 members who all share details, an assignment of the tag
   the notes share (2,000 cards, exam in 30 days), 2,000 card states per
   member (most in review) and 5,000 answers per member over the last 120
   days (a scenario answer in twenty, with the options chosen), loaded with
   COPY on PostgreSQL and bulk inserts on SQLite, then ANALYZE.
2. The members' figures computed as the background task does
   (``refresh.figures_refresh``), timed: the work a worker does once a day
   for this team.
3. The app and the floor (bench/floor_site: a minimal Django project of its
   own, one logged-in page, no route in the app) each under gunicorn with the
   same configuration, one sync worker; one logged-in lead.
4. Requests one at a time, alternating dashboard and floor, after a warm-up:
   the server time of each (send to last byte on loopback), and the median
   of each. The dashboard must answer 200 with every member and no figure
   waiting for a refresh. Its SQL statements are counted in-process.

Targets (issue 9): the dashboard in at most 250 ms, and at most 10 times the
floor measured in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database, loop_data, loop_load, servers  # noqa: E402
from bench import floor as floor_site  # noqa: E402
from bench import machine as machine_state  # noqa: E402
from bench.common import ROOT, Stopwatch, busy_warning, machine  # noqa: E402

MEMBERS = 200
REVIEWS_PER_MEMBER = 5_000
NOTES = 100
HISTORY_DAYS = 120
REQUESTS = 30
WARMUP = 3
SEED = 20260409
TAG = "S3"  # every generated note carries it
TARGET_MS = 250.0
TARGET_RATIO = 10.0

DATABASE = "studyapp_bench_team_dashboard"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


# =============================================================================
# Data
# =============================================================================


def build_team(*, members: int, reviews: int, notes: int, seed: int, now: datetime) -> dict:
    """Notes, a lead and ``members`` members with their states and answers, a
    team and its assignment. Returns the ids the run needs."""
    from django.contrib.auth.models import User

    from studyapp.notes.models import Card
    from studyapp.study.models import CardState, ReviewLog
    from studyapp.teams.models import Assignment, Membership, Team

    seconds = {}
    with Stopwatch() as watch:
        card_ids = loop_data.import_notes(notes)
    seconds["notes"] = round(watch.seconds, 1)
    questions = set(Card.objects.filter(kind=Card.Kind.QUESTION).values_list("id", flat=True))
    with Stopwatch() as watch:
        user_ids = loop_data.create_learners(members + 1)
        lead_id, member_ids = user_ids[0], user_ids[1:]
        team = Team.objects.create(name="Benchmark cohort")
        Membership.objects.bulk_create(
            [Membership(team=team, user_id=lead_id, role=Membership.Role.LEAD)]
            + [Membership(team=team, user_id=uid, share_details=True) for uid in member_ids]
        )
        assignment = Assignment.objects.create(
            team=team, kind=Assignment.Kind.TAG, value=TAG, exam_date=(now + timedelta(days=30)).date()
        )
        plans = []
        for index, user_id in enumerate(member_ids):
            rng = random.Random(seed * 1_000_003 + index)
            first_id = index * len(card_ids) + 1
            plans.append(
                loop_data.plan_learner(
                    rng, user_id=user_id, card_ids=card_ids, first_id=first_id, logs=reviews, now=now
                )
            )
        states = loop_data.insert_rows(CardState, loop_data.STATE_COLUMNS, (s.row(now) for plan in plans for s in plan))
    seconds["members_and_states"] = round(watch.seconds, 1)
    with Stopwatch() as watch:
        logs = loop_data.insert_rows(
            ReviewLog, loop_data.LOG_COLUMNS, _answers(plans, questions, seed=seed, now=now, per_member=reviews)
        )
        loop_data.reset_sequences([CardState, ReviewLog, User])
        loop_data.analyze()
    seconds["answers"] = round(watch.seconds, 1)
    return {
        "lead_id": lead_id,
        "team_id": team.pk,
        "assignment_id": assignment.pk,
        "cards": len(card_ids),
        "card_states": states,
        "review_logs": logs,
        "seconds": seconds,
    }


def _answers(plans, questions: set[int], *, seed: int, now: datetime, per_member: int) -> Iterator[tuple]:
    """``per_member`` answers per member over the last HISTORY_DAYS days, to
    the cards they have studied; the first answer to a card is its first
    review. Answers to scenario questions carry the options chosen."""
    from django.db import connection

    # COPY needs the options chosen wrapped as JSON (loop_data.insert_rows
    # wraps the state snapshots itself); bulk_create takes them as they are.
    wrap = _jsonb if connection.vendor == "postgresql" else (lambda value: value)
    rng = random.Random(seed)
    next_id = 1
    empty = {}
    for plan in plans:
        studied = [s for s in plan if s.state != loop_data.NEW]
        seen = set()
        times = sorted(now - timedelta(days=rng.uniform(0, HISTORY_DAYS)) for _ in range(per_member))
        for reviewed_at in times:
            state = rng.choice(studied)
            previous = loop_data.REVIEW if state.id in seen else loop_data.NEW
            seen.add(state.id)
            chosen = score = None
            if state.card_id in questions:
                chosen = sorted(rng.sample("ABCD", rng.choice((1, 2))))
                score = rng.choice((0.0, 0.5, 1.0))
            yield (
                next_id, state.user_id, state.card_id, state.id, rng.choice((1, 3, 3, 3, 4)), reviewed_at,
                (reviewed_at - timedelta(hours=4)).date(), rng.randint(2_000, 20_000), previous,
                None if previous == loop_data.NEW else rng.uniform(1, 20), rng.uniform(1, 30), empty, empty,
                wrap(chosen) if chosen else None, score,
            )  # fmt: skip
            next_id += 1


def _jsonb(value):
    from psycopg.types.json import Jsonb

    return Jsonb(value)


# =============================================================================
# Measuring
# =============================================================================


def timed_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(servers.HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body.decode("utf-8", "replace"), time.perf_counter() - started


def count_queries(lead_session: str, team_id: int) -> tuple[int, int]:
    """Statements of one dashboard request, in-process, and the page's size."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = lead_session
    client.get(f"/teams/{team_id}/dashboard/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/teams/{team_id}/dashboard/")
    if response.status_code != 200:
        raise RuntimeError(f"the dashboard answered {response.status_code} in-process")
    return len(queries), len(response.content)


def measure(engine: str, *, members: int, reviews: int, notes: int, requests: int, seed: int) -> dict:
    """Everything for one engine, in this process."""
    server_url = os.environ.get("TEAM_DASHBOARD_PG_URL", DEFAULT_SERVER_URL)
    with tempfile.TemporaryDirectory(prefix="team-dashboard-") as folder:
        if engine == "sqlite":
            database_url = f"sqlite:///{Path(folder) / 'app.sqlite3'}"
            floor_url = f"sqlite:///{Path(folder) / 'floor.sqlite3'}"
        else:
            database_url = database.recreate_database(server_url, DATABASE)
            floor_url = database_url  # as review_loop: the floor's own tables in the same database
        try:
            env = database.production_env(database_url, secrets.token_urlsafe(50))
            database.django_setup(env)
            now = datetime.now(UTC)
            built = build_team(members=members, reviews=reviews, notes=notes, seed=seed, now=now)
            figures = _serve_and_measure(engine, env, floor_url, built, requests=requests, folder=Path(folder))
        finally:
            from django.db import connections

            connections.close_all()
            if engine == "postgresql":
                database.drop_database(server_url, DATABASE)
    return figures


def _serve_and_measure(engine: str, env: dict, floor_url: str, built: dict, *, requests: int, folder: Path) -> dict:
    from studyapp.teams.refresh import figures_refresh

    with Stopwatch() as watch:
        computed = figures_refresh(assignment_id=built["assignment_id"])
    refresh_s = watch.seconds
    lead = loop_data.learner_sessions([built["lead_id"]])[0]
    queries, page_bytes = count_queries(lead.session_key, built["team_id"])
    floor = floor_site.floor_prepare(floor_url, 1)
    floor_headers = {"Cookie": f"{floor.cookie_name}={floor.session_keys[0]}"}
    path = f"/teams/{built['team_id']}/dashboard/"
    quiet = machine_state.wait_for_quiet(machine_state.QUIET_WAIT_S)
    app_env = env | {"TASKS_BACKEND": "database"}
    with (
        servers.gunicorn(app_env, folder, workers=1) as server,
        servers.gunicorn(
            floor.env,
            folder,
            workers=1,
            app=floor_site.FLOOR_APP,
            ready_path=floor_site.FLOOR_READY_PATH,
            name="floor",
        ) as floor_server,
    ):
        load_start = round(os.getloadavg()[0], 2)
        dashboard_ms, floor_ms = [], []
        for index in range(WARMUP + requests):
            status, body, seconds = timed_get(server.port, path, {"Cookie": lead.cookie})
            _check_dashboard(status, body, built)
            floor_status, floor_body, floor_seconds = timed_get(floor_server.port, "/floor/", floor_headers)
            if floor_status != 200 or loop_load.FLOOR_MARKER not in floor_body:
                raise RuntimeError(f"the floor answered {floor_status}")
            if index >= WARMUP:
                dashboard_ms.append(1000 * seconds)
                floor_ms.append(1000 * floor_seconds)
        errors = servers.server_errors(server.log) + servers.server_errors(floor_server.log)
    if errors:
        raise RuntimeError(f"server errors: {errors[:3]}")
    dashboard = statistics.median(dashboard_ms)
    floor_median = statistics.median(floor_ms)
    return {
        f"team_dashboard_{engine}_ms": round(dashboard, 1),
        f"team_dashboard_{engine}_floor_ms": round(floor_median, 2),
        f"team_dashboard_{engine}_to_floor_ratio": round(dashboard / floor_median, 2),
        f"team_dashboard_{engine}_p90_ms": round(sorted(dashboard_ms)[int(0.9 * (len(dashboard_ms) - 1))], 1),
        f"team_dashboard_{engine}_refresh_s": round(refresh_s, 1),
        f"team_dashboard_{engine}_queries": queries,
        f"team_dashboard_{engine}_page_kb": round(page_bytes / 1024, 1),
        "setup": {
            engine: {
                "members": computed,
                "cards": built["cards"],
                "card_states": built["card_states"],
                "review_logs": built["review_logs"],
                "build_seconds": built["seconds"],
                "requests": requests,
                "cpu_busy_before": quiet,
                "load_average_at_start": load_start,
                "load_average_at_end": round(os.getloadavg()[0], 2),
            }
        },
    }


def _check_dashboard(status: int, body: str, built: dict) -> None:
    if status != 200:
        raise RuntimeError(f"the dashboard answered {status}")
    members = body.count('<tr data-member="')
    # Every member (and the lead) in the first table, the members in the details table too.
    if members < built["card_states"] // built["cards"]:
        raise RuntimeError(f"the dashboard shows {members} member rows")
    if 'id="pending"' in body:
        raise RuntimeError("the dashboard is waiting for a refresh: figures are not fresh")


# =============================================================================
# The run
# =============================================================================


def run(members: int = MEMBERS, reviews: int = REVIEWS_PER_MEMBER, requests: int = REQUESTS) -> dict:
    """Both engines, each in a process of its own; the figures ``make bench`` records."""
    figures: dict = {"setup": {}}
    for engine in ENGINES:
        if engine == "postgresql" and not _postgres_answers():
            print("team_dashboard: PostgreSQL does not answer; its figures are not measured", file=sys.stderr)
            continue
        child = subprocess.run(
            [sys.executable, __file__, "--engine", engine, "--json", "--members", str(members),
             "--reviews", str(reviews), "--requests", str(requests)],
            cwd=ROOT, capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
        sys.stderr.write(child.stderr[-4000:])
        if child.returncode != 0:
            raise RuntimeError(f"team_dashboard on {engine} failed:\n{child.stderr[-4000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        figures["setup"] |= result.pop("setup")
        figures |= result
    worst_ms = max(v for k, v in figures.items() if k.endswith("_ms") and "floor" not in k and "p90" not in k)
    worst_ratio = max(v for k, v in figures.items() if k.endswith("_to_floor_ratio"))
    figures["team_dashboard_meets_targets"] = int(worst_ms <= TARGET_MS and worst_ratio <= TARGET_RATIO)
    figures["setup"]["machine"] = machine()
    return figures


def _postgres_answers() -> bool:
    try:
        import psycopg

        url = os.environ.get("TEAM_DASHBOARD_PG_URL", DEFAULT_SERVER_URL)
        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not there"
        return False


def print_report(figures: dict) -> None:
    print("\nTeam dashboard (gunicorn, 1 sync worker, requests one at a time)")
    for engine in ENGINES:
        if f"team_dashboard_{engine}_ms" not in figures:
            continue
        ms = figures[f"team_dashboard_{engine}_ms"]
        ratio = figures[f"team_dashboard_{engine}_to_floor_ratio"]
        ms_verdict = "met" if ms <= TARGET_MS else "MISSED"
        ratio_verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
        print(
            f"  {engine:<10} dashboard {ms:7.1f} ms (target <= {TARGET_MS:.0f}: {ms_verdict})"
            f"  floor {figures[f'team_dashboard_{engine}_floor_ms']:6.2f} ms"
            f"  ratio {ratio:5.2f} (target <= {TARGET_RATIO:.0f}: {ratio_verdict})"
            f"  queries {figures[f'team_dashboard_{engine}_queries']}"
            f"  refresh {figures[f'team_dashboard_{engine}_refresh_s']} s"
        )
    warning = busy_warning()
    if warning:
        print(warning)


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=ENGINES, help="measure one engine in this process")
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--reviews", type=int, default=REVIEWS_PER_MEMBER)
    parser.add_argument("--notes", type=int, default=NOTES)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args(argv)
    if args.engine:
        figures = measure(
            args.engine, members=args.members, reviews=args.reviews, notes=args.notes, requests=args.requests, seed=SEED
        )
    else:
        figures = run(members=args.members, reviews=args.reviews, requests=args.requests)
    if args.json:
        print(json.dumps(figures))
    else:
        print_report(figures)
    return figures


if __name__ == "__main__":
    main()
