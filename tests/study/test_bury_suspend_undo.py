"""U undoes the last action of any kind, as in Anki: an answer, a bury or a
suspend, newest first. Bury and suspend say what happened, with an undo."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from fsrs import Rating

from studyapp.study import services
from studyapp.study.models import CardState, HideAction, ReviewLog

pytestmark = pytest.mark.django_db
S = CardState.State
HTMX = {"HX-Request": "true"}


def row(state_id):
    state = CardState.objects.get(pk=state_id)
    return {f.attname: getattr(state, f.attname) for f in CardState._meta.fields}


def new_states(user, n=3):
    # Flashcards: hiding one hides nothing else (a new question takes its note's cards along).
    return list(
        CardState.objects.filter(user=user, state=S.NEW).exclude(card__kind="question").order_by("new_rank")[:n]
    )


def undo(user):
    return services.review_undo(user=user, profile=user.profile)


def test_undo_takes_back_a_bury_exactly(alice_deck):
    state = new_states(alice_deck, 1)[0]
    before = row(state.pk)
    assert services.card_bury(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=0)
    assert CardState.objects.get(pk=state.pk).buried_until is not None
    outcome = undo(alice_deck)
    assert outcome.kind == "bury" and outcome.state.pk == state.pk
    assert row(state.pk) == before
    assert not HideAction.objects.exists()


def test_undo_takes_back_a_suspend_exactly(alice_deck):
    state = new_states(alice_deck, 1)[0]
    before = row(state.pk)
    assert services.card_suspend(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=0)
    outcome = undo(alice_deck)
    assert outcome.kind == "suspend"
    assert row(state.pk) == before


def test_undo_goes_back_through_answers_and_hidings_newest_first(alice_deck):
    profile = alice_deck.profile
    a, b, c = new_states(alice_deck)
    start = {s.pk: row(s.pk) for s in (a, b, c)}
    services.card_grade(user=alice_deck, profile=profile, state_id=a.pk, version=0, rating=Rating.Good)
    services.card_suspend(user=alice_deck, profile=profile, state_id=b.pk, version=0)
    services.card_grade(user=alice_deck, profile=profile, state_id=c.pk, version=0, rating=Rating.Again)
    services.card_bury(user=alice_deck, profile=profile, state_id=c.pk, version=1)
    kinds = [(o.kind, o.state.pk) for o in (undo(alice_deck) for _ in range(4))]
    assert kinds == [("bury", c.pk), ("answer", c.pk), ("suspend", b.pk), ("answer", a.pk)]
    assert {s.pk: row(s.pk) for s in (a, b, c)} == start
    assert undo(alice_deck).state is None
    assert ReviewLog.objects.count() == 0


def test_hiding_is_not_an_answer(alice_deck):
    """Statistics and calibration read the log: a bury or suspend is not in it."""
    a, b = new_states(alice_deck, 2)
    services.card_bury(user=alice_deck, profile=alice_deck.profile, state_id=a.pk, version=0)
    services.card_suspend(user=alice_deck, profile=alice_deck.profile, state_id=b.pk, version=0)
    assert ReviewLog.objects.count() == 0
    today = services.today_for(user=alice_deck, profile=alice_deck.profile, now=timezone.now())
    assert today.done == 0


def test_a_repeated_bury_is_recorded_once(alice_deck):
    state = new_states(alice_deck, 1)[0]
    assert services.card_bury(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=0)
    assert not services.card_bury(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=0)
    assert HideAction.objects.count() == 1


def test_the_undo_records_stay_bounded(alice_deck, monkeypatch):
    monkeypatch.setattr(services, "HIDE_ACTIONS_KEPT", 3)
    for state in new_states(alice_deck, 5):
        services.card_bury(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=0)
    assert HideAction.objects.filter(user=alice_deck).count() == 3


def test_a_hiding_undone_elsewhere_is_skipped(alice_deck):
    """Suspended, then unsuspended on the hidden-cards page with something
    else changed meanwhile: U goes on to the answer before."""
    a, b = new_states(alice_deck, 2)
    services.card_grade(user=alice_deck, profile=alice_deck.profile, state_id=a.pk, version=0, rating=Rating.Good)
    services.card_suspend(user=alice_deck, profile=alice_deck.profile, state_id=b.pk, version=0)
    CardState.objects.filter(pk=b.pk).update(suspended=False, version=5)  # changed by something else
    outcome = undo(alice_deck)
    assert (outcome.kind, outcome.state.pk) == ("answer", a.pk)
    assert not HideAction.objects.exists()


def test_unsuspending_on_the_hidden_page_keeps_the_answer_before_undoable(alice_deck):
    a = new_states(alice_deck, 1)[0]
    services.card_grade(user=alice_deck, profile=alice_deck.profile, state_id=a.pk, version=0, rating=Rating.Hard)
    after_answer = row(a.pk)
    services.card_suspend(user=alice_deck, profile=alice_deck.profile, state_id=a.pk, version=1)
    assert services.card_unsuspend(user=alice_deck, state_id=a.pk)
    assert row(a.pk) == after_answer
    outcome = undo(alice_deck)
    assert outcome.kind == "answer"
    assert CardState.objects.get(pk=a.pk).state == S.NEW


@pytest.mark.parametrize(
    ("name", "kind", "says"),
    [("study_bury", "bury", "Card buried until tomorrow."), ("study_suspend", "suspend", "Card suspended")],
)
def test_bury_and_suspend_say_what_happened_with_an_undo(client, alice_deck, name, kind, says):
    client.force_login(alice_deck)
    state = new_states(alice_deck, 1)[0]
    body = client.post(reverse(name, args=[state.pk]), {"version": 0}, headers=HTMX).content.decode()
    assert says in body
    assert 'id="flash-undo"' in body and f'data-post="{reverse("study_undo")}"' in body
    assert f"/study/grade/{state.pk}/" not in body  # the next card is shown
    body = client.post(reverse("study_undo"), headers=HTMX).content.decode()
    assert f"/study/grade/{state.pk}/" in body  # the card is back
    assert ("Bury undone" if kind == "bury" else "Suspend undone") in body
    assert row(state.pk)["version"] == 0


def test_a_stale_bury_says_nothing(client, alice_deck):
    client.force_login(alice_deck)
    state = new_states(alice_deck, 1)[0]
    client.post(reverse("study_bury", args=[state.pk]), {"version": 0}, headers=HTMX)
    body = client.post(reverse("study_bury", args=[state.pk]), {"version": 0}, headers=HTMX).content.decode()
    assert "Card buried" not in body


def test_undo_of_a_bury_on_the_next_day_shows_the_card(alice_deck):
    state = new_states(alice_deck, 1)[0]
    now = timezone.now() - timedelta(days=2)
    services.card_bury(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=0, now=now)
    outcome = undo(alice_deck)
    assert outcome.kind == "bury" and CardState.objects.get(pk=state.pk).buried_until is None
