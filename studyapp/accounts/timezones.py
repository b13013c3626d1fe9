"""The time zones a learner can choose: UTC and the canonical zones of real
places, and the canonical name of whatever name a browser reports.

The tz database also holds build artefacts (``Factory``, ``localtime``,
``posixrules``), fixed offsets (``Etc/GMT+5``, whose sign is the reverse of what
people expect), rule-only zones (``EST5EDT``), old country aliases (``Japan``,
``US/Eastern``) and old spellings kept as links (``Asia/Calcutta`` for
``Asia/Kolkata``, ``Europe/Kiev`` for ``Europe/Kyiv``). None of them is where
anyone lives, and offering both spellings of one place is confusing.

The places are the tz database's own tables: ``zone.tab`` (one zone per
country region, Europe/Oslo included) and ``zone1970.tab``. The old spellings
are its links (``L target name`` in ``tzdata.zi``): browsers still report some
of them (Chromium says Asia/Calcutta), so ``time_zone_canonical`` maps a link
to the zone it names. Read from the system's tz database (what zoneinfo
uses), else from the ``tzdata`` package; without either table, the zones
under the geographic areas are offered, as before.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import available_timezones

GEOGRAPHIC_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
# Names that mean UTC itself (links to Etc/UTC or Etc/GMT: no offset, no rules).
_UTC_TARGETS = frozenset({"Etc/UTC", "Etc/GMT", "UTC"})


def _tz_file(name: str) -> str | None:
    """The text of one of the tz database's tables, or None."""
    for root in zoneinfo.TZPATH:
        path = Path(root) / name
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    try:
        resource = resources.files("tzdata").joinpath("zoneinfo", name)
        if resource.is_file():
            return resource.read_text(encoding="utf-8", errors="replace")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    return None


def _tab_zones(text: str | None) -> set[str]:
    zones = set()
    for line in (text or "").splitlines():
        if line and not line.startswith("#"):
            columns = line.split("\t")
            if len(columns) >= 3:
                zones.add(columns[2].strip())
    return zones


@cache
def time_zone_names() -> tuple[str, ...]:
    """Sorted; read from the tz database on disk once per process."""
    available = available_timezones()
    places = (_tab_zones(_tz_file("zone.tab")) | _tab_zones(_tz_file("zone1970.tab"))) & available
    if not places:
        places = {name for name in available if name.split("/", 1)[0] in GEOGRAPHIC_AREAS and "/" in name}
    return tuple(sorted(places | {"UTC"}))


@cache
def _name_set() -> frozenset[str]:
    return frozenset(time_zone_names())


def time_zone_is_offered(name: str) -> bool:
    return name in _name_set()


@cache
def time_zone_links() -> dict[str, str]:
    """Every name the tz database keeps as a link to an offered zone (old
    spellings, country aliases), mapped to that zone."""
    links: dict[str, str] = {}
    for line in (_tz_file("tzdata.zi") or "").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    canonical: dict[str, str] = {}
    for name, target in links.items():
        # A link may name another link (rarely): follow a few steps.
        for _ in range(4):
            if target in links and target not in _name_set():
                target = links[target]
        if target in _UTC_TARGETS:
            target = "UTC"
        if target in _name_set() and name not in _name_set():
            canonical[name] = target
    return canonical


def time_zone_canonical(name: str) -> str | None:
    """The offered zone ``name`` is (an offered name) or stands for (a link),
    else None."""
    name = (name or "").strip()[:64]
    if time_zone_is_offered(name):
        return name
    if name in _UTC_TARGETS:
        return "UTC"
    return time_zone_links().get(name)
