"""HEAD is answered wherever GET is (require_safe), on the study, statistics
and notes pages; actions still take POST only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "args", "status"),
    [
        ("study", [], 200),
        ("study_card", [], 200),
        ("study_hidden", [], 200),
        ("stats", [], 200),
        ("note_list", [], 200),
        ("note_detail", ["TST-1"], 200),
        ("home", [], 302),
    ],
)
def test_head_answers_like_get_without_a_body(client, alice_deck, name, args, status):
    client.force_login(alice_deck)
    response = client.head(reverse(name, args=args))
    assert response.status_code == status
    assert response.content == b""


@pytest.mark.parametrize("name", ["study_undo", "study_scope"])
def test_head_is_not_allowed_on_actions(client, alice_deck, name):
    client.force_login(alice_deck)
    assert client.head(reverse(name)).status_code == 405
