"""Serving a Django project for a benchmark: gunicorn with the app's own
gunicorn.conf.py on a free port of 127.0.0.1, ready before it is used, and
stopped (killed if need be) afterwards; what its log says about restarts and
errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT

HOST = "127.0.0.1"
WORKERS = 2
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


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
    port: int | None = None,
) -> Iterator[Server]:
    """gunicorn.conf.py on a free port of 127.0.0.1, access log off, serving
    ``app`` (default: the config's, studyapp). Stopped (and, if need be,
    killed) on the way out.

    Without a control socket: gunicorn's default one is a single path per
    user, so two servers (the app and the floor, or two runs on one machine)
    would take it from each other."""
    port = port or free_port()
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
        # No recycled worker in the middle of a measured phase: a restart
        # costs about a second of CPU, charged to whichever phase it fell in.
        "GUNICORN_MAX_REQUESTS": "0",
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
