"""Choosing what to study: a kind without a value, or a value the notes do
not offer, shows the study page again with the error, never a bare 400."""

import pytest
from django.urls import reverse

from studyapp.accounts.models import Profile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["category", "domain", "tag", "note"])
def test_a_kind_without_a_value_shows_the_page_with_the_error(client, alice_deck, kind):
    client.force_login(alice_deck)
    response = client.post(reverse("study_scope"), {"kind": kind, "value": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="study-card"' in body  # the study page, not a dead end
    assert 'id="scope-errors"' in body and "Choose which one to study" in body
    assert '<details class="scope" open>' in body
    assert f'<option value="{kind}" selected>' in body  # what the learner chose stays chosen
    profile = Profile.objects.get(user=alice_deck)
    assert (profile.scope_kind, profile.scope_value) == ("all", "")


@pytest.mark.parametrize(("kind", "value"), [("tag", "nope"), ("galaxy", ""), ("", "")])
def test_unknown_choices_show_the_page_with_the_error(client, alice_deck, kind, value):
    client.force_login(alice_deck)
    response = client.post(reverse("study_scope"), {"kind": kind, "value": value})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="scope-errors"' in body and 'id="study-card"' in body


def test_a_valid_choice_is_saved(client, alice_deck):
    client.force_login(alice_deck)
    response = client.post(reverse("study_scope"), {"kind": "tag", "value": "KMS"})
    assert response.status_code == 302 and response["Location"] == reverse("study")
    profile = Profile.objects.get(user=alice_deck)
    assert (profile.scope_kind, profile.scope_value) == ("tag", "KMS")


def test_all_notes_ignores_a_value(client, alice_deck):
    client.force_login(alice_deck)
    client.post(reverse("study_scope"), {"kind": "all", "value": "whatever"})
    profile = Profile.objects.get(user=alice_deck)
    assert (profile.scope_kind, profile.scope_value) == ("all", "")
