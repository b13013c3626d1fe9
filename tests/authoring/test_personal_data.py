"""What the authoring app keeps about a person is in the own-data download
(the registry of studyapp/accounts/personal_data.py)."""

import pytest

from studyapp.accounts.personal_data import sections
from studyapp.authoring import services
from studyapp.authoring.models import NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob
from studyapp.notes.models import Card

pytestmark = pytest.mark.django_db


def authoring_sections():
    return [(s.name, s.model, s.rows) for s in sections() if s.model._meta.app_label == "authoring"]


def test_every_table_of_the_app_that_points_at_a_user_has_a_section():
    covered = {model for _name, model, _rows in authoring_sections()}
    assert covered == {NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob}


def test_each_section_lists_only_the_persons_rows(alice, bob, ines, ines_note):
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    report = services.report_create(user=alice, card=card, kind="typo", comment="mine")
    services.report_create(user=bob, card=card, kind="wrong", comment="not hers")
    services.report_resolve(user=ines, report=report, status="resolved", reply="fixed")
    rows = {name: list(function(alice)) for name, _model, function in authoring_sections()}
    assert [r["comment"] for r in rows["problem_reports"]] == ["mine"]
    assert rows["note_versions"] == [] and rows["note_authorships"] == []
    mine = {name: list(function(ines)) for name, _model, function in authoring_sections()}
    assert [r["reply"] for r in mine["problem_reports_resolved"]] == ["fixed"]
    assert [r["note__note_id"] for r in mine["note_authorships"]] == ["TST-1"]
    assert [r["number"] for r in mine["note_versions"]] == [1]


def test_deleting_a_person_keeps_the_notes_history(alice, ines, ines_note):
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    services.report_create(user=alice, card=card, kind="typo", comment="")
    alice.delete()
    ines.delete()
    assert not ProblemReport.objects.exists() and not NoteAuthor.objects.exists()
    assert NoteVersion.objects.get(note=ines_note).author is None
