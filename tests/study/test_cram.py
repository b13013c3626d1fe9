"""The "review before the exam" session: the cards the schedule will not show
again before the exam, weakest first, answered without changing the schedule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.study.models import CardState, CramReview, ReviewLog

pytestmark = pytest.mark.django_db
S = CardState.State


def exam_in(user, days: int):
    profile = user.profile
    profile.exam_date = profile.clock().study_day(timezone.now()) + timedelta(days=days)
    profile.save()
    return profile


def studied(user, *, count: int, stabilities=(400.0, 50.0, 900.0)) -> list[CardState]:
    """``count`` cards in review, due long after the exam: they will not come back."""
    now = timezone.now()
    states = list(CardState.objects.filter(user=user).order_by("new_rank")[:count])
    for state, stability in zip(states, stabilities, strict=False):
        CardState.objects.filter(pk=state.pk).update(
            state=S.REVIEW, stability=stability, difficulty=5.0, last_review=now - timedelta(days=2),
            due=now + timedelta(days=200), reps=3, version=3,
        )  # fmt: skip
    return [CardState.objects.get(pk=s.pk) for s in states]


def test_it_opens_only_in_the_last_week_before_the_exam(client, alice_deck):
    exam_in(alice_deck, 20)
    first = studied(alice_deck, count=1)[0]
    client.force_login(alice_deck)
    assert "Not open yet" in client.get(reverse("study_cram")).content.decode()
    assert client.post(reverse("study_cram_answer", args=[first.card_id]), {"rating": 3}).status_code == 404
    assert "Review them before the exam" not in client.get(reverse("stats")).content.decode()


def test_it_shows_the_weakest_card_first_and_changes_no_schedule(client, alice_deck):
    exam_in(alice_deck, 5)
    states = studied(alice_deck, count=3)
    before = {s.pk: (s.due, s.version, s.stability) for s in CardState.objects.filter(user=alice_deck)}
    client.force_login(alice_deck)
    body = client.get(reverse("study_cram")).content.decode()
    weakest = states[1]  # stability 50: the lowest predicted recall at the exam
    assert reverse("study_cram_answer", args=[weakest.card_id]) in body
    assert "3 left" in body
    after = client.post(
        reverse("study_cram_answer", args=[weakest.card_id]), {"rating": 1}, headers={"HX-Request": "true"}
    )
    assert after.status_code == 200 and "2 left" in after.content.decode()
    assert CramReview.objects.filter(user=alice_deck, card_id=weakest.card_id, remembered=False).count() == 1
    for state in states:
        if state.pk != weakest.pk:
            client.post(reverse("study_cram_answer", args=[state.card_id]), {"rating": 3})
    assert "Nothing left to review before the exam" in client.get(reverse("study_cram")).content.decode()
    # The schedule and the review log are as they were.
    assert {s.pk: (s.due, s.version, s.stability) for s in CardState.objects.filter(user=alice_deck)} == before
    assert not ReviewLog.objects.filter(user=alice_deck).exists()
    stats = client.get(reverse("stats")).content.decode()
    assert "3 cards you have studied will not come back before the exam" in stats
    assert reverse("study_cram") in stats


def test_another_learner_cannot_answer_a_card_that_is_not_in_their_cram(client, alice_deck, bob):
    exam_in(alice_deck, 5)
    card = studied(alice_deck, count=1)[0]
    exam_in(bob, 5)
    client.force_login(bob)
    assert client.post(reverse("study_cram_answer", args=[card.card_id]), {"rating": 3}).status_code == 404
    assert not CramReview.objects.exists()


def test_the_answer_url_only_takes_post_and_the_page_needs_a_login(client, alice_deck):
    exam_in(alice_deck, 5)
    card = studied(alice_deck, count=1)[0]
    assert client.get(reverse("study_cram")).status_code == 302
    assert client.post(reverse("study_cram_answer", args=[card.card_id])).status_code == 302
    client.force_login(alice_deck)
    assert client.get(reverse("study_cram_answer", args=[card.card_id])).status_code == 405
    assert client.head(reverse("study_cram")).status_code == 200
