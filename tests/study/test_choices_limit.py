"""Single-answer questions are radio buttons; a question that asks for N
refuses more than N, on the server too (400, nothing recorded)."""

import pytest
from django.urls import reverse

from studyapp.notes.models import Card
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from tests import samples
from tests.study.conftest import import_note

pytestmark = pytest.mark.django_db


def question_on_screen(client, user, note_id: str) -> tuple[CardState, str]:
    services.study_scope_set(user=user, profile=user.profile, kind="note", value=note_id)
    CardState.objects.filter(user=user).exclude(card__kind=Card.Kind.QUESTION).update(suspended=True)
    client.force_login(user)
    state = CardState.objects.get(user=user, card__kind=Card.Kind.QUESTION, card__note__note_id=note_id)
    return state, client.get(reverse("study")).content.decode()


def test_a_single_answer_question_has_radio_buttons(client, alice_deck):
    import_note(samples.with_id(samples.SINGLE_CORRECT, "TST-9"), "tst-9.md")
    services.study_queue_sync(user=alice_deck, profile=alice_deck.profile)
    _state, page = question_on_screen(client, alice_deck, "TST-9")
    assert page.count('type="radio" name="choice"') == 4 and 'type="checkbox" name="choice"' not in page
    assert "Choose one option." in page


def test_a_choose_two_question_has_checkboxes_and_says_choose_2(client, alice_deck):
    _state, page = question_on_screen(client, alice_deck, "TST-1")
    assert page.count('type="checkbox" name="choice"') == 4 and 'data-choices="2"' in page
    assert "Choose 2 options." in page


def test_more_choices_than_the_question_asks_for_are_refused(client, alice_deck):
    state, _page = question_on_screen(client, alice_deck, "TST-1")
    response = client.post(
        reverse("study_answer", args=[state.pk]), {"version": state.version, "choice": ["A", "B", "C"]}
    )
    assert response.status_code == 400
    assert b"asks for 2 options; you chose 3" in response.content
    assert ReviewLog.objects.count() == 0
    assert CardState.objects.get(pk=state.pk).version == state.version
    # Two is fine.
    response = client.post(reverse("study_answer", args=[state.pk]), {"version": state.version, "choice": ["A", "C"]})
    assert response.status_code == 200 and ReviewLog.objects.count() == 1
