"""When the review before the exam has no card to show, the page says why:
every card looked at today, or none that needs it (before: "every card ...
has been looked at today" even when none had been shown)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.study.models import CardState
from tests.study.test_cram import exam_in, studied

pytestmark = pytest.mark.django_db
LOOKED_AT = "has been looked at today"


def test_no_studied_card_says_there_is_nothing_to_review_yet(client, alice_deck):
    exam_in(alice_deck, 5)
    client.force_login(alice_deck)
    body = client.get(reverse("study_cram")).content.decode()
    assert LOOKED_AT not in body
    assert "You have not studied any card yet" in body


def test_every_studied_card_due_before_the_exam_says_the_session_shows_them(client, alice_deck):
    exam_in(alice_deck, 5)
    states = studied(alice_deck, count=2)
    CardState.objects.filter(pk__in=[s.pk for s in states]).update(due=timezone.now() + timedelta(days=1))
    client.force_login(alice_deck)
    body = client.get(reverse("study_cram")).content.decode()
    assert LOOKED_AT not in body
    assert "comes due again before the exam" in body


def test_after_looking_at_every_card_it_says_so_with_the_count(client, alice_deck):
    exam_in(alice_deck, 5)
    states = studied(alice_deck, count=2)
    client.force_login(alice_deck)
    for state in states:
        client.post(reverse("study_cram_answer", args=[state.card_id]), {"rating": 3})
    body = client.get(reverse("study_cram")).content.decode()
    assert "You looked at all 2 of them today" in body


def test_in_japanese(client, alice_deck):
    exam_in(alice_deck, 5)
    client.force_login(alice_deck)
    client.cookies["django_language"] = "ja"
    alice_deck.profile.language = "ja"
    alice_deck.profile.save()
    body = client.get(reverse("study_cram")).content.decode()
    assert "まだ学習したカードがありません" in body
