"""Shared by the browser tests: a learner with the canonical note to study
(a test module that needs another learner defines its own ``learner``)."""

import pytest
from django.contrib.auth.models import User

from studyapp.notes.services import NoteReport, note_import
from tests import samples


@pytest.fixture
def learner():
    report = note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="tst-1.md"))
    assert report.status == "created"
    return User.objects.create_user("keiko", "keiko@example.com", "sap-pro-2026-pass")
