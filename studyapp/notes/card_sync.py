"""Bring a note's stored cards in line with freshly generated card specs.

Cards are matched by key; a new spec whose key is unknown may still be an
edited version of a card that lost its key (a pitfall reworded): it takes over
the most similar unmatched card of the same kind, so the learner's history
follows the content. Cards with no counterpart are retired, never deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils import timezone

from studyapp.noteformat.cards import CardSpec
from studyapp.notes.models import Card, Note

# How alike two cards' texts must be for an edit to keep the card's identity.
SIMILAR_ENOUGH = 0.6


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    answer_changed: list[str] = field(default_factory=list)


def cards_sync(*, note: Note, specs: list[CardSpec]) -> SyncCounts:
    counts = SyncCounts()
    now = timezone.now()
    existing = {card.key: card for card in Card.objects.filter(note=note)}
    unmatched_specs: list[CardSpec] = []
    matched: dict[str, CardSpec] = {}
    for spec in specs:
        if spec.key in existing:
            matched[spec.key] = spec
        else:
            unmatched_specs.append(spec)
    spare = [c for c in existing.values() if c.key not in matched and c.retired_at is None]
    to_create: list[Card] = []
    for spec in unmatched_specs:
        card = _most_similar(spec, spare)
        if card is None:
            to_create.append(_new_card(note, spec))
            continue
        spare.remove(card)
        matched[card.key] = spec
    to_update: list[Card] = []
    for key, spec in matched.items():
        card = existing[key]
        if _apply(card, spec, now, counts):
            to_update.append(card)
        else:
            counts.unchanged += 1
    for card in spare:
        card.retired_at = now
        card.updated_at = now
        to_update.append(card)
        counts.retired += 1
    _check_unique_keys(to_update)
    if to_update:
        Card.objects.bulk_update(
            to_update,
            [
                "key",
                "kind",
                "position",
                "front",
                "back",
                "content_hash",
                "answer_hash",
                "answer_changed_at",
                "retired_at",
                "updated_at",
            ],
        )
    if to_create:
        Card.objects.bulk_create(to_create)
        counts.created = len(to_create)
    return counts


def _check_unique_keys(cards: list[Card]) -> None:
    """A re-keyed card must not take a key another card still holds in this note."""
    keys = [c.key for c in cards]
    if len(keys) != len(set(keys)):
        raise ValueError(f"card keys collide: {sorted(k for k in keys if keys.count(k) > 1)}")


def _new_card(note: Note, spec: CardSpec) -> Card:
    return Card(
        note=note,
        key=spec.key,
        kind=spec.kind,
        position=spec.position,
        front=spec.front,
        back=spec.back,
        content_hash=spec.content_hash,
        answer_hash=spec.answer_hash,
    )


def _apply(card: Card, spec: CardSpec, now, counts: SyncCounts) -> bool:
    """Copy the spec onto the card; True when anything changed."""
    same = (
        card.key == spec.key
        and card.position == spec.position
        and card.content_hash == spec.content_hash
        and card.answer_hash == spec.answer_hash
        and card.retired_at is None
    )
    if same:
        return False
    if card.answer_hash != spec.answer_hash:
        card.answer_changed_at = now
        counts.answer_changed.append(spec.key)
    card.key = spec.key
    card.kind = spec.kind
    card.position = spec.position
    card.front = spec.front
    card.back = spec.back
    card.content_hash = spec.content_hash
    card.answer_hash = spec.answer_hash
    card.retired_at = None
    card.updated_at = now
    counts.updated += 1
    return True


def _most_similar(spec: CardSpec, cards: list[Card]) -> Card | None:
    best, best_ratio = None, SIMILAR_ENOUGH
    wanted = f"{spec.front}\n{spec.back}"
    for card in cards:
        if card.kind != spec.kind:
            continue
        ratio = SequenceMatcher(None, wanted, f"{card.front}\n{card.back}").ratio()
        if ratio >= best_ratio:
            best, best_ratio = card, ratio
    return best
