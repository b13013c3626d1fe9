"""Helpers the benchmarks share: the repository on sys.path, a throw-away
SQLite database for Django, a stopwatch and a plain-text table."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if str(ROOT) not in sys.path:
    # Benchmarks run as scripts (python bench/x.py), where only bench/ is on the path.
    sys.path.insert(0, str(ROOT))


def django_with_sqlite(database: Path) -> None:
    """Set Django up on the SQLite file ``database``, migrated.

    Must run before anything imports Django models; a process sets Django up
    only once, which is why run_all.py gives every benchmark its own process.
    Later databases come from ``switch_to_fresh_sqlite``."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # DEBUG=true supplies the development SECRET_KEY and relaxed security
    # settings; the timed code turns query logging off again (see quiet_queries).
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")

    import django

    django.setup()
    _migrate()


def switch_to_fresh_sqlite(database: Path) -> None:
    """Continue on a new, migrated SQLite file: each timed import starts empty."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(database)
    _migrate()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@contextmanager
def quiet_queries() -> Iterator[None]:
    """Run without DEBUG's query log, as production does.

    With DEBUG on, Django's debug cursor records every statement, and on
    SQLite it renders each one's parameters by sending an extra
    ``SELECT QUOTE(?), ...`` to the database; that would be timed as if the
    importer did it."""
    from django.test.utils import override_settings

    with override_settings(DEBUG=False):
        yield


@contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name)


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds`` (wall clock)
    and ``watch.cpu_seconds`` (this process's CPU time: what the code costs,
    less disturbed by other processes on a shared machine)."""

    def __enter__(self) -> Stopwatch:
        self._started = time.perf_counter()
        self._started_cpu = time.process_time()
        self.seconds = self.cpu_seconds = 0.0
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.perf_counter() - self._started
        self.cpu_seconds = time.process_time() - self._started_cpu


def busy_warning() -> str:
    """A warning when other processes keep the CPUs busy: wall-clock figures are then too high."""
    load = os.getloadavg()[0]
    if load < max(nproc() - 1, 1):
        return ""
    return f"warning: load average {load:.1f} on {nproc()} CPUs; other processes are running, wall-clock times suffer"


def nproc() -> int:
    """CPUs this process may use, as the ``nproc`` command counts them."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def machine() -> dict:
    return {
        "nproc": nproc(),
        "python": sys.version.split()[0],
    }


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        first, *rest = cells
        return "  ".join(
            [str(first).ljust(widths[0]), *(str(c).rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    print(f"\n{title}")
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
