"""Cards keep their identity (and everything attached to them) across edits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.notes.services import NoteReport, note_import
from studyapp.study.models import CardState, ReviewLog
from tests import samples

pytestmark = pytest.mark.django_db


def import_text(text: str) -> NoteReport:
    report = note_import(raw=text.encode("utf-8"), report=NoteReport(path="note.md"))
    assert report.status != "failed", report.errors
    return report


def attach_learner_data(user, cards):
    """Rows of the kind a learner creates, pointing at each card."""
    now = timezone.now()
    for card in cards:
        CardState.objects.create(user=user, card=card, due=now + timedelta(days=3), stability=4.2, reps=2)
        ReviewLog.objects.create(
            user=user, card=card, rating=3, reviewed_at=now, study_day=now.date(), duration_ms=5000, previous_state=0
        )


def test_keys_are_made_of_note_id_role_and_content():
    import_text(samples.CANONICAL)
    keys = set(Card.objects.values_list("key", flat=True))
    assert "TST-1:trigger:sse-kms" in keys
    assert "TST-1:compare:s3-replication" in keys
    assert "TST-1:question:scenario" in keys


def test_an_edit_keeps_card_ids_and_learner_rows(alice):
    import_text(samples.CANONICAL)
    cards = list(Card.objects.order_by("key"))
    attach_learner_data(alice, cards)
    edited = samples.CANONICAL.replace("レプリケーションには KMS 権限が必要。", "レプリケーションにはKMSの権限が必要。")
    report = import_text(edited)
    assert report.status == "updated"
    after = {c.key: c.id for c in Card.objects.all()}
    assert after == {c.key: c.id for c in cards}
    assert CardState.objects.filter(user=alice).count() == len(cards)
    assert ReviewLog.objects.filter(user=alice).count() == len(cards)
    assert set(CardState.objects.values_list("card_id", flat=True)) == {c.id for c in cards}


def test_a_typo_fix_does_not_count_as_a_changed_answer():
    import_text(samples.CANONICAL)
    import_text(
        samples.CANONICAL.replace("レプリケーションには KMS 権限が必要。", "レプリケーションには KMS 権限が必要!")
    )
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    assert card.answer_changed_at is None


def test_a_changed_answer_is_marked_on_the_card():
    import_text(samples.CANONICAL)
    import_text(
        samples.CANONICAL.replace("レプリケーションには KMS 権限が必要。", "KMS キーポリシーの変更だけで十分。")
    )
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    assert card.answer_changed_at is not None


def test_a_removed_part_retires_its_card_and_keeps_its_history(alice):
    import_text(samples.CANONICAL)
    card = Card.objects.get(key="TST-1:compare:lambda-copy")
    attach_learner_data(alice, [card])
    report = import_text(samples.CANONICAL.replace("| **Lambda copy** | No | Yes |\n", ""))
    assert report.cards.retired == 1
    card.refresh_from_db()
    assert card.is_retired
    assert ReviewLog.objects.filter(card=card).count() == 1
    assert not Card.objects.active().filter(key=card.key).exists()


def test_a_restored_part_brings_its_retired_card_back():
    import_text(samples.CANONICAL)
    original = Card.objects.get(key="TST-1:compare:lambda-copy")
    import_text(samples.CANONICAL.replace("| **Lambda copy** | No | Yes |\n", ""))
    import_text(samples.CANONICAL)
    original.refresh_from_db()
    assert original.retired_at is None


def test_a_reworded_pitfall_keeps_its_card(alice):
    import_text(samples.CANONICAL)
    card = Card.objects.get(kind="pitfall")
    attach_learner_data(alice, [card])
    import_text(
        samples.CANONICAL.replace(
            "Transfer Acceleration は複製ではない。", "Transfer Acceleration は複製機能ではない。"
        )
    )
    card.refresh_from_db()
    assert card.retired_at is None
    assert "複製機能" in card.front
    assert Card.objects.filter(kind="pitfall").count() == 1
    assert CardState.objects.get(user=alice).card_id == card.id


def test_a_small_typo_fix_in_a_long_answer_keeps_the_schedule():
    text = samples.CANONICAL.replace(
        '- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。',
        '- **"最小限の運用" (least effort)**: 自前の仕組みより AWS のマネージド機能を選ぶのが定石。',
    )
    import_text(text)
    import_text(text.replace("定石", "定跡"))  # a one-character typo fix
    assert Card.objects.get(key="TST-1:trigger:最小限の運用").answer_changed_at is None


def test_another_correct_set_is_a_changed_answer_even_with_the_same_texts():
    import_text(samples.CANONICAL)
    import_text(samples.SIX_OPTIONS_THREE_CORRECT)
    assert Card.objects.get(key="TST-1:question:scenario").answer_changed_at is not None
