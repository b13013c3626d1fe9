"""Card.askable: decided when a note's options are written, read by a mock's draw."""

import pytest

from studyapp.notes.askable import cards_askable_refresh, options_askable
from studyapp.notes.models import Card, Note, Option
from tests import samples
from tests.notes.test_import_notes import run_import

pytestmark = pytest.mark.django_db


def question_cards():
    return Card.objects.filter(kind=Card.Kind.QUESTION)


@pytest.mark.parametrize(
    ("options", "askable"),
    [
        ([("a", True), ("b", False)], True),
        ([("a", True)], False),  # one option is no choice
        ([("a", False), ("b", False)], False),  # no key
        ([("a", True), ("", False)], False),  # an option without text
        ([], False),
    ],
)
def test_a_question_is_askable_with_two_options_all_with_text_and_a_key(options, askable):
    assert options_askable(options) is askable


def test_an_imported_question_is_askable(write_note):
    run_import(write_note("a.md", samples.CANONICAL))
    assert list(question_cards().values_list("askable", flat=True)) == [True]
    assert not Card.objects.exclude(kind=Card.Kind.QUESTION).filter(askable=True).exists()


def test_an_update_of_the_note_decides_again(write_note):
    path = write_note("a.md", samples.CANONICAL)
    run_import(path)
    question_cards().update(askable=False)  # as stale as a flag can be
    path.write_text(samples.SIX_OPTIONS_THREE_CORRECT, encoding="utf-8")
    run_import(path)
    assert set(question_cards().filter(retired_at=None).values_list("askable", flat=True)) == {True}


def test_the_refresh_reads_the_stored_options(write_note):
    run_import(write_note("a.md", samples.CANONICAL))
    note = Note.objects.get(note_id="TST-1")
    Option.objects.filter(note=note).update(is_correct=False)
    cards_askable_refresh(note_ids=[note.pk])
    assert set(question_cards().values_list("askable", flat=True)) == {False}
