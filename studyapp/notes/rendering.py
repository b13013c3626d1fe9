"""Each card's HTML, rendered once instead of at every showing.

Python-Markdown costs about a millisecond a card; the study loop shows a card
hundreds of times a day per learner. So the HTML is rendered after an import
(a background task, so that the import itself stays as fast as it was) and
kept on the card with the key of what it was rendered from: the card's
content hash and the sanitizer's fingerprint (``sanitizer.RENDERER``). A card
whose text or renderer changed since is rendered on the fly until the task
has run again; stored HTML never outlives the text it was made from, because
the key is checked against the text actually shown.

A note page's body is kept the same way (``NotePage``, beside the note),
rendered by the task after each import or publish. Until it has run, a
short body is rendered on the fly as before; a long one is shown as plain
text (linear, no Markdown), so that no page view costs seconds of CPU."""

from __future__ import annotations

import hashlib

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Concat
from django.utils.safestring import SafeString

from studyapp import markdown_bounds
from studyapp.noteformat.cards import digest
from studyapp.noteformat.parser import body_of
from studyapp.notes.models import Card, Note, NotePage
from studyapp.sanitizer import RENDERER, render_markdown, stored_html

# A body up to this many characters (an ordinary note's is 5,000 to 15,000)
# is rendered on the fly while its stored HTML is missing or stale.
NOTE_RENDER_ON_VIEW_CHARS = 20_000
NOTE_BATCH = 20

BATCH = 500


def html_key(front: str, back: str) -> str:
    """The key HTML rendered now from ``front`` and ``back`` is kept under:
    the content hash (as CardSpec.content_hash computes it) and the renderer."""
    content_hash = digest(front + "\x00" + back)
    return f"{content_hash}:{RENDERER}"


def card_faces(card: Card) -> tuple[SafeString, SafeString]:
    """The card's front and back as safe HTML: the stored rendering when it
    was made from exactly this text by this renderer, else rendered now."""
    if card.html_key and card.html_key == html_key(card.front, card.back):
        return stored_html(card.front_html), stored_html(card.back_html)
    return render_markdown(card.front), render_markdown(card.back)


def cards_render(*, limit: int | None = None) -> int:
    """Render every card whose stored HTML is missing or stale (its content
    hash or the renderer changed since); returns how many."""
    wanted = Concat(F("content_hash"), Value(f":{RENDERER}"), output_field=CharField())
    stale = Card.objects.exclude(html_key=wanted).order_by("pk").only("id", "front", "back")
    done = 0
    for batch in _batches(stale, size=BATCH, limit=limit, key=lambda card: card.pk):
        for card in batch:
            card.front_html = str(render_markdown(card.front))
            card.back_html = str(render_markdown(card.back))
            card.html_key = html_key(card.front, card.back)
        Card.objects.bulk_update(batch, ["front_html", "back_html", "html_key"])
        done += len(batch)
    return done


def _batches(ordered, *, size: int, limit: int | None, key):
    """``ordered`` (a queryset in primary-key order, of rows or of primary
    keys) in lists of at most ``size``, at most ``limit`` in all, each
    batch read after the previous one was handled (keyset pagination)."""
    done, last = 0, 0
    while limit is None or done < limit:
        batch = list(ordered.filter(pk__gt=last)[: size if limit is None else min(size, limit - done)])
        if not batch:
            return
        yield batch
        done, last = done + len(batch), key(batch[-1])


def note_html_key(source: str) -> str:
    """The key a note page rendered now from ``source`` is kept under: the
    source's hash (as the importer stores it in ``source_hash``) and the renderer."""
    return f"{hashlib.sha256(source.encode('utf-8')).hexdigest()}:{RENDERER}"


def note_page_html(note: Note) -> tuple[SafeString, bool]:
    """The note page's body as safe HTML, and whether it is the rendered
    Markdown (False: plain text until the task has rendered it)."""
    stored = (
        NotePage.objects.filter(note_id=note.pk, html_key=note_html_key(note.source)).values_list("html", flat=True)
    ).first()
    if stored is not None:
        return stored_html(stored), True
    body = body_of(note.source)
    if len(body) <= NOTE_RENDER_ON_VIEW_CHARS:
        return render_markdown(body), True
    # Escaped, then through the sanitizer's cleaner like any stored HTML.
    return stored_html(markdown_bounds.plain_html(body)), False


def notes_render(*, limit: int | None = None) -> int:
    """Render the page of every note whose stored HTML is missing or stale
    (its source or the renderer changed since); returns how many. A few
    notes at a time: a note may be a megabyte."""
    wanted = Concat(F("source_hash"), Value(f":{RENDERER}"), output_field=CharField())
    stale = (
        Note.objects.annotate(wanted_key=wanted)
        .filter(Q(page__isnull=True) | ~Q(page__html_key=F("wanted_key")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for ids in _batches(stale, size=NOTE_BATCH, limit=limit, key=lambda pk: pk):
        for note in Note.objects.filter(pk__in=ids).only("id", "source"):
            page = NotePage(
                note_id=note.pk, html=str(render_markdown(body_of(note.source))), html_key=note_html_key(note.source)
            )
            # An import in between leaves a key that no longer matches the
            # source (never shown); its own task renders the note again.
            NotePage.objects.bulk_create(
                [page], update_conflicts=True, unique_fields=["note"], update_fields=["html", "html_key"]
            )
        done += len(ids)
    return done
