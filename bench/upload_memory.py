"""Peak memory of uploads, measured in a child process: ``measure`` runs
this module, which uploads archives through the real view (middleware,
multipart parsing, the reader, the database) as an instructor and reports
its peak resident memory (``ru_maxrss``) after a warm-up upload and after
each upload, with the CPU time of each (the best of REPEATS). Used by
tests/authoring/test_upload_memory.py and bench/hostile_inputs.py.

    python -m bench.upload_memory REPEATS WARM.zip HOSTILE.zip ...

The database is the one DATABASE_URL names, migrated beforehand by
``child_database`` (migrating in the child would raise the peak the uploads
are measured against). Prints one line of JSON."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def main(paths: list[str], repeats: int = 1) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from studyapp.accounts.services import instructors_group_ensure
    from studyapp.authoring.models import UploadJob

    user, _ = User.objects.get_or_create(username="memory-probe")
    user.groups.add(instructors_group_ensure())
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))

    def post(path: str) -> dict:
        cpu = float("inf")
        for _ in range(repeats):  # the best of the repeats
            before = UploadJob.objects.count()
            started = time.process_time()
            with open(path, "rb") as upload:
                response = client.post("/author/upload/", {"files": [upload], "publish": "on"})
            cpu = min(cpu, time.process_time() - started)
        job = UploadJob.objects.order_by("-pk").first() if UploadJob.objects.count() > before else None
        return {
            "file": os.path.basename(path),
            "status": response.status_code,
            "refused": [r["path"] for r in job.report.get("refused", [])] if job else [],
            "imported": job.report.get("summary", {}).get("created", 0) if job else 0,
            "cpu_s": round(cpu, 4),
            "peak_kb": peak_kb(),
        }

    warm = post(paths[0])
    baseline = peak_kb()
    return {"warm": warm, "baseline_kb": baseline, "uploads": [post(path) for path in paths[1:]]}


def child_database(folder: Path):
    """(environment for the child, cleanup): the engine DATABASE_URL names, in
    a database of its own (PostgreSQL) or a file (SQLite), migrated."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from bench.database import drop_database, recreate_database

        server = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
        name = f"upload_memory_{uuid.uuid4().hex[:12]}"
        child_url = recreate_database(server, name)

        def cleanup():
            drop_database(server, name)
    else:
        child_url = f"sqlite:///{folder / 'upload_memory.sqlite3'}"

        def cleanup():
            pass

    env = {
        **os.environ,
        # Production settings, as a worker runs; the test client's host name.
        "DATABASE_URL": child_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or f"upload-memory-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_MANIFEST": "false",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return env, cleanup


def measure(paths: list[Path], env: dict, repeats: int = 1) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.upload_memory", str(repeats), *map(str, paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[2:], int(sys.argv[1]))))
