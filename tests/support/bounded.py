"""Run a piece of Python in a child process under a CPU-time and a memory limit.

Tests of hostile input must not depend on how fast the machine is. Work that
is linear in its input finishes in well under a second of CPU time; the same
work done quadratically (or with an alias bomb) takes minutes or gigabytes.
A generous CPU-time limit (RLIMIT_CPU, counted in the child's own CPU
seconds, which other processes on a busy machine do not eat) and an address
space limit tell the two apart without measuring any duration.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bounded(code: str, *, cpu_seconds: int = 60, memory_mb: int = 1536) -> subprocess.CompletedProcess:
    """Run ``code`` with the repository on sys.path; the caller asserts on
    ``returncode`` (0 when the work finished within the limits) and output."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=limit,  # the limits apply to the child only
        check=False,
    )


def outcome(process: subprocess.CompletedProcess) -> str:
    """A readable reason for a failed child: killed by the CPU limit, out of memory, or its traceback."""
    if process.returncode < 0:
        return f"killed by signal {-process.returncode} (the CPU-time limit: superlinear work?)"
    return process.stderr[-2000:] or process.stdout[-2000:]
