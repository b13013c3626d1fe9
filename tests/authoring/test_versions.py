"""Every import and every save keeps a version (who, when, the text, its
hash); any two versions can be compared, for the text and for learners; a
revert is a new version."""

import hashlib

import pytest
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import NoteVersion
from studyapp.authoring.versions import source_diff
from studyapp.notes.models import Note
from studyapp.notes.services import NoteReport, note_import
from tests import samples
from tests.authoring.conftest import import_text

pytestmark = pytest.mark.django_db

TYPO = samples.CANONICAL.replace("レプリケーションには KMS 権限が必要。", "レプリケーションにはKMSの権限が必要。")


def test_each_import_of_a_changed_text_keeps_a_version_by_import(db):
    import_text(samples.CANONICAL)
    import_text(samples.CANONICAL)  # unchanged: no version
    import_text(TYPO)
    versions = list(NoteVersion.objects.order_by("number"))
    assert [(v.number, v.origin, v.author, v.applied) for v in versions] == [
        (1, "import", None, True),
        (2, "import", None, True),
    ]
    note = Note.objects.get()
    assert versions[-1].source == note.source == TYPO
    assert versions[-1].source_hash == note.source_hash == hashlib.sha256(TYPO.encode()).hexdigest()
    assert versions[-1].card_counts["updated"] == 1


def test_the_same_text_in_other_bytes_is_no_new_version(db):
    import_text(samples.CANONICAL)
    note_import(raw=samples.CANONICAL.replace("\n", "\r\n").encode(), report=NoteReport(path="crlf.md"))
    assert NoteVersion.objects.count() == 1


def test_the_diff_shows_the_changed_lines_and_what_changes_for_learners(client, ines, house_note):
    text = samples.with_id(samples.CANONICAL, "TST-2")
    typo = text.replace("レプリケーションには KMS 権限が必要。", "レプリケーションにはKMSの権限が必要。")
    for edited in (typo, typo.replace("| No | Yes |", "| No | No |")):
        services.note_save(user=ines, note=house_note, text=edited, publish=True)
    client.force_login(ines)
    body = client.get(reverse("authoring_diff", args=["TST-2"]) + "?a=1&b=3").content.decode()
    assert '<tr class="removed">' in body and '<tr class="added">' in body
    assert "| **Lambda copy** | No | No |" in body
    for_learners = body[body.index('id="card-changes"') : body.index('id="source-diff"')]
    assert '<span class="change reset">reset</span> <code>TST-2:compare:lambda-copy</code>' in for_learners
    assert '<span class="change reworded">reworded</span> <code>TST-2:trigger:sse-kms</code>' in for_learners


def test_source_diff_numbers_both_sides():
    lines, too_large = source_diff("a\nb\nc", "a\nB\nc\nd")
    assert not too_large
    kinds = [(line.kind, line.old, line.new, line.text) for line in lines]
    assert ("removed", 2, None, "b") in kinds and ("added", None, 2, "B") in kinds and ("added", None, 4, "d") in kinds
    assert ("same", 1, 1, "a") in kinds


def test_card_changes_between_versions(ines, house_note):
    from studyapp.authoring.versions import versions_diff

    text = samples.with_id(samples.CANONICAL, "TST-2")
    v1 = NoteVersion.objects.get(note=house_note)
    services.note_save(user=ines, note=house_note, text=text.replace("| No | Yes |", "| No | No |"), publish=True)
    services.note_save(
        user=ines, note=house_note, text=text.replace("> - Transfer Acceleration は複製ではない。\n", ""), publish=True
    )
    v3 = NoteVersion.objects.get(note=house_note, number=3)
    diff = versions_diff(old=v1, new=v3)
    assert {(c.change, c.key) for c in diff.cards} == {
        ("retired", "TST-2:pitfall:transfer-acceleration-は複製ではない")
    }
    v2 = NoteVersion.objects.get(note=house_note, number=2)
    diff = versions_diff(old=v1, new=v2)
    assert {(c.change, c.key) for c in diff.cards} == {("reset", "TST-2:compare:lambda-copy")}


def test_revert_is_a_new_version(client, ines, ines_draft):
    text = samples.with_id(samples.CANONICAL, "TST-3")
    services.note_save(user=ines, note=ines_draft, text=text.replace("最小限", "最大限"))
    client.force_login(ines)
    response = client.post(reverse("authoring_revert", args=["TST-3", 1]))
    assert response.status_code == 302
    versions = list(NoteVersion.objects.filter(note=ines_draft).order_by("number"))
    assert [(v.number, v.origin) for v in versions] == [(1, "editor"), (2, "editor"), (3, "revert")]
    assert versions[2].source == versions[0].source
    ines_draft.refresh_from_db()
    assert ines_draft.source == text


def test_the_versions_page_lists_who_saved_what(client, ines, house_note):
    services.note_save(user=ines, note=house_note, text=samples.with_id(TYPO, "TST-2"), publish=True)
    client.force_login(ines)
    body = client.get(reverse("authoring_versions", args=["TST-2"])).content.decode()
    assert 'id="version-1"' in body and 'id="version-2"' in body
    assert "ines" in body and "import" in body


def test_a_note_stored_before_versions_gets_its_text_as_version_one(client, ines, house_note):
    NoteVersion.objects.all().delete()
    client.force_login(ines)
    assert client.get(reverse("authoring_editor", args=["TST-2"])).status_code == 200
    version = NoteVersion.objects.get(note=house_note)
    assert (version.number, version.source) == (1, house_note.source)
