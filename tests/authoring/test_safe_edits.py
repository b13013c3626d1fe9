"""Edits that do not harm learners: before publishing, the author sees what
each change will do, decided exactly as the importer then decides it; a
reworded card keeps every schedule, a changed answer sends the card back to
learning, and the learner is told when it changed and what it said before."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.authoring import services
from studyapp.authoring.impact import impact_of
from studyapp.authoring.models import NoteVersion
from studyapp.noteformat.parser import parse_note
from studyapp.notes.models import Card
from studyapp.study.models import CardState
from studyapp.study.services import study_queue_sync
from tests import samples
from tests.authoring.conftest import HTMX

pytestmark = pytest.mark.django_db

TYPO = ("レプリケーションには KMS 権限が必要。", "レプリケーションにはKMSの権限が必要。")  # trigger SSE-KMS
NEW_ANSWER = ("| **Lambda copy** | No | Yes |", "| **Lambda copy** | No | No |")  # compare row
GONE = ("> - Transfer Acceleration は複製ではない。\n", "")  # the only pitfall
ADDED = (
    '- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。\n',
    '- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。\n- **"CRR" (cross-Region)**: リージョン間の複製。\n',
)


def edited(*changes) -> str:
    text = samples.CANONICAL
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    return text


def studied(user, *, days_ago: int = 3):
    """The learner has reviewed every card of the deck."""
    study_queue_sync(user=user, profile=user.profile)
    now = timezone.now()
    CardState.objects.filter(user=user).update(
        state=CardState.State.REVIEW,
        step=None,
        stability=12.0,
        difficulty=5.0,
        last_review=now - timedelta(days=days_ago),
        due=now + timedelta(days=9),
        reps=3,
    )


@pytest.fixture
def learners(ines_note, alice, bob):
    studied(alice)
    studied(bob)
    return alice, bob


def test_the_preview_says_what_the_importer_then_does(ines, ines_note, learners):
    text = edited(TYPO, NEW_ANSWER, GONE, ADDED)
    impact = impact_of(note=ines_note, parsed=parse_note(text).note)
    summary = {(c.change, c.key) for c in impact.visible}
    assert summary == {
        ("reworded", "TST-1:trigger:sse-kms"),
        ("reset", "TST-1:compare:lambda-copy"),
        ("retired", "TST-1:pitfall:transfer-acceleration-は複製ではない"),
        ("added", "TST-1:trigger:crr"),
    }
    assert (impact.reset_learners, impact.retired_learners) == (2, 2)

    outcome = services.note_save(user=ines, note=ines_note, text=text, publish=True)
    assert outcome.status == "applied"
    cards = {c.key: c for c in Card.objects.filter(note=ines_note)}
    changed = {k for k, c in cards.items() if c.answer_changed_at}
    retired = {k for k, c in cards.items() if c.retired_at}
    assert changed == {c.key for c in impact.visible if c.change == "reset"}
    assert retired == {c.key for c in impact.visible if c.change == "retired"}
    assert "TST-1:trigger:crr" in cards
    assert outcome.version.card_counts["answer_changed"] == ["TST-1:compare:lambda-copy"]
    assert cards["TST-1:compare:lambda-copy"].previous_back.endswith("**Encrypted objects**: Yes")


def test_the_editor_shows_the_impact_before_publishing(client, ines, ines_note, learners):
    client.force_login(ines)
    text = edited(TYPO, NEW_ANSWER, GONE, ADDED)
    body = client.post(reverse("authoring_preview", args=["TST-1"]), {"text": text}, headers=HTMX).content.decode()
    assert "What publishing this text does for learners" in body
    summary = body[body.index('id="impact-summary"') : body.index("</p>", body.index('id="impact-summary"'))]
    for part in (
        "1 card reworded (schedules kept)",
        "1 card reset for 2 learners (its answer changed)",
        "1 card retired",
        "1 card added",
    ):
        assert part in summary


def test_a_text_without_card_changes_says_so(client, ines, ines_note, learners):
    client.force_login(ines)
    text = samples.CANONICAL.replace("(us-east-1)", "(us-east-2)")  # the scenario, not a card
    body = client.post(reverse("authoring_preview", args=["TST-1"]), {"text": text}, headers=HTMX).content.decode()
    assert "No card changes: every learner's schedule stays as it is." in body


def test_a_typo_keeps_the_schedule_and_a_new_answer_resets_it(ines, ines_note, learners):
    alice, _bob = learners
    before = {s.card.key: s for s in CardState.objects.filter(user=alice).select_related("card")}
    services.note_save(user=ines, note=ines_note, text=edited(TYPO, NEW_ANSWER), publish=True)
    study_queue_sync(user=alice, profile=alice.profile)
    after = {s.card.key: s for s in CardState.objects.filter(user=alice).select_related("card")}
    kept, reset = after["TST-1:trigger:sse-kms"], after["TST-1:compare:lambda-copy"]
    old = before["TST-1:trigger:sse-kms"]
    assert (kept.state, kept.due, kept.stability, kept.changed_notice) == (old.state, old.due, old.stability, False)
    assert (reset.state, reset.step, reset.changed_notice) == (CardState.State.LEARNING, 0, True)


def test_the_learner_sees_when_the_answer_changed_and_what_it_said(client, ines, ines_note, learners):
    alice, _bob = learners
    services.note_save(user=ines, note=ines_note, text=edited(NEW_ANSWER), publish=True)
    client.force_login(alice)
    client.get(reverse("study"))  # the reset happens when the study page opens
    CardState.objects.filter(user=alice).exclude(card__key="TST-1:compare:lambda-copy").update(suspended=True)
    body = client.get(reverse("study")).content.decode()
    today = timezone.localdate().isoformat()
    assert f"Changed on {today}:" in body
    back = body[body.index('id="card-back"') :]
    assert "Before the change it said:" in back
    assert "<del><ul>\n<li><strong>Managed</strong>: No</li>\n<li><strong>Encrypted objects</strong>: Yes</li>" in back


def test_a_draft_changes_nothing_for_learners_until_published(ines, ines_note, learners):
    alice, _bob = learners
    services.note_save(user=ines, note=ines_note, text=edited(NEW_ANSWER))
    study_queue_sync(user=alice, profile=alice.profile)
    assert not CardState.objects.filter(user=alice, changed_notice=True).exists()
    assert not Card.objects.filter(answer_changed_at__isnull=False).exists()
    services.note_publish(user=ines, note=ines_note)
    study_queue_sync(user=alice, profile=alice.profile)
    assert CardState.objects.filter(user=alice, changed_notice=True).count() == 1
    assert NoteVersion.objects.filter(note=ines_note).count() == 2
