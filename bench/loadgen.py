"""A small closed-loop HTTP load generator: threads and ``http.client``, no
dependency.

Each virtual user runs in its own thread and calls ``step`` on its
``VirtualUser`` until the phase's deadline or request budget runs out. Every
request sent through ``Http`` is timed from send to last byte, connect
included: gunicorn's sync workers close the connection after each response, so
a browser (or a proxy) in front of them reconnects too.

Why not locust or wrk: wrk cannot carry the next card's id and version from
one response into the next request, and locust would be a new dependency for
what fits in this file.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

# Bounds that hold whatever a virtual user does: a stuck server cannot hang the run.
REQUEST_TIMEOUT_S = 10.0
JOIN_GRACE_S = REQUEST_TIMEOUT_S + 5.0
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    seconds: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Samples:
    """Raw observations for one label: kept raw so that rounds can be pooled
    before percentiles are taken (percentiles do not average)."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    body_bytes: int = 0
    wall_seconds: float = 0.0

    def add(self, status: int, seconds: float, size: int) -> None:
        self.latencies.append(seconds)
        self.statuses[status] += 1
        self.body_bytes += size

    def extend(self, other: Samples) -> None:
        self.latencies.extend(other.latencies)
        self.statuses.update(other.statuses)
        self.body_bytes += other.body_bytes
        self.wall_seconds += other.wall_seconds


@dataclass
class Recorder:
    """What one thread saw; merged after the phase, so no lock on the hot path."""

    by_label: dict[str, Samples] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    def add(self, label: str, status: int, seconds: float, size: int) -> None:
        self.by_label.setdefault(label, Samples()).add(status, seconds, size)
        self.requests += 1

    def error(self, label: str, exc: BaseException) -> None:
        self.errors.append(f"{label}: {type(exc).__name__}: {exc}")


_Sent = tuple[http.client.HTTPConnection, float]


class Http:
    """One virtual user's connections to the server: two, so that a double
    click can have both of its requests in flight at once. With several
    servers (``port`` a list), requests go to each in turn, as a load
    balancer's round robin would send them, and a double click's two
    requests to two servers."""

    def __init__(self, host: str, port: int | Sequence[int], recorder: Recorder) -> None:
        ports = [port] if isinstance(port, int) else list(port)
        self.host, self.recorder = host, recorder
        self._lines = {
            p: [http.client.HTTPConnection(host, p, timeout=REQUEST_TIMEOUT_S) for _ in range(2)] for p in ports
        }
        self._ports = ports
        self._turn = 0

    def _next_port(self) -> int:
        port = self._ports[self._turn % len(self._ports)]
        self._turn += 1
        return port

    def request(self, label: str, method: str, path: str, *, headers: dict[str, str], body: str = "") -> Response:
        sent = self._send(label, self._lines[self._next_port()][0], method, path, headers, body)
        return self._receive(label, sent)

    def request_twice_at_once(
        self, label: str, method: str, path: str, *, headers: dict[str, str], body: str = ""
    ) -> tuple[Response, Response]:
        """The same request on two connections before either answer is read:
        the server(s) see them concurrently, as with a double click."""
        first_port, second_port = self._next_port(), self._next_port()
        first = self._send(label, self._lines[first_port][0], method, path, headers, body)
        second = self._send(label, self._lines[second_port][1], method, path, headers, body)
        return self._receive(label, first), self._receive(label, second)

    def close(self) -> None:
        for lines in self._lines.values():
            for connection in lines:
                connection.close()

    def _send(
        self,
        label: str,
        connection: http.client.HTTPConnection,
        method: str,
        path: str,
        headers: dict[str, str],
        body: str,
    ) -> _Sent | None:
        payload = body.encode() if body else None
        started = time.perf_counter()
        try:
            connection.request(method, path, body=payload, headers=headers)
        except TRANSPORT_ERRORS:
            # The server may have closed an idle connection: one retry on a fresh one.
            connection.close()
            try:
                connection.request(method, path, body=payload, headers=headers)
            except TRANSPORT_ERRORS as exc:
                connection.close()
                self.recorder.add(label, 0, time.perf_counter() - started, 0)
                self.recorder.error(label, exc)
                return None
        return connection, started

    def _receive(self, label: str, sent: _Sent | None) -> Response:
        if sent is None:
            return Response(0, "", 0.0)
        connection, started = sent
        try:
            answer = connection.getresponse()
            payload = answer.read()
        except TRANSPORT_ERRORS as exc:
            connection.close()
            seconds = time.perf_counter() - started
            self.recorder.add(label, 0, seconds, 0)
            self.recorder.error(label, exc)
            return Response(0, "", seconds)
        seconds = time.perf_counter() - started
        if answer.will_close:
            connection.close()
        self.recorder.add(label, answer.status, seconds, len(payload))
        return Response(answer.status, payload.decode("utf-8", "replace"), seconds)


class VirtualUser(Protocol):
    def step(self, http: Http) -> None:
        """One unit of work: one request, or a few that belong together."""


@dataclass(frozen=True)
class Phase:
    samples: dict[str, Samples]
    errors: list[str]


def run_phase(
    users: Sequence[VirtualUser], *, host: str, port: int | Sequence[int], seconds: float | None, max_requests: int
) -> Phase:
    """Every virtual user in its own thread for ``seconds``, or until
    ``max_requests`` requests were sent in all (split evenly between them).
    With ``seconds`` None only the request budget ends the phase: the same
    requests whatever the machine's speed (each is still bounded by
    REQUEST_TIMEOUT_S, so a stuck server cannot hang the phase for ever)."""
    deadline = math.inf if seconds is None else time.perf_counter() + seconds
    budget = max(1, max_requests // len(users))
    recorders = [Recorder() for _ in users]
    threads = [
        threading.Thread(target=_drive, args=(user, Http(host, port, recorder), deadline, budget), daemon=True)
        for user, recorder in zip(users, recorders, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    # Without a deadline, the budget bounds the wait: each request at most REQUEST_TIMEOUT_S.
    limit = (budget + 1) * REQUEST_TIMEOUT_S if seconds is None else max(0.0, deadline - time.perf_counter())
    for thread in threads:
        thread.join(timeout=limit + JOIN_GRACE_S)
    wall = time.perf_counter() - started
    errors = [error for recorder in recorders for error in recorder.errors]
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        errors.append(f"{stuck} virtual user(s) still running after the grace period")
    return Phase(_merge(recorders, wall), errors)


def _drive(user: VirtualUser, http: Http, deadline: float, budget: int) -> None:
    try:
        while time.perf_counter() < deadline and http.recorder.requests < budget:
            user.step(http)
    except Exception as exc:  # noqa: BLE001 - a virtual user's bug must show in the results, not vanish in a thread
        http.recorder.error("virtual user stopped", exc)
    finally:
        http.close()


def _merge(recorders: Iterable[Recorder], wall: float) -> dict[str, Samples]:
    merged: dict[str, Samples] = {}
    for recorder in recorders:
        for label, samples in recorder.by_label.items():
            merged.setdefault(label, Samples()).extend(samples)
    for samples in merged.values():
        samples.wall_seconds = wall
    return merged


@dataclass(frozen=True)
class Summary:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failed: int
    mean_body_bytes: int


def summarize(samples: Samples) -> Summary:
    """Throughput over the pooled wall time, percentiles over pooled latencies."""
    latencies = sorted(samples.latencies)
    count = len(latencies)
    return Summary(
        requests=count,
        seconds=round(samples.wall_seconds, 2),
        rps=count / samples.wall_seconds if samples.wall_seconds else 0.0,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        failed=sum(n for status, n in samples.statuses.items() if not 200 <= status < 300),
        mean_body_bytes=samples.body_bytes // max(1, count),
    )


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (the smallest value with ``share`` of the values at or below it)."""
    if not sorted_values:
        return float("nan")
    rank = -(-share * len(sorted_values) // 1)  # ceil without importing math
    return sorted_values[max(1, min(int(rank), len(sorted_values))) - 1]
