"""A changed answer sends a reviewed card back to learning once per change,
not on every opening of the study page."""

import pytest
from django.urls import reverse
from django.utils import timezone
from fsrs import Rating

from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from tests import samples
from tests.study.conftest import import_note

pytestmark = pytest.mark.django_db
S = CardState.State
KEY = "TST-1:trigger:sse-kms"
HTMX = {"HX-Request": "true"}


def change_answer(old: str, new: str) -> None:
    import_note(samples.CANONICAL.replace(old, new))


@pytest.fixture
def reviewed(alice_deck):
    state = CardState.objects.get(user=alice_deck, card__key=KEY)
    services.card_grade(
        user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=state.version, rating=Rating.Easy
    )
    state.refresh_from_db()
    assert state.state == S.REVIEW
    return state


def test_opening_the_study_page_again_does_not_reset_the_card_again(client, alice_deck, reviewed):
    change_answer("レプリケーションには KMS 権限が必要。", "KMS キーポリシーの変更だけで十分。")
    client.force_login(alice_deck)
    client.get(reverse("study"))
    reviewed.refresh_from_db()
    assert reviewed.state == S.LEARNING and reviewed.changed_notice
    version = reviewed.version
    for _ in range(3):
        assert client.get(reverse("study")).status_code == 200
    reviewed.refresh_from_db()
    assert reviewed.version == version


def test_a_grade_from_a_page_loaded_before_another_is_recorded(client, alice_deck, reviewed):
    change_answer("レプリケーションには KMS 権限が必要。", "KMS キーポリシーの変更だけで十分。")
    client.force_login(alice_deck)
    client.get(reverse("study"))  # the page the learner answers from
    reviewed.refresh_from_db()
    shown_version = reviewed.version
    client.get(reverse("study"))  # a second tab, or a reload
    response = client.post(
        reverse("study_grade", args=[reviewed.pk]), {"rating": 3, "version": shown_version}, headers=HTMX
    )
    assert response.status_code == 200
    assert ReviewLog.objects.filter(card__key=KEY).count() == 2


def test_each_new_change_of_the_answer_resets_once_more(client, alice_deck, reviewed):
    change_answer("レプリケーションには KMS 権限が必要。", "KMS キーポリシーの変更だけで十分。")
    services.study_queue_sync(user=alice_deck, profile=alice_deck.profile)
    reviewed.refresh_from_db()
    # Answered again: back in review.
    now = timezone.now()
    for _ in range(4):
        if reviewed.state == S.REVIEW:
            break
        services.card_grade(
            user=alice_deck,
            profile=alice_deck.profile,
            state_id=reviewed.pk,
            version=reviewed.version,
            rating=Rating.Easy,
            now=max(now, reviewed.due),
        )
        reviewed.refresh_from_db()
    assert reviewed.state == S.REVIEW and not reviewed.changed_notice
    version = reviewed.version
    change_answer("レプリケーションには KMS 権限が必要。", "複製先のバケットポリシーで KMS を許可するだけで十分。")
    assert Card.objects.get(key=KEY).answer_changed_at > reviewed.last_review
    services.study_queue_sync(user=alice_deck, profile=alice_deck.profile)
    services.study_queue_sync(user=alice_deck, profile=alice_deck.profile)
    reviewed.refresh_from_db()
    assert reviewed.state == S.LEARNING and reviewed.changed_notice
    assert reviewed.version == version + 1
