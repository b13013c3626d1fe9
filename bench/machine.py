"""The machine the benchmarks run on: how busy its CPUs are, and the CPU
time of the processes that serve the requests (gunicorn's workers, the
PostgreSQL backends), which other work on a shared machine disturbs far less
than throughput or latency."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass

from bench.common import ROOT

# Before measuring, wait this long at most for the CPUs to be this idle: the
# figures are only comparable between runs on a quiet machine.
QUIET_WAIT_S = 30.0
QUIET_BELOW = 0.15


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

    def __init__(self, *master_pids: int) -> None:
        self.master_pids = master_pids

    def snapshot(self) -> CpuSnapshot:
        workers = {pid: _ticks(pid) for master in self.master_pids for pid in _children(master)}
        backends = {pid: _ticks(pid) for pid in _postgres_backends()}
        return CpuSnapshot(
            workers={pid: t for pid, t in workers.items() if t is not None},
            postgres={pid: t for pid, t in backends.items() if t is not None},
            own_seconds=time.process_time(),
        )


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
