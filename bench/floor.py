"""The floor: a Django project of its own (bench/floor_site), prepared in a
process of its own (this one has studyapp's settings) and served by the same
gunicorn configuration as the app."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, replace

from bench.common import ROOT
from bench.loop_data import Learner

FLOOR_APP = "bench.floor_site.wsgi:application"
FLOOR_READY_PATH = "/floor/"  # a redirect to the login page: ready all the same


@dataclass(frozen=True)
class FloorSite:
    env: dict[str, str]  # what its server needs: its database and secret
    cookie_name: str
    session_keys: list[str]
    queries: int  # statements of one floor page

    def with_sessions(self, learners: list[Learner]) -> list[Learner]:
        """Each learner also logged in to the floor (one floor user per learner)."""
        return [
            replace(learner, floor_cookie=f"{self.cookie_name}={self.session_keys[i % len(self.session_keys)]}")
            for i, learner in enumerate(learners)
        ]


def floor_prepare(database_url: str, sessions: int) -> FloorSite:
    """Migrate the floor's database and log its users in, in a process of its
    own (this one has studyapp's settings)."""
    env = {"FLOOR_DATABASE_URL": database_url, "FLOOR_SECRET_KEY": secrets.token_urlsafe(50)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.floor_site.prepare", str(sessions)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the floor project could not be prepared:\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return FloorSite(env, data["cookie_name"], data["session_keys"], data["queries"])
