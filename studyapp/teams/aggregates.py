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
  theirs), lowest first.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from studyapp.noteformat.vocabulary import domain_order

MIN_CONTRIBUTORS = 3
TOP_TRAPS = 10
WEAKEST_TRIGGERS = 10


def aggregate_compute(inputs: list[dict], *, triggers: dict[int, tuple[str, str]], labels: dict) -> dict:
    """``inputs``: one MemberSnapshot.inputs per contributor. ``triggers``
    (card id -> term, note id) and ``labels`` ((note id, letter) -> label)
    name what the figures are about."""
    if len(inputs) < MIN_CONTRIBUTORS:
        return {}
    return {
        "domains": _means(inputs, "domains", order=domain_order),
        "tags": _means(inputs, "tags", order=str.casefold),
        "traps": _traps(inputs, labels),
        "triggers": _triggers(inputs, triggers),
    }


def _means(inputs: list[dict], key: str, *, order) -> list[list]:
    values = defaultdict(list)
    for item in inputs:
        for name, recall in item.get(key, {}).items():
            values[name].append(recall)
    return [[name, sum(values[name]) / len(values[name]), len(values[name])] for name in sorted(values, key=order)]


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


def _triggers(inputs: list[dict], triggers: dict[int, tuple[str, str]]) -> list[list]:
    recalls = defaultdict(list)
    for item in inputs:
        for card_id, recall in item.get("triggers", {}).items():
            recalls[int(card_id)].append(recall)
    means = [
        (sum(values) / len(values), card_id, len(values))
        for card_id, values in recalls.items()
        if len(values) >= MIN_CONTRIBUTORS and card_id in triggers
    ]
    means.sort(key=lambda item: (item[0], triggers[item[1]]))
    return [[card_id, *triggers[card_id], mean, n] for mean, card_id, n in means[:WEAKEST_TRIGGERS]]
