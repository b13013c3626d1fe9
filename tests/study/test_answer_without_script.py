"""Answering a scenario question without JavaScript: a plain form post (no
HX-Request) gets a whole result page, and the answer is recorded once."""

import pytest
from django.urls import reverse

from studyapp.study.models import CardState, ReviewLog

pytestmark = pytest.mark.django_db


def question(user):
    return CardState.objects.get(user=user, card__key="TST-1:question:scenario")


def test_a_plain_post_renders_the_whole_result_page(client, alice_deck):
    client.force_login(alice_deck)
    state = question(alice_deck)
    response = client.post(reverse("study_answer", args=[state.pk]), {"version": 0, "choice": ["A", "B"]})
    assert response.status_code == 200
    body = response.content.decode()
    # The whole page: the layout, and the result with every option explained.
    assert "<html" in body and "</html>" in body
    assert body.count('class="option-result') == 4
    assert "Score: 0%" in body
    # Without a script, "Next" is a link to the study page.
    assert f'href="{reverse("study")}"' in body
    assert ReviewLog.objects.filter(user=alice_deck, state=state).count() == 1


def test_the_same_plain_post_twice_records_the_answer_once(client, alice_deck):
    client.force_login(alice_deck)
    state = question(alice_deck)
    for _ in range(2):
        response = client.post(reverse("study_answer", args=[state.pk]), {"version": 0, "choice": ["A"]})
        assert response.status_code == 200
    assert ReviewLog.objects.filter(user=alice_deck, state=state).count() == 1
