"""Which cards a learner studies: all published notes, a category, an exam
domain, a tag, one note, or every note's scenario question only
(Profile.scope_kind / scope_value; a team's assignment names one too)."""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.accounts.models import Profile
from studyapp.noteformat.vocabulary import category_name, domain_name, domain_order
from studyapp.notes.models import Card, Note


@dataclass(frozen=True)
class Scope:
    kind: str  # a Profile.Scope
    value: str = ""

    @classmethod
    def of(cls, profile: Profile) -> Scope:
        return cls(profile.scope_kind, profile.scope_value)


def notes_in_scope(scope: Scope):
    notes = Note.objects.published()
    kind, value = scope.kind, scope.value
    # Notes store canonical names; a scope saved with another spelling
    # (before the vocabulary existed) still finds its notes.
    if kind == Profile.Scope.CATEGORY:
        notes = notes.filter(category=category_name(value))
    elif kind == Profile.Scope.DOMAIN:
        notes = notes.filter(domain=domain_name(value))
    elif kind == Profile.Scope.TAG:
        notes = notes.filter(tags__name=value)
    elif kind == Profile.Scope.NOTE:
        notes = notes.filter(note_id=value)
    return notes


def cards_in_scope(scope: Scope):
    cards = Card.objects.active().filter(note__in=notes_in_scope(scope))
    if scope.kind == Profile.Scope.QUESTIONS:
        cards = cards.filter(kind=Card.Kind.QUESTION)
    return cards


def scope_choices() -> dict[str, list[str]]:
    """Values a learner can pick for each kind of scope."""
    published = Note.objects.published()
    return {
        Profile.Scope.CATEGORY: sorted(set(published.exclude(category="").values_list("category", flat=True))),
        Profile.Scope.DOMAIN: sorted(
            set(published.exclude(domain="").values_list("domain", flat=True)), key=domain_order
        ),
        Profile.Scope.TAG: sorted(set(published.values_list("tags__name", flat=True)) - {None}),
        Profile.Scope.NOTE: list(published.order_by("note_id").values_list("note_id", flat=True)),
    }
