"""Bring a note's stored cards in line with freshly generated card specs.

Cards are matched by key; a new spec whose key is unknown may still be an
edited version of a card that lost its key (a pitfall reworded): it takes over
the most similar unmatched card of the same kind, so the learner's history
follows the content. Cards with no counterpart are retired, never deleted."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.db import connection, models
from django.utils import timezone

from studyapp.noteformat.cards import CardSpec, answer_changed
from studyapp.notes.models import Card, Note
from studyapp.notes.signals import cards_withdrawn

# How alike two cards' texts must be for an edit to keep the card's identity.
SIMILAR_ENOUGH = 0.6
# Comparing cards with SequenceMatcher takes time up to quadratic in their
# length, and every new card is compared with every left-over one: a hostile
# note's edit must not make that hours. Past these bounds cards are not
# matched by similarity (they keep their identity only through their key).
MAX_SIMILARITY_CHARS = 2_000
MAX_SIMILARITY_PAIRS = 10_000
# Characters of one text times the other's, summed over the ratio() calls of
# one note: about a second of the worst SequenceMatcher can do.
MAX_SIMILARITY_WORK = 20_000_000


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    answer_changed: list[str] = field(default_factory=list)


def cards_sync(*, note: Note, specs: list[CardSpec], new_note: bool = False) -> SyncCounts:
    """``new_note``: the note was created in this transaction, so it has no
    cards yet and there is nothing to read or match."""
    counts = SyncCounts()
    if new_note:
        counts.created = insert_rows(Card, (_new_card_row(note, spec) for spec in specs))
        return counts
    now = timezone.now()
    existing = {card.key: card for card in Card.objects.filter(note=note)}
    matched, to_create, spare = cards_match(existing=existing, specs=specs)
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
                "answer",
                "answer_changed_at",
                "previous_back",
                "retired_at",
                "updated_at",
            ],
        )
    if spare:
        # Retired cards leave every learner's queue now, not at their next visit.
        cards_withdrawn.send(sender=Card, cards=Card.objects.filter(pk__in=[card.pk for card in spare]))
    counts.created = insert_rows(Card, (_new_card_row(note, spec) for spec in to_create))
    return counts


def cards_match(*, existing: dict[str, Any], specs: list[CardSpec]) -> tuple[dict[str, CardSpec], list, list]:
    """Pair each spec with the stored card it becomes: by key, else the most
    similar left-over active card of its kind (within the bounds above).
    Returns (card key -> spec, specs with no card: to create, active cards
    with no spec: to retire). ``existing`` maps keys to anything with
    ``key``, ``kind``, ``front``, ``back`` and ``retired_at``: Card rows here,
    another version's cards in the authoring app's preview of an edit."""
    unmatched_specs: list[CardSpec] = []
    matched: dict[str, CardSpec] = {}
    for spec in specs:
        if spec.key in existing:
            matched[spec.key] = spec
        else:
            unmatched_specs.append(spec)
    spare = [c for c in existing.values() if c.key not in matched and c.retired_at is None]
    if len(unmatched_specs) * len(spare) > MAX_SIMILARITY_PAIRS:
        spare_for_matching: list = []  # a hostile edit: no identity is carried over
    else:
        spare_for_matching = spare
    to_create: list[CardSpec] = []
    work = [MAX_SIMILARITY_WORK]
    for spec in unmatched_specs:
        card = _most_similar(spec, spare_for_matching, work)
        if card is None:
            to_create.append(spec)
            continue
        spare.remove(card)
        matched[card.key] = spec
    return matched, to_create, spare


def _check_unique_keys(cards: list[Card]) -> None:
    """A re-keyed card must not take a key another card still holds in this note."""
    keys = [c.key for c in cards]
    if len(keys) != len(set(keys)):
        raise ValueError(f"card keys collide: {sorted(k for k in keys if keys.count(k) > 1)}")


def _new_card_row(note: Note, spec: CardSpec) -> dict[str, Any]:
    return {
        "note_id": note.pk,
        "key": spec.key,
        "kind": spec.kind,
        "position": spec.position,
        "front": spec.front,
        "back": spec.back,
        "content_hash": spec.content_hash,
        "answer_hash": spec.answer_hash,
        "answer": spec.answer,
    }


# Fields whose Python value (str, int, bool, a foreign key's id) is exactly what
# the driver is given; other fields (dates, JSON) go through their own conversion.
_PASSED_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """INSERT rows given as {attname: value}, all with the same keys, with one
    executemany; returns how many.

    What ``bulk_create`` stores (it sends no signals either), without what it
    costs: building a model instance and compiling every value through the ORM
    takes about 60 µs a row, which was most of an import's time (see
    docs/benchmarks.md). Fields a row leaves out get what ``bulk_create`` would
    give them: the current time for ``auto_now``/``auto_now_add``, else the
    field's default. Ids are not returned: for rows nobody needs the id of."""
    rows = list(rows)
    if not rows:
        return 0
    plan = _insert_plan(model, tuple(rows[0]), connection.vendor)
    filled = plan.filled_values()
    params = [[*plan.values(row), *filled] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(plan.sql, params)
    return len(rows)


# How a field's value becomes a query parameter: None when the Python value is
# passed as it is, else the field's own conversion (dates, JSON).
_Conversion = Callable[[Any, Any], Any] | None


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    given: tuple[tuple[str, _Conversion], ...]  # (attname, conversion) of the rows' values, in column order
    filled: tuple[models.Field, ...]  # stamped with the time, or the default

    def values(self, row: dict[str, Any]) -> list[Any]:
        values = []
        for name, convert in self.given:
            value = row[name]
            values.append(value if convert is None or value is None else convert(value, connection))
        return values

    def filled_values(self) -> list[Any]:
        now = timezone.now()
        return [_db_value(f, now if _stamped(f) else f.get_default()) for f in self.filled]


@functools.lru_cache(maxsize=64)
def _insert_plan(model: type[models.Model], keys: tuple[str, ...], vendor: str) -> _InsertPlan:
    """The statement for rows with ``keys``, built once per model and keys
    (``vendor`` only keys the cache: quoting differs between databases)."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    unknown = set(keys) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no column for {sorted(unknown)}")
    given = tuple(f for f in fields if f.attname in keys and not _stamped(f))
    filled = tuple(f for f in fields if f not in given)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in (*given, *filled))
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    return _InsertPlan(
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - names come from _meta
        tuple((f.attname, None if isinstance(f, _PASSED_AS_IS) else f.get_db_prep_save) for f in given),
        filled,
    )


def _stamped(field: models.Field) -> bool:
    """auto_now / auto_now_add: the ORM sets these on save whatever they hold."""
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _db_value(field: models.Field, value: Any) -> Any:
    if isinstance(field, _PASSED_AS_IS) or value is None:
        return value
    return field.get_db_prep_save(value, connection)


def _apply(card: Card, spec: CardSpec, now, counts: SyncCounts) -> bool:
    """Copy the spec onto the card; True when anything changed."""
    # The spec's hashes are properties computed on each use: read them once.
    content_hash, answer_hash = spec.content_hash, spec.answer_hash
    same = (
        card.key == spec.key
        and card.position == spec.position
        and card.content_hash == content_hash
        and card.answer_hash == answer_hash
        and card.retired_at is None
    )
    if same:
        return False
    if card.answer_hash != answer_hash and answer_changed(card.answer, spec.answer):
        card.answer_changed_at = now
        card.previous_back = card.back
        counts.answer_changed.append(spec.key)
    card.answer = spec.answer
    card.key = spec.key
    card.kind = spec.kind
    card.position = spec.position
    card.front = spec.front
    card.back = spec.back
    card.content_hash = content_hash
    card.answer_hash = answer_hash
    card.retired_at = None
    card.updated_at = now
    counts.updated += 1
    return True


def _most_similar(spec: CardSpec, cards: list[Card], work: list[int]) -> Card | None:
    """``work`` is what is left of the note's budget of comparison (see MAX_SIMILARITY_WORK)."""
    best, best_ratio = None, SIMILAR_ENOUGH
    wanted = f"{spec.front}\n{spec.back}"
    if len(wanted) > MAX_SIMILARITY_CHARS:
        return None
    for card in cards:
        if card.kind != spec.kind or len(card.front) + len(card.back) >= MAX_SIMILARITY_CHARS:
            continue
        matcher = SequenceMatcher(None, wanted, f"{card.front}\n{card.back}")
        # real_quick_ratio() and quick_ratio() are cheap upper bounds of
        # ratio(): a card they rule out could not have won.
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        work[0] -= len(wanted) * (len(card.front) + len(card.back))
        if work[0] < 0:
            break
        ratio = matcher.ratio()
        if ratio >= best_ratio:
            best, best_ratio = card, ratio
    return best
