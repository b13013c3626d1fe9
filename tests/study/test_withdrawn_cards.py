"""An unpublished note's cards, and cards a re-import retired, leave every
learner's queue at once; an answer to one is refused, not recorded."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from studyapp.notes.models import Card, Note
from studyapp.notes.services import note_publish_set
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from studyapp.study.services import study_queue_sync
from tests import samples
from tests.study.conftest import import_note
from tests.support.study import study_next

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
GONE = "no longer available"


@pytest.fixture
def two_learners(alice, bob, deck):
    for user in (alice, bob):
        study_queue_sync(user=user, profile=user.profile)
    return alice, bob


def queue_note_ids(user) -> set[str]:
    """Note ids of every card the learner could be shown, today and later."""
    return set(
        CardState.objects.filter(user=user, in_scope=True, suspended=False).values_list(
            "card__note__note_id", flat=True
        )
    )


def served(user) -> list[str]:
    """Note ids of the cards served one after another (Easy each time)."""
    profile = user.profile
    profile.new_per_day = 500
    profile.save()
    seen = []
    now = timezone.now()
    for _ in range(100):
        state, _left = study_next(user=user, profile=profile, now=now)
        if state is None:
            return seen
        seen.append(state.card.note.note_id)
        services.card_grade(user=user, profile=profile, state_id=state.pk, version=state.version, rating=4, now=now)
    raise AssertionError("the queue never ran out")


def test_unpublishing_takes_the_cards_out_of_every_queue_at_once(two_learners):
    note = Note.objects.get(note_id="TST-1")
    assert note_publish_set(note=note, published=False)
    for user in two_learners:
        assert queue_note_ids(user) == {"TST-2"}  # without opening the study page
    assert set(served(two_learners[0])) == {"TST-2"}


def test_an_answer_to_an_unpublished_notes_card_is_refused(client, two_learners):
    alice, _bob = two_learners
    state = CardState.objects.filter(user=alice, card__note__note_id="TST-1", card__kind="trigger").first()
    note_publish_set(note=Note.objects.get(note_id="TST-1"), published=False)
    client.force_login(alice)
    response = client.post(reverse("study_grade", args=[state.pk]), {"rating": 3, "version": 0}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert GONE in body and 'id="study-card"' in body
    assert f"/study/grade/{state.pk}/" not in body
    assert ReviewLog.objects.count() == 0
    assert CardState.objects.get(pk=state.pk).version == 0


def test_a_scenario_answer_to_an_unpublished_question_is_refused(client, two_learners):
    alice, _bob = two_learners
    state = CardState.objects.get(user=alice, card__key="TST-1:question:scenario")
    note_publish_set(note=Note.objects.get(note_id="TST-1"), published=False)
    client.force_login(alice)
    response = client.post(reverse("study_answer", args=[state.pk]), {"version": 0, "choice": ["A"]}, headers=HTMX)
    assert response.status_code == 200 and GONE in response.content.decode()
    assert ReviewLog.objects.count() == 0


def test_an_answer_racing_the_unpublishing_is_refused(alice_deck, monkeypatch):
    """Withdrawn between reading the card and writing the answer."""
    state = CardState.objects.filter(user=alice_deck, card__note__note_id="TST-1").first()
    real = services.study_sql.state_with_answers

    def read_then_withdraw(*args, **kwargs):
        found = real(*args, **kwargs)
        note_publish_set(note=Note.objects.get(note_id="TST-1"), published=False)
        return found

    monkeypatch.setattr(services.study_sql, "state_with_answers", read_then_withdraw)
    with pytest.raises(services.Unavailable):
        services.card_grade(user=alice_deck, profile=alice_deck.profile, state_id=state.pk, version=0, rating=3)
    assert ReviewLog.objects.count() == 0


def test_cards_retired_by_a_reimport_leave_the_queue_at_once(client, two_learners):
    alice, bob = two_learners
    key = "TST-1:trigger:sse-kms"
    state = CardState.objects.get(user=alice, card__key=key)
    without_trigger = samples.CANONICAL.replace(
        '- **"SSE-KMS" (KMS encryption)**: レプリケーションには KMS 権限が必要。\n', ""
    )
    assert without_trigger != samples.CANONICAL
    import_note(without_trigger)
    assert Card.objects.get(key=key).is_retired
    for user in (alice, bob):
        assert not CardState.objects.get(user=user, card__key=key).in_scope
    client.force_login(alice)
    response = client.post(reverse("study_grade", args=[state.pk]), {"rating": 3, "version": 0}, headers=HTMX)
    assert GONE in response.content.decode()
    assert ReviewLog.objects.count() == 0


def test_publishing_again_brings_the_cards_back_when_the_page_opens(client, two_learners):
    alice, _bob = two_learners
    note = Note.objects.get(note_id="TST-1")
    note_publish_set(note=note, published=False)
    assert note_publish_set(note=note, published=True)
    client.force_login(alice)
    client.get(reverse("study"))
    assert queue_note_ids(alice) == {"TST-1", "TST-2"}


def test_the_admin_unpublishes_through_the_same_service(client, two_learners):
    staff = User.objects.create_superuser("root", "root@example.com", "root-password-1")
    client.force_login(staff)
    note = Note.objects.get(note_id="TST-1")
    response = client.post(
        reverse("admin:notes_note_changelist"),
        {"action": "unpublish", "_selected_action": [note.pk]},
    )
    assert response.status_code == 302
    assert not Note.objects.get(pk=note.pk).is_published
    for user in two_learners:
        assert queue_note_ids(user) == {"TST-2"}
    # The change form shows "published" but does not edit it around the service.
    page = client.get(reverse("admin:notes_note_change", args=[note.pk])).content.decode()
    assert 'name="is_published"' not in page
