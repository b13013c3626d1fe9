"""Personas of the authoring tests: an anonymous visitor, a learner (alice),
an instructor who writes notes (ines), and an instructor of another
organisation (otto), who writes other notes and must not see hers."""

import pytest
from django.contrib.auth.models import User

from studyapp.accounts.services import instructors_group_ensure
from studyapp.authoring import services
from studyapp.notes.models import Note
from studyapp.notes.services import NoteReport, note_import
from tests import samples

HTMX = {"HX-Request": "true"}


def htmx(target: str) -> dict:
    """The headers htmx sends when it swaps the element with id ``target``."""
    return {**HTMX, "HX-Target": target}


def make_instructor(username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", f"{username}-password-1")
    user.groups.add(instructors_group_ensure())
    return User.objects.get(pk=user.pk)  # a fresh object: no permission cache


@pytest.fixture
def ines(db):
    return make_instructor("ines")


@pytest.fixture
def otto(db):
    return make_instructor("otto")


def import_text(text: str, path: str = "note.md") -> NoteReport:
    """As the command line imports: the note belongs to the house (no author)."""
    report = note_import(raw=text.encode("utf-8"), report=NoteReport(path=path))
    assert report.status in {"created", "updated", "unchanged"}, report.errors
    return report


def create_note(user, text: str, *, publish: bool = True) -> Note:
    outcome = services.note_create(user=user, text=text, publish=publish)
    assert outcome.ok, outcome.report.errors
    return outcome.note


@pytest.fixture
def ines_note(ines):
    """TST-1, written by ines in the editor and published."""
    return create_note(ines, samples.CANONICAL)


@pytest.fixture
def ines_draft(ines):
    """TST-3, written by ines, never published."""
    return create_note(ines, samples.with_id(samples.CANONICAL, "TST-3"), publish=False)


@pytest.fixture
def house_note(db):
    """TST-2, imported from the command line: every instructor may write it."""
    import_text(samples.with_id(samples.CANONICAL, "TST-2"), "tst-2.md")
    return Note.objects.get(note_id="TST-2")
