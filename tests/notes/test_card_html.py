"""Each card's HTML rendered once and kept with its content hash
(studyapp.notes.rendering): shown only while it matches the card's text and
the sanitizer that made it, cleaned again on the way out, rendered again by
the task after an import or a change of the sanitizer."""

import pytest

from studyapp.noteformat.cards import digest
from studyapp.notes import rendering
from studyapp.notes.models import Card
from studyapp.notes.services import notes_import
from studyapp.sanitizer import render_markdown
from tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(write_note, django_capture_on_commit_callbacks):
    folder = write_note("TST-1.md", samples.CANONICAL).parent
    with django_capture_on_commit_callbacks(execute=True):
        notes_import(paths=[folder])
    return list(Card.objects.order_by("pk"))


def test_an_import_has_every_card_rendered_by_the_task(cards):
    assert cards
    for card in cards:
        assert card.html_key == rendering.html_key(card.front, card.back)
        assert card.front_html == str(render_markdown(card.front))
        assert card.back_html == str(render_markdown(card.back))


def test_the_stored_html_is_what_is_shown(cards, monkeypatch):
    card = cards[0]
    Card.objects.filter(pk=card.pk).update(front_html="<p>stored front</p>", back_html="<p>stored back</p>")
    card.refresh_from_db()
    assert rendering.card_faces(card) == ("<p>stored front</p>", "<p>stored back</p>")


def test_html_that_no_longer_matches_the_text_is_never_shown(cards):
    card = cards[0]
    # A writer that changed the text and forgot the hash: shown right all the same.
    Card.objects.filter(pk=card.pk).update(front="A **new** front", front_html="<p>old</p>")
    card.refresh_from_db()
    front, _back = rendering.card_faces(card)
    assert front == render_markdown("A **new** front") and "old" not in front
    # An edit as the importer makes it (the hash follows the text): the task renders it again.
    Card.objects.filter(pk=card.pk).update(content_hash=digest(f"{card.front}\x00{card.back}"))
    assert rendering.cards_render() == 1
    card.refresh_from_db()
    assert card.html_key == rendering.html_key(card.front, card.back) and "<strong>new</strong>" in card.front_html


def test_a_new_sanitizer_renders_every_card_again(cards, monkeypatch):
    monkeypatch.setattr(rendering, "RENDERER", "a-newer-sanitizer")
    card = cards[0]
    Card.objects.filter(pk=card.pk).update(front_html="<p>made by the old one</p>")
    card.refresh_from_db()
    assert "old one" not in rendering.card_faces(card)[0]
    assert rendering.cards_render() == len(cards)
    assert rendering.cards_render() == 0  # all current now


def test_stored_html_is_cleaned_again_on_the_way_out(cards):
    card = cards[0]
    Card.objects.filter(pk=card.pk).update(front_html='<p onclick="x()">hi<script>alert(1)</script></p>')
    card.refresh_from_db()
    front, _ = rendering.card_faces(card)
    assert front == "<p>hi</p>"
