import pytest

from studyapp.notes.services import NoteReport, note_import
from studyapp.study.services import study_queue_sync
from tests import samples


def import_note(text: str, path: str = "note.md"):
    report = note_import(raw=text.encode("utf-8"), report=NoteReport(path=path))
    assert report.status in {"created", "updated"}, report.errors
    return report


@pytest.fixture
def deck(db):
    """One note (TST-1, with option texts) and one without (TST-2)."""
    import_note(samples.CANONICAL)
    import_note(samples.with_id(samples.NO_QUESTION_SECTION, "TST-2"))


@pytest.fixture
def alice_deck(alice, deck):
    study_queue_sync(user=alice, profile=alice.profile)
    return alice


def option_b_names_the_lambda_row(note):
    """Option B's reasoning mentions "Lambda" only through its label: make
    the comparison row's head ("Lambda copy") appear in it."""
    for option in note.parsed["options"]:
        if option["letter"] == "B":
            option["reasoning"] = "Lambda copy は運用負荷が高い。"
    note.save(update_fields=["parsed"])
