"""The team's aggregates over the members who share details (the
contributors), from their snapshots' inputs. Pure functions: the refresh task
stores the result in TeamAggregate, pages only read it.

An aggregate exists only with at least MIN_CONTRIBUTORS contributors, so that
none of them can be singled out. Each figure weighs every contributor
equally:

- mastery per exam domain and per tag: the mean over contributors of their own
  mean predicted recall now over the assigned cards of that domain or tag;
- most chosen wrong options: ranked by how many contributors chose the option
  at least once, then by how often it was chosen;
- weakest trigger words: the mean predicted recall now of each trigger-word
  card among the contributors who have studied it, for cards that at least
  MIN_CONTRIBUTORS of them have studied (a mean of one or two people would be
  theirs) and whose mean is below the contributors' mean target, lowest first;
- mean coverage: the mean over contributors of their assigned cards studied.

No figure reveals one contributor by difference (docs/teams.md, "Aggregates
that do not reveal one member"): each mean is released with Gaussian noise of
NOISE_SD, drawn from a generator seeded by a keyed hash of the assignment, the
contributors and the figure's name. Reading a figure again, or at another
time with the same contributors, gives the same draw (nothing to average
out); a contributor who stops sharing or leaves changes the contributors,
hence the draw. Reading the mean of 4 contributors and then of the 3 left, x
= 4 m4 - 3 m3 carries noise of standard deviation sqrt(4² + 3²) x NOISE_SD =
15 points on the leaver's figure, more for larger teams.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections import Counter, defaultdict

from studyapp.noteformat.vocabulary import domain_order

MIN_CONTRIBUTORS = 3
TOP_TRAPS = 10
WEAKEST_TRIGGERS = 10
# The standard deviation of the noise on each released mean (3 points of 100).
NOISE_SD = 0.03


def figure_noise(*, secret: bytes, key: str) -> float:
    """The noise on the figure named ``key``: a draw that only the server's
    secret and the key determine."""
    digest = hmac.new(secret, key.encode(), hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest[:8], "big")).gauss(0.0, NOISE_SD)


def released(value: float, *, secret: bytes, key: str) -> float:
    """A mean as the team sees it: with its noise, within 0..1."""
    return min(1.0, max(0.0, value + figure_noise(secret=secret, key=key)))


def aggregate_compute(
    inputs: list[dict],
    *,
    triggers: dict[int, tuple[str, str]],
    labels: dict,
    secret: bytes,
    seed: str,
    coverage: list[float] = (),
    target: float = 1.0,
) -> dict:
    """``inputs``: one MemberSnapshot.inputs per contributor. ``triggers``
    (card id -> term, note id) and ``labels`` ((note id, letter) -> label)
    name what the figures are about. ``seed`` names the assignment and its
    contributors (the noise's key with each figure's name); ``coverage`` is
    each contributor's share of assigned cards studied, ``target`` their
    mean target (a trigger word is weak below it)."""
    if len(inputs) < MIN_CONTRIBUTORS:
        return {}

    def release(value: float, name: str) -> float:
        return released(value, secret=secret, key=f"{seed}|{name}")

    data = {
        "domains": _means(inputs, "domains", order=domain_order, release=release),
        "tags": _means(inputs, "tags", order=str.casefold, release=release),
        "traps": _traps(inputs, labels),
        "triggers": _triggers(inputs, triggers, release=release, target=target),
    }
    if len(coverage) >= MIN_CONTRIBUTORS:
        data["coverage"] = release(sum(coverage) / len(coverage), "coverage")
    return data


def _means(inputs: list[dict], key: str, *, order, release) -> list[list]:
    values = defaultdict(list)
    for item in inputs:
        for name, recall in item.get(key, {}).items():
            values[name].append(recall)
    return [
        [name, release(sum(values[name]) / len(values[name]), f"{key}|{name}"), len(values[name])]
        for name in sorted(values, key=order)
    ]


def _traps(inputs: list[dict], labels: dict) -> list[list]:
    people, times = Counter(), Counter()
    for item in inputs:
        for key, count in item.get("traps", {}).items():
            people[key] += 1
            times[key] += count
    ranked = sorted(people, key=lambda key: (-people[key], -times[key], key))[:TOP_TRAPS]
    result = []
    for key in ranked:
        note_id, letter = key.split("\t", 1)
        result.append([note_id, letter, labels.get((note_id, letter), ""), people[key], times[key]])
    return result


def _triggers(inputs: list[dict], triggers: dict[int, tuple[str, str]], *, release, target: float) -> list[list]:
    recalls = defaultdict(list)
    for item in inputs:
        for card_id, recall in item.get("triggers", {}).items():
            recalls[int(card_id)].append(recall)
    means = [
        (release(sum(values) / len(values), f"triggers|{card_id}"), card_id, len(values))
        for card_id, values in recalls.items()
        if len(values) >= MIN_CONTRIBUTORS and card_id in triggers
    ]
    # A card the team remembers at its target or better is not weak, however
    # it ranks: a list of cards at 100 % would send the lead to the wrong place.
    means = [item for item in means if item[0] < target]
    means.sort(key=lambda item: (item[0], triggers[item[1]]))
    return [[card_id, *triggers[card_id], mean, n] for mean, card_id, n in means[:WEAKEST_TRIGGERS]]
