"""Password reset: does the answer take as long for an address no account has
as for a known one? (issue 14, finding 7: known addresses answered 4-7 ms
later, which told whether an account had the address.)

Run from the repository root:

    .venv/bin/python bench/password_reset.py [--rounds 300]

A fresh SQLite database with one learner; POST /accounts/password/reset/
through Django's test client, a known and an unknown address in turn (so
that a busy machine slows both alike), each from its own client address,
with the throttles out of the way and the mail sent as production sends it
(in a thread of its own) to the in-memory mail backend. Prints the median
and the 90th percentile of each, in milliseconds of wall clock, and the
difference of the medians. Not in ``make bench``: it answers one question.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import busy_warning, django_with_sqlite, print_table, quiet_queries, temporary_folder  # noqa: E402


def _measure(rounds: int) -> dict[str, list[float]]:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import override_settings

    User.objects.create_user("alice", "alice@example.com", "alice-password-1")
    client = Client()
    times = {"known": [], "unknown": []}
    addresses = {"known": "alice@example.com", "unknown": "nobody@example.com"}
    unlimited = (10**9, 1)
    with override_settings(
        PASSWORD_RESET_THROTTLE_PER_IP=unlimited,
        PASSWORD_RESET_THROTTLE_PER_EMAIL=unlimited,
        PASSWORD_RESET_MAIL_IN_BACKGROUND=True,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ALLOWED_HOSTS=["testserver"],
    ):
        for i in range(rounds + 20):
            for kind in ("known", "unknown") if i % 2 else ("unknown", "known"):
                started = time.perf_counter()
                response = client.post(
                    "/accounts/password/reset/", {"email": addresses[kind]}, REMOTE_ADDR=f"10.{i // 250}.{i % 250}.1"
                )
                elapsed = time.perf_counter() - started
                assert response.status_code == 302, response.status_code
                if i >= 20:  # the first rounds warm caches and templates up
                    times[kind].append(elapsed * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with temporary_folder("password-reset") as folder:
        django_with_sqlite(folder / "bench.sqlite3")
        with quiet_queries():
            times = _measure(args.rounds)
    rows = []
    for kind, values in times.items():
        deciles = statistics.quantiles(values, n=10)
        rows.append((kind, f"{statistics.median(values):.2f}", f"{deciles[-1]:.2f}", str(len(values))))
    print_table("Password reset answers (ms, wall clock)", ("address", "median", "p90", "requests"), rows)
    difference = statistics.median(times["known"]) - statistics.median(times["unknown"])
    print(f"known minus unknown, medians: {difference:+.2f} ms")
    warning = busy_warning()
    if warning:
        print(warning)


if __name__ == "__main__":
    main()
