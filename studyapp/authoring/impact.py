"""What publishing a text would do to learners, card by card, decided exactly
as the importer will decide it: cards paired by the importer's own
``card_sync.cards_match`` (by key, then a reworded card by similarity within
its kind); a changed answer (noteformat.cards.answer_changed) sends the card
back to learning, any other change keeps every schedule; cards left over
are retired.

A test publishes after previewing and checks that the preview said what the
importer then did."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from studyapp.noteformat.cards import CardSpec, answer_changed, cards_for
from studyapp.noteformat.model import ParsedNote
from studyapp.notes.card_sync import cards_match
from studyapp.notes.models import Card, Note
from studyapp.study.models import CardState

# change kinds, in the order an author reads them
ORDER = ("reset", "retired", "reworded", "added", "restored", "moved")


@dataclass
class CardChange:
    change: str  # reset, reworded, retired, added, restored (a retired card back), moved (key or place only)
    key: str
    kind: str
    front_before: str = ""
    back_before: str = ""
    front_after: str = ""
    back_after: str = ""
    card_id: int | None = None
    learners: int = 0  # learners whose schedule this change affects (reset, retired)


@dataclass
class Impact:
    changes: list[CardChange] = field(default_factory=list)
    unchanged: int = 0
    # Distinct learners whose schedule of some card restarts, or who lose a card.
    reset_learners: int = 0
    retired_learners: int = 0

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)

    # Counts for templates, which cannot pass an argument.
    @property
    def reset(self) -> int:
        return self.count("reset")

    @property
    def reworded(self) -> int:
        return self.count("reworded")

    @property
    def retired(self) -> int:
        return self.count("retired")

    @property
    def added(self) -> int:
        return self.count("added") + self.count("restored")

    @property
    def visible(self) -> list[CardChange]:
        """What a learner would notice (not a card that only moved)."""
        return sorted((c for c in self.changes if c.change != "moved"), key=lambda c: ORDER.index(c.change))

    @property
    def nothing(self) -> bool:
        return not self.visible


@dataclass
class _Old:
    """A card as the importer compares it: stored (Card) or generated (CardSpec)."""

    key: str
    kind: str
    front: str
    back: str
    answer: str
    answer_hash: str
    content_hash: str
    position: int
    retired_at: object = None  # set (to anything) when the card is retired
    card_id: int | None = None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


def _old_from_spec(spec: CardSpec) -> _Old:
    return _Old(
        spec.key, spec.kind, spec.front, spec.back, spec.answer, spec.answer_hash, spec.content_hash, spec.position
    )


def _old_from_card(card: Card) -> _Old:
    return _Old(
        card.key,
        card.kind,
        card.front,
        card.back,
        card.answer,
        card.answer_hash,
        card.content_hash,
        card.position,
        card.retired_at,
        card.pk,
    )


def changes_between(old: list, new: list[CardSpec]) -> list[CardChange]:
    """``old``: CardSpecs (another version) or _Old rows (the stored cards)."""
    existing = {c.key: (c if isinstance(c, _Old) else _old_from_spec(c)) for c in old}
    matched, to_create, spare = cards_match(existing=existing, specs=new)
    changes = [CardChange("added", s.key, s.kind, front_after=s.front, back_after=s.back) for s in to_create]
    for key, spec in matched.items():
        card = existing[key]
        change = _matched_change(card, spec)
        if change:
            changes.append(
                CardChange(change, spec.key, spec.kind, card.front, card.back, spec.front, spec.back, card.card_id)
            )
    changes.extend(CardChange("retired", c.key, c.kind, c.front, c.back, card_id=c.card_id) for c in spare)
    return changes


def _matched_change(card: _Old, spec: CardSpec) -> str:
    same = (
        card.key == spec.key
        and card.position == spec.position
        and card.content_hash == spec.content_hash
        and card.answer_hash == spec.answer_hash
        and not card.retired
    )
    if same:
        return ""
    if card.answer_hash != spec.answer_hash and answer_changed(card.answer, spec.answer):
        return "reset"
    if card.retired:
        return "restored"
    if card.content_hash != spec.content_hash:
        return "reworded"
    return "moved"


def impact_of(*, note: Note | None, parsed: ParsedNote) -> Impact:
    """What publishing ``parsed`` over the stored ``note`` would do, with the
    number of learners each reset or retirement touches (those who have
    answered the card: a card still new to them has no schedule to lose)."""
    specs = cards_for(parsed)
    stored = [_old_from_card(c) for c in Card.objects.filter(note=note)] if note is not None else []
    changes = changes_between(stored, specs)
    impact = Impact(changes=changes, unchanged=len(specs) - sum(1 for c in changes if c.change != "retired"))
    touched = [c.card_id for c in changes if c.change in ("reset", "retired") and c.card_id]
    if not touched:
        return impact
    answered = CardState.objects.filter(card_id__in=touched, last_review__isnull=False)
    learners = dict(answered.values("card_id").annotate(n=Count("user_id", distinct=True)).values_list("card_id", "n"))
    for change in changes:
        change.learners = learners.get(change.card_id, 0)
    for kind in ("reset", "retired"):
        ids = [c.card_id for c in changes if c.change == kind and c.learners]
        if ids:
            total = answered.filter(card_id__in=ids).values("user_id").distinct().count()
            setattr(impact, f"{kind}_learners", total)
    return impact
