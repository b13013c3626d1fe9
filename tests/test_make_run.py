"""`make run PORT=8001` serves on that port; without PORT, on 8000 (issue 14,
finding 10). Read from `make -n`: running `make run` would set up the
virtualenv and the database of the checkout, not of a test."""

import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_recipe(*args: str) -> list[str]:
    done = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def served_address(lines: list[str]) -> str:
    (line,) = [line for line in lines if "manage.py runserver" in line]
    words = shlex.split(line.replace(";", " "))
    return words[words.index("runserver") + 1]


@pytest.mark.parametrize(("args", "port"), [((), "8000"), (("PORT=8001",), "8001")])
def test_make_run_serves_on_the_port_asked_for(args, port):
    lines = run_recipe(*args)
    assert served_address(lines) == f"127.0.0.1:{port}"
    assert any(f"http://127.0.0.1:{port} " in line for line in lines if line.startswith("echo"))
