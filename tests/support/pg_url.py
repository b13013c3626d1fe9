"""Print the PostgreSQL URL the suite should use, or exit 1 if none answers.

Used by the Makefile: DATABASE_URL when it names PostgreSQL, else the local
server on 127.0.0.1:5432 (user postgres, trust auth)."""

import os
import sys

DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            pass
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        print(f"PostgreSQL not reachable at {url}: {exc}", file=sys.stderr)
        return 1
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
