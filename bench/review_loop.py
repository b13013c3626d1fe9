"""Review loop under load: grading cards against a floor page, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/review_loop.py [--seconds 10] [--rounds 2] [--json]
    (or: make bench, which runs every benchmark)

What it does, in one run (each part in its own file):

1. Creates a dedicated PostgreSQL database (``studyapp_bench_review_loop``,
   dropped at the end; bench/database.py) and fills it (bench/loop_data.py):
   100 notes of 20 cards imported through ``notes_import`` and their HTML
   rendered as the task worker does, 200 learners with 2,000 card states each
   and 500,000 review logs, loaded with COPY, then VACUUM ANALYZE.
2. Serves the app with gunicorn.conf.py (bench/servers.py), production
   settings, access log off, and the floor, a minimal Django project of its
   own (bench/floor_site, bench/floor.py), under the same configuration on
   another port.
3. Drives both with 8 concurrent virtual learners (bench/loop_load.py), each
   with its own sessions and studying as the page does: it grades the card
   on screen and goes on with the card the reply held ready, the server
   confirming it. Floor and loop run in alternating rounds of the same
   length, then each with one learner alone. Every 10th answer is sent twice
   (a retry, or a double click with both requests in flight). The CPU time of
   the workers and of the PostgreSQL backends is read around each phase
   (bench/machine.py).
4. Checks in the database that the review logs added are exactly the distinct
   answers the server accepted, none recorded twice (bench/loop_ledger.py),
   and that no request failed.

Targets (issue 10): the loop reaches at least 0.7 of the floor's requests per
second; a grade costs at most twice the floor's worker CPU; at most 8
statements per grade.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Stopwatch, busy_warning, machine, print_table  # noqa: E402
from bench.database import DEFAULT_SERVER_URL, HOST, django_setup, drop_database, production_env, recreate_database  # noqa: E402
from bench.floor import FLOOR_APP, FLOOR_READY_PATH, floor_prepare  # noqa: E402
from bench.loadgen import Summary  # noqa: E402
from bench.loop_data import Learner, Scale, build_data, learner_ids, learner_sessions, render_cards  # noqa: E402
from bench.loop_ledger import AnswerBook, LedgerCheck, check_ledger, latest_log_id  # noqa: E402
from bench.loop_load import FLOOR, LOOP, LoadOutcome, Schedule, drive_load, read_reply  # noqa: E402
from bench.machine import ProcessCpu, source_fingerprint, wait_for_quiet  # noqa: E402
from bench.servers import WORKERS, gunicorn, server_errors, worker_boots  # noqa: E402

TARGET_RATIO = 0.7
TARGET_CPU_RATIO = 2.0
TARGET_STATEMENTS = 8
DATABASE = "studyapp_bench_review_loop"


@dataclass(frozen=True)
class QueryCount:
    grade: int
    first_grade_of_day: int
    floor: int
    grade_statements: list[str]


def count_queries(learner: Learner, floor_queries: int) -> QueryCount:
    """Statements for a whole grade request (session, user, the answer, the
    next card), through Django's test client, as the page sends it (the card
    held ready named as expected); the floor project counted its own page's
    (``floor_prepare``). The first answer of a study day and the second."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = learner.session_key
    htmx = {"HX-Request": "true"}
    reply = read_reply(client.get("/study/card/", headers=htmx).content.decode())
    card, held, left = (reply.card, reply.held, reply.left) if reply else (None, None, None)
    grades = []
    for _ in range(2):
        if card is None:
            raise RuntimeError(f"no card to grade for learner {learner.user_id}")
        form = {"rating": 3, "version": card.version, "left": left, "expect": held.key if held else ""}
        with CaptureQueriesContext(connection) as grade:
            response = client.post(f"/study/grade/{card.state_id}/", form, headers=htmx)
        if response.status_code != 200:
            raise RuntimeError(f"query count: grade answered {response.status_code}")
        grades.append(grade)
        reply = read_reply(response.content.decode())
        card = held if reply.confirmed == held else reply.card
        held, left = reply.held, reply.left
    first, steady = grades
    # In a test client's request BEGIN and COMMIT are sent too (no outer transaction).
    return QueryCount(len(steady), len(first), floor_queries, [q["sql"][:160] for q in steady.captured_queries])


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
        with Stopwatch() as watch:
            render_cards()
        build.seconds["render_cards"] = round(watch.seconds, 1)
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


def _figures(outcome: LoadOutcome, ledger: LedgerCheck, queries: QueryCount, server: dict, logs_before: int) -> dict:
    loop, floor = outcome.summary(LOOP), outcome.summary(FLOOR)
    book = outcome.book()
    ratio = loop.rps / floor.rps if floor.rps else 0.0
    cpu = {phase: outcome.cpu[phase].per_request_ms() for phase in (LOOP, FLOOR) if phase in outcome.cpu}
    loop_cpu, floor_cpu = cpu.get(LOOP, {}).get("workers"), cpu.get(FLOOR, {}).get("workers")
    cpu_ratio = round(loop_cpu / floor_cpu, 2) if loop_cpu and floor_cpu else None
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
        "grade_cpu_ms": loop_cpu,
        "floor_cpu_ms": floor_cpu,
        "grade_cpu_to_floor_ratio": cpu_ratio,
        "cpu_ms_per_request": cpu,
        "targets_met": {
            "review_loop_to_floor_ratio_at_least_0.7": ratio >= TARGET_RATIO,
            "grade_cpu_at_most_2x_floor": cpu_ratio is not None and cpu_ratio <= TARGET_CPU_RATIO,
            "statements_per_grade_at_most_8": queries.grade <= TARGET_STATEMENTS,
            "no_failed_requests": outcome.failed_requests() == 0,
            "review_logs_equal_accepted_answers": ledger.equal,
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
            "held_card_corrections": sum(g.corrections for g in outcome.graders),
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
        "Review loop against the floor (PostgreSQL, gunicorn.conf.py with 2 workers, 8 virtual learners)",
        ("page", "req/s", "p50 ms", "p95 ms", "p99 ms", "alone p50", "worker CPU ms", "PG CPU ms", "queries"),
        [
            row("review loop (grade + next card)", "review_loop", LOOP, str(figures["queries_per_grade"])),
            row("floor (one query)", "floor", FLOOR, str(figures["queries_per_floor"])),
        ],
    )
    targets = figures["targets_met"]
    ratio_met = verdict(targets["review_loop_to_floor_ratio_at_least_0.7"])
    cpu_met = verdict(targets["grade_cpu_at_most_2x_floor"])
    print(f"\nloop / floor throughput: {figures['review_loop_to_floor_ratio']:.2f} (target >= 0.70: {ratio_met})")
    print(f"grade / floor worker CPU: {figures['grade_cpu_to_floor_ratio']} (target <= 2: {cpu_met})")
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
    parser.add_argument("--seconds", type=float, default=Schedule.seconds, help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=Schedule.rounds)
    parser.add_argument("--review-logs", type=int, default=Scale.review_logs)
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
