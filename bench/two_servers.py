"""Two app servers against one: the review loop on one PostgreSQL and Redis.

Run from the repository root:

    .venv/bin/python bench/two_servers.py [--seconds 10] [--json]
    (or: make bench, which runs every benchmark)

What it does: builds the review loop's data (bench/loop_data.py; fewer
learners and logs than bench/review_loop.py, the shape is the same) in a
PostgreSQL database of its own (``studyapp_bench_two_servers``, dropped at
the end), and serves the app as several machines would run it: REDIS_URL set
(sessions and cache in Redis, a Redis database and key prefix of its own),
gunicorn.conf.py with one worker per server. Eight virtual learners study as
the page does (bench/loop_load.py), in alternating rounds against one server
and against two, the requests of each learner going to the two servers in
turn as a load balancer's round robin sends them (a double click's two
requests to both). The ledger is checked as in the review loop.

Target (issue 10): two servers reach at least 1.6 times the throughput of
one. Both servers, PostgreSQL, Redis and the load generator share this
machine's cores: where they are 2, the figure says what the machine allows,
and the CPU figures say why.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine  # noqa: E402
from bench.database import DEFAULT_SERVER_URL, django_setup, drop_database, production_env, recreate_database  # noqa: E402
from bench.loop_data import Scale, build_data, learner_ids, learner_sessions, render_cards  # noqa: E402
from bench.loop_ledger import check_ledger, latest_log_id  # noqa: E402
from bench.loop_load import Driver, LoadOutcome, Schedule, grader  # noqa: E402
from bench.machine import ProcessCpu, wait_for_quiet  # noqa: E402
from bench.servers import HOST, free_port, gunicorn, server_errors, worker_boots  # noqa: E402

DATABASE = "studyapp_bench_two_servers"
REDIS_URL = "redis://127.0.0.1:6379/8"
SCALE = Scale(learners=120, review_logs=300_000)
ONE, TWO = "one_server", "two_servers"
TARGET_SPEEDUP = 1.6


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def run(schedule: Schedule | None = None, server_url: str | None = None) -> dict:
    schedule = schedule or Schedule(solo_seconds=0)
    server_url = server_url or os.environ.get("REVIEW_LOOP_PG_URL", DEFAULT_SERVER_URL)
    started = time.perf_counter()
    database_url = recreate_database(server_url, DATABASE)
    _flush_redis()
    try:
        env = production_env(database_url, secrets.token_urlsafe(50)) | {
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": f"bench-two-servers-{secrets.token_hex(4)}",
            "TASKS_BACKEND": "immediate",
        }
        django_setup(env)
        build = build_data(SCALE)
        render_cards()
        figures = _measure(env, schedule)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(server_url, DATABASE)
        _flush_redis()
    figures["setup"] |= {"build": build.__dict__, "total_seconds": round(time.perf_counter() - started, 1)}
    return figures


def _measure(env: dict[str, str], schedule: Schedule) -> dict:
    learners = learner_sessions(learner_ids())  # kept in Redis and the database, as the app keeps them
    baseline = latest_log_id()
    busy_before = wait_for_quiet(schedule.quiet_wait_s)
    port_a = free_port()
    port_b = next(p for p in iter(free_port, None) if p != port_a)
    # Behind a load balancer both servers answer to one origin; here each has
    # its own port, and a form posted to B carries the page's origin on A.
    env = env | {"CSRF_TRUSTED_ORIGINS": f"http://{HOST}:{port_a},http://{HOST}:{port_b}"}
    with (
        tempfile.TemporaryDirectory(prefix="two-servers-") as folder,
        gunicorn(env, Path(folder), workers=1, name="a", port=port_a) as a,
        gunicorn(env, Path(folder), workers=1, name="b", port=port_b) as b,
    ):
        origin = f"http://{HOST}:{a.port}"
        count = min(schedule.virtual_learners, len(learners))
        graders = [grader(learners[i::count], origin, i, schedule) for i in range(count)]
        outcome = LoadOutcome(graders=graders)
        driver = Driver(
            outcome,
            HOST,
            {ONE: a.port, TWO: [a.port, b.port]},
            schedule.max_requests,
            {ONE: ProcessCpu(a.pid), TWO: ProcessCpu(a.pid, b.pid)},
        )
        if schedule.warmup_seconds:
            driver.run(TWO, graders, schedule.warmup_seconds, measured=False)
        for _ in range(schedule.rounds):
            for phase in (ONE, TWO):
                driver.run(phase, graders, schedule.seconds, measured=True)
        logs = {
            "worker_boots": worker_boots(a.log) + worker_boots(b.log),
            "errors": server_errors(a.log) + server_errors(b.log),
        }
    ledger = check_ledger(baseline, outcome.book())
    one, two = outcome.summary(ONE), outcome.summary(TWO)
    speedup = two.rps / one.rps if one.rps else 0.0
    cpu = {phase: outcome.cpu[phase].per_request_ms() for phase in (ONE, TWO) if phase in outcome.cpu}
    return {
        "two_servers_speedup": round(speedup, 2),
        "one_server_rps": round(one.rps, 1),
        "two_servers_rps": round(two.rps, 1),
        "two_servers_failed_requests": outcome.failed_requests(),
        "two_servers_review_logs_equal_accepted": ledger.equal,
        "targets_met": {"two_servers_at_least_1.6x_one": speedup >= TARGET_SPEEDUP},
        "details": {
            "latency_ms": {
                ONE: {"p50": round(one.p50_ms, 1), "p95": round(one.p95_ms, 1)},
                TWO: {"p50": round(two.p50_ms, 1), "p95": round(two.p95_ms, 1)},
            },
            "cpu_ms_per_request": cpu,
            "cpu_phases_skipped_for_worker_restart": {p: c.phases_skipped for p, c in outcome.cpu.items()},
            "accepted_answers": ledger.accepted_answers,
            "review_logs_added": ledger.logs_added,
            "recorded_twice": ledger.recorded_twice,
            "statuses": {str(k): v for k, v in sorted(outcome.all_statuses.items())},
            "transport_errors": outcome.errors[:10],
            "server_log_errors": logs["errors"][:10],
            "gunicorn_worker_boots": logs["worker_boots"],
            "held_card_corrections": sum(g.corrections for g in graders),
        },
        "setup": {
            **machine(),
            "database": "postgresql",
            "redis": REDIS_URL,
            "learners": SCALE.learners,
            "review_logs": SCALE.review_logs,
            "workers_per_server": 1,
            "virtual_learners": schedule.virtual_learners,
            "rounds": schedule.rounds,
            "seconds_per_phase": schedule.seconds,
            "cpu_busy_before": busy_before,
            "load_average_at_end": round(os.getloadavg()[0], 2),
        },
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=Schedule.seconds, help="length of each measured phase")
    parser.add_argument("--rounds", type=int, default=Schedule.rounds)
    parser.add_argument("--json", action="store_true", help="print only a JSON object")
    args = parser.parse_args(argv)
    figures = run(schedule=Schedule(rounds=args.rounds, seconds=args.seconds, solo_seconds=0))
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"one server {figures['one_server_rps']} req/s, two servers {figures['two_servers_rps']} req/s: "
            f"{figures['two_servers_speedup']}x (target >= {TARGET_SPEEDUP})"
        )
        print(json.dumps({k: figures[k] for k in ("details", "setup")}, indent=1))
    return figures


if __name__ == "__main__":
    main()
