"""The page of the learner's suspended and buried cards and leeches, with
unsuspend and unbury: the owner acts, another learner's id is not found,
visitors log in, and the actions take POST only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.study import services
from studyapp.study.models import CardState
from tests.support.study import study_next

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_states(alice_deck):
    """Alice's first flashcard suspended, her second buried, her third a leech
    (flashcards: hiding a new question would take its note's cards along)."""
    profile = alice_deck.profile
    flashcards = CardState.objects.filter(user=alice_deck).exclude(card__kind="question")
    suspended, buried, leech = flashcards.order_by("new_rank")[:3]
    services.card_suspend(user=alice_deck, profile=profile, state_id=suspended.pk, version=0)
    services.card_bury(user=alice_deck, profile=profile, state_id=buried.pk, version=0)
    CardState.objects.filter(pk=leech.pk).update(is_leech=True, lapses=8)
    return {"suspended": suspended, "buried": buried, "leeches": leech}


def test_visitors_are_sent_to_log_in(client, hidden_states):
    response = client.get(reverse("study_hidden"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    state = hidden_states["suspended"]
    response = client.post(reverse("study_unsuspend", args=[state.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert CardState.objects.get(pk=state.pk).suspended


@pytest.mark.parametrize("which", ["suspended", "buried", "leeches"])
def test_the_owner_sees_each_list(client, hidden_states, which):
    client.force_login(hidden_states["suspended"].user)
    body = client.get(reverse("study_hidden"), {"show": which}).content.decode()
    assert f'id="hidden-{hidden_states[which].pk}"' in body
    others = [s for name, s in hidden_states.items() if name != which]
    for state in others:
        assert f'id="hidden-{state.pk}"' not in body
    assert "(1)" in body


def test_another_learner_sees_none_of_them(client, hidden_states, bob):
    client.force_login(bob)
    for which in ("suspended", "buried", "leeches"):
        body = client.get(reverse("study_hidden"), {"show": which}).content.decode()
        assert 'id="hidden-' not in body


def test_the_owner_unsuspends(client, hidden_states):
    state = hidden_states["suspended"]
    client.force_login(state.user)
    response = client.post(reverse("study_unsuspend", args=[state.pk]), {"show": "suspended"})
    assert response.status_code == 302 and response["Location"] == f"{reverse('study_hidden')}?show=suspended"
    assert not CardState.objects.get(pk=state.pk).suspended
    page = client.get(response["Location"]).content.decode()
    assert "Card unsuspended" in page and f'id="hidden-{state.pk}"' not in page
    shown, _left = study_next(user=state.user, profile=state.user.profile)
    assert shown.card.kind == "question"  # its note's question first, then it, first of the flashcards
    queue = CardState.objects.filter(user=state.user, state=0, suspended=False, buried_until__isnull=True)
    assert queue.exclude(card__kind="question").order_by("new_rank", "id").first().pk == state.pk


def test_the_owner_unburies(client, hidden_states):
    state = hidden_states["buried"]
    client.force_login(state.user)
    response = client.post(reverse("study_unbury", args=[state.pk]), {"show": "buried"})
    assert response.status_code == 302
    assert CardState.objects.get(pk=state.pk).buried_until is None


def test_unsuspending_a_card_that_is_not_suspended_says_so(client, hidden_states):
    state = hidden_states["leeches"]
    client.force_login(state.user)
    response = client.post(reverse("study_unsuspend", args=[state.pk]), follow=True)
    assert "That card was not suspended." in response.content.decode()
    assert CardState.objects.get(pk=state.pk).version == 0


@pytest.mark.parametrize("name", ["study_unsuspend", "study_unbury"])
def test_another_learners_card_is_not_found(client, hidden_states, bob, name):
    state = hidden_states["suspended" if name == "study_unsuspend" else "buried"]
    client.force_login(bob)
    assert client.post(reverse(name, args=[state.pk])).status_code == 404
    state.refresh_from_db()
    assert state.suspended or state.buried_until > timezone.now()


@pytest.mark.parametrize("name", ["study_unsuspend", "study_unbury"])
def test_get_is_not_allowed_on_the_actions(client, hidden_states, name):
    state = hidden_states["suspended"]
    client.force_login(state.user)
    assert client.get(reverse(name, args=[state.pk])).status_code == 405
    assert CardState.objects.get(pk=state.pk).suspended


def test_post_is_not_allowed_on_the_page(client, alice):
    client.force_login(alice)
    assert client.post(reverse("study_hidden")).status_code == 405


def test_a_long_list_is_paged(client, alice_deck, monkeypatch):
    CardState.objects.filter(user=alice_deck).update(suspended=True)
    total = CardState.objects.filter(user=alice_deck).count()
    client.force_login(alice_deck)
    per_page = 3
    monkeypatch.setattr("studyapp.study.views.HIDDEN_PER_PAGE", per_page)
    first = client.get(reverse("study_hidden")).content.decode()
    last = client.get(reverse("study_hidden"), {"page": 999}).content.decode()
    assert first.count('id="hidden-') == per_page
    assert last.count('id="hidden-') == total - per_page * ((total - 1) // per_page)
    assert "Page 1 of" in first


def test_the_study_page_links_to_it(client, alice_deck):
    client.force_login(alice_deck)
    assert f'href="{reverse("study_hidden")}"' in client.get(reverse("study")).content.decode()
