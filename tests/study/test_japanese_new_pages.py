"""The hidden-cards page and the study page's new notices in Japanese show
no English UI text."""

import pytest
from django.urls import reverse

from studyapp.notes.models import Note
from studyapp.notes.services import note_publish_set
from studyapp.study import services
from studyapp.study.models import CardState
from tests.study.test_japanese import english_left, japanese_learner  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("which", ["suspended", "buried", "leeches"])
def test_the_hidden_cards_page_in_japanese(client, japanese_learner, which):  # noqa: F811
    profile = japanese_learner.profile
    first, second, third = CardState.objects.filter(user=japanese_learner).order_by("new_rank")[:3]
    services.card_suspend(user=japanese_learner, profile=profile, state_id=first.pk, version=0)
    services.card_bury(user=japanese_learner, profile=profile, state_id=second.pk, version=0)
    CardState.objects.filter(pk=third.pk).update(is_leech=True)
    body = client.get(reverse("study_hidden"), {"show": which}).content.decode()
    assert "休止" in body
    assert english_left(body) == []
    response = client.post(reverse("study_unsuspend", args=[first.pk]), {"show": which}, follow=True)
    assert english_left(response.content.decode()) == []


@pytest.mark.parametrize("action", ["study_bury", "study_suspend"])
def test_the_hiding_notices_in_japanese(client, japanese_learner, action):  # noqa: F811
    state = CardState.objects.filter(user=japanese_learner, state=0).order_by("new_rank").first()
    body = client.post(reverse(action, args=[state.pk]), {"version": 0}, headers=HTMX).content.decode()
    assert english_left(body) == []
    body = client.post(reverse("study_undo"), headers=HTMX).content.decode()
    assert "取り消しました" in body and english_left(body) == []


def test_the_unavailable_and_scope_error_notices_in_japanese(client, japanese_learner):  # noqa: F811
    state = CardState.objects.filter(user=japanese_learner, card__note__note_id="TST-1").first()
    note_publish_set(note=Note.objects.get(note_id="TST-1"), published=False)
    body = client.post(
        reverse("study_grade", args=[state.pk]), {"rating": 3, "version": 0}, headers=HTMX
    ).content.decode()
    assert "もう学習できません" in body and english_left(body) == []
    body = client.post(reverse("study_scope"), {"kind": "tag", "value": ""}).content.decode()
    assert "「対象」で" in body and english_left(body) == []
