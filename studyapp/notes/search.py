"""Learners' search over the published notes and their cards: title, text,
trigger words, tags, and the cards' faces.

Substring matching (``icontains``), not a full-text index: Japanese has no
spaces between words, so a tokenizer would need a dictionary, while a
substring finds 可用性 or バケット inside any sentence on SQLite and on
PostgreSQL alike. The work is bounded by the query (at most MAX_TERMS terms
of at most MAX_QUERY characters in all, every term must match) and by the
page (PER_PAGE notes, CARDS_PER_NOTE cards each). The notes are a few
hundred; docs/study.md says when this would need an index."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When

from studyapp.notes.models import Card, Note, Tag, TriggerWord

MAX_QUERY = 100
MAX_TERMS = 5
PER_PAGE = 20
CARDS_PER_NOTE = 3


def search_terms(query: str) -> list[str]:
    """The words of ``query`` (split on any space, the ideographic one too),
    at most MAX_TERMS, from at most MAX_QUERY characters, without repeats."""
    terms: list[str] = []
    for word in query[:MAX_QUERY].split():
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _variants(term: str) -> set[str]:
    # A full-width ＶＰＣ finds VPC; the term as typed is searched too.
    return {term, unicodedata.normalize("NFKC", term)}


def _note_matches(term: str) -> Q:
    q = Q()
    for v in _variants(term):
        words = TriggerWord.objects.filter(note=OuterRef("pk")).filter(
            Q(term__icontains=v) | Q(gloss__icontains=v) | Q(explanation__icontains=v)
        )
        tags = Tag.objects.filter(notes=OuterRef("pk"), name__icontains=v)
        cards = Card.objects.active().filter(note=OuterRef("pk")).filter(Q(front__icontains=v) | Q(back__icontains=v))
        q |= Q(title__icontains=v) | Q(source__icontains=v) | Q(Exists(words)) | Q(Exists(tags)) | Q(Exists(cards))
    return q


def _card_matches(term: str) -> Q:
    q = Q()
    for v in _variants(term):
        q |= Q(front__icontains=v) | Q(back__icontains=v)
    return q


def _title_matches(term: str) -> Q:
    q = Q()
    for v in _variants(term):
        q |= Q(title__icontains=v)
    return q


@dataclass
class NoteHit:
    note: Note
    cards: list[Card] = field(default_factory=list)
    more_cards: int = 0


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    page: Page | None = None
    hits: list[NoteHit] = field(default_factory=list)
    truncated: bool = False  # the query was cut to MAX_QUERY characters or MAX_TERMS terms


def notes_search(*, query: str, page_number: object = 1) -> SearchResults:
    """Published notes matching every term of ``query``, notes with every term
    in their title first, then by id; each with its first matching cards."""
    query = query.strip()
    terms = search_terms(query)
    results = SearchResults(query=query, terms=terms)
    results.truncated = len(query) > MAX_QUERY or len(query[:MAX_QUERY].split()) > len(terms)
    if not terms:
        return results
    matches = Q()
    in_title = Q()
    for term in terms:
        matches &= _note_matches(term)
        in_title &= _title_matches(term)
    notes = (
        Note.objects.published()
        .filter(matches)
        .annotate(rank=Case(When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .only("note_id", "title", "category", "domain")
        .order_by("rank", "note_id")
    )
    results.page = Paginator(notes, PER_PAGE).get_page(page_number)
    on_page = list(results.page.object_list)
    results.hits = [NoteHit(note) for note in on_page]
    if on_page:
        _attach_cards(results.hits, terms)
    return results


def _attach_cards(hits: list[NoteHit], terms: list[str]) -> None:
    card_q = Q()
    for term in terms:
        card_q &= _card_matches(term)
    by_note = {hit.note.pk: hit for hit in hits}
    cards = (
        Card.objects.active()
        .filter(note_id__in=by_note)
        .filter(card_q)
        .only("id", "note_id", "kind", "position", "front", "back", "front_html", "back_html", "html_key")
        .order_by("note_id", "position", "id")
    )
    counts = dict(cards.order_by().values("note_id").annotate(n=Count("id")).values_list("note_id", "n"))
    # At most this many cards leave the database, whatever the notes hold.
    for card in cards[: len(hits) * CARDS_PER_NOTE * 4]:
        hit = by_note[card.note_id]
        if len(hit.cards) < CARDS_PER_NOTE:
            hit.cards.append(card)
    for hit in hits:
        hit.more_cards = counts.get(hit.note.pk, 0) - len(hit.cards)
