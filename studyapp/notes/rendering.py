"""Each card's HTML, rendered once instead of at every showing.

Python-Markdown costs about a millisecond a card; the study loop shows a card
hundreds of times a day per learner. So the HTML is rendered after an import
(a background task, so that the import itself stays as fast as it was) and
kept on the card with the key of what it was rendered from: the card's
content hash and the sanitizer's fingerprint (``sanitizer.RENDERER``). A card
whose text or renderer changed since is rendered on the fly until the task
has run again; stored HTML never outlives the text it was made from, because
the key is checked against the text actually shown."""

from __future__ import annotations

from django.db.models import CharField, F, Value
from django.db.models.functions import Concat
from django.utils.safestring import SafeString

from studyapp.noteformat.cards import digest
from studyapp.notes.models import Card
from studyapp.sanitizer import RENDERER, render_markdown, stored_html

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
    done, last = 0, 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        batch = list(stale.filter(pk__gt=last)[:size])
        if not batch:
            break
        for card in batch:
            card.front_html = str(render_markdown(card.front))
            card.back_html = str(render_markdown(card.back))
            card.html_key = html_key(card.front, card.back)
        Card.objects.bulk_update(batch, ["front_html", "back_html", "html_key"])
        done, last = done + len(batch), batch[-1].pk
    return done
