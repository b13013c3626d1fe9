"""Which questions an attempt asks, and in which order its options are shown.
Pure functions (no database): the service feeds them the bank's ids.

A mock follows the blueprint's domain weights: the counts per domain are the
weights scaled to the question count, rounded by largest remainder (the
Hamilton method), so they always add up to the count. Within a domain,
questions the learner has not met in a mock come first, in a random order."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    card_id: int
    note_id: int
    domain: str


@dataclass
class Draw:
    picked: list[Candidate]
    # Domains the bank could not fill: [{"name", "wanted", "drawn"}].
    shortfall: list[dict] = field(default_factory=list)


def quotas(weights: list[tuple[str, int]], count: int) -> dict[str, int]:
    """Largest-remainder rounding of ``count`` by ``weights``: 75 by
    26/29/25/20 is 19.5, 21.75, 18.75, 15 -> floors 19/21/18/15, and the 2
    left go to the largest remainders (.75, .75): 19/22/19/15."""
    total = sum(max(0, w) for _, w in weights)
    if count <= 0 or total <= 0:
        return {name: 0 for name, _ in weights}
    exact = [(name, count * max(0, w) / total) for name, w in weights]
    result = {name: int(share) for name, share in exact}
    left = count - sum(result.values())
    # Ties go to the earlier domain (exam order), so the result is stable.
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - int(exact[i][1])), i))
    for i in by_remainder[:left]:
        result[exact[i][0]] += 1
    return result


def draw(
    candidates: list[Candidate],
    *,
    weights: list[tuple[str, int]] | None,
    count: int,
    seen_note_ids: set[int],
    rng: random.Random,
) -> Draw:
    """``count`` questions (fewer if the bank has fewer), by ``weights`` when
    given (else from the whole pool), unseen ones first. A domain short of
    questions is filled from the others (unseen first again) and reported."""

    def ordered(pool: list[Candidate]) -> list[Candidate]:
        unseen = [c for c in pool if c.note_id not in seen_note_ids]
        seen = [c for c in pool if c.note_id in seen_note_ids]
        rng.shuffle(unseen)
        rng.shuffle(seen)
        return unseen + seen

    if not weights:
        picked = ordered(candidates)[:count]
        rng.shuffle(picked)
        return Draw(picked)

    by_domain: dict[str, list[Candidate]] = {name: [] for name, _ in weights}
    others: list[Candidate] = []
    for candidate in candidates:
        by_domain.get(candidate.domain, others).append(candidate)
    picked: list[Candidate] = []
    leftovers: list[Candidate] = []
    shortfall: list[dict] = []
    for name, wanted in quotas(weights, count).items():
        pool = ordered(by_domain.get(name, []))
        picked += pool[:wanted]
        leftovers += pool[wanted:]
        if len(pool) < wanted:
            shortfall.append({"name": name, "wanted": wanted, "drawn": len(pool)})
    missing = count - len(picked)
    if missing > 0:
        picked += ordered(leftovers + others)[:missing]
    rng.shuffle(picked)
    return Draw(picked, shortfall)


def option_order(letters: list[str], rng: random.Random) -> list[str]:
    order = sorted(letters)
    rng.shuffle(order)
    return order
