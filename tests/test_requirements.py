"""requirements.txt pins every package once: two lines for one package drift
apart at the first upgrade that changes only one of them."""

import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def _lines():
    for number, line in enumerate(REQUIREMENTS.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            yield number, line


def test_every_requirement_is_pinned():
    loose = [f"line {n}: {line}" for n, line in _lines() if "==" not in line]
    assert loose == []


def test_no_package_is_listed_twice():
    seen: dict[str, int] = {}
    twice = []
    for number, line in _lines():
        name = re.split(r"[\[=<>~!; ]", line, maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            twice.append(f"{name}: lines {seen[name]} and {number}")
        seen.setdefault(name, number)
    assert twice == []
