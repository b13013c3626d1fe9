"""The time zones a learner can choose: UTC and the zones of real places.

The tz database also holds build artefacts (``Factory``, ``localtime``,
``posixrules``), fixed offsets (``Etc/GMT+5``, whose sign is the reverse of what
people expect), rule-only zones (``EST5EDT``) and old country aliases
(``Japan``, ``US/Eastern``). None of them is where anyone lives; every place
has a zone under one of the areas below.
"""

from functools import cache
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


@cache
def time_zone_names() -> tuple[str, ...]:
    """Sorted; read from the tz database on disk once per process."""
    names = {name for name in available_timezones() if name.split("/", 1)[0] in GEOGRAPHIC_AREAS and "/" in name}
    return tuple(sorted(names | {"UTC"}))


@cache
def _name_set() -> frozenset[str]:
    return frozenset(time_zone_names())


def time_zone_is_offered(name: str) -> bool:
    return name in _name_set()
