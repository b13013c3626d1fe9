"""Card fronts in the lists of hidden cards and of one's reports are Markdown
rendered through the sanitizer, as on the study page (before: the raw
Markdown, "**" and all)."""

import pytest
from django.urls import reverse

from studyapp.authoring import services as authoring_services
from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.models import CardState

pytestmark = pytest.mark.django_db

FRONT = "Which **service** copies `SSE-KMS` objects? <script>alert(1)</script>"


def _suspended_with_front(user, front):
    # A flashcard: suspending a new question would suspend its note's cards with it.
    state = CardState.objects.filter(user=user).exclude(card__kind="question").order_by("new_rank").first()
    Card.objects.filter(pk=state.card_id).update(front=front)
    services.card_suspend(user=user, profile=user.profile, state_id=state.pk, version=0)
    return state


def test_hidden_cards_show_the_front_rendered(client, alice_deck):
    _suspended_with_front(alice_deck, FRONT)
    client.force_login(alice_deck)
    body = client.get(reverse("study_hidden"), {"show": "suspended"}).content.decode()
    assert "<strong>service</strong>" in body and "<code>SSE-KMS</code>" in body
    assert "**service**" not in body
    assert "<script>alert(1)" not in body


def test_a_long_front_is_cut_with_its_tags_closed(client, alice_deck):
    _suspended_with_front(alice_deck, "**" + "長い問題文" * 60 + "**")
    client.force_login(alice_deck)
    body = client.get(reverse("study_hidden"), {"show": "suspended"}).content.decode()
    cell = body.split('data-label="Card">', 1)[1].split("</td>", 1)[0]
    assert cell.count("<strong>") == cell.count("</strong>") == 1
    assert "…" in cell and "**" not in cell
    assert len(cell) < 400


def test_my_reports_show_the_front_rendered(client, alice_deck):
    state = CardState.objects.filter(user=alice_deck).order_by("new_rank").first()
    card = Card.objects.get(pk=state.card_id)
    Card.objects.filter(pk=card.pk).update(front=FRONT)
    card.refresh_from_db()
    authoring_services.report_create(user=alice_deck, card=card, kind="typo", comment="")
    client.force_login(alice_deck)
    body = client.get(reverse("reports_mine")).content.decode()
    assert "<strong>service</strong>" in body and "**service**" not in body
    assert "<script>alert(1)" not in body
