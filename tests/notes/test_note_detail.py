import pytest

from studyapp.notes.models import Note
from studyapp.notes.services import NoteReport, note_import
from tests import samples
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def note():
    note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="a.md"))
    return Note.objects.get(note_id="TST-1")


@pytest.mark.parametrize("persona", ["anonymous", "alice", "instructor"])
def test_it_shows_the_whole_note_with_its_tables(client, note, persona, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get("/notes/TST-1/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<table>" in body and "<th>Method</th>" in body
    assert "状況の読み解き" in body
    assert "<blockquote>" in body
    assert "S3 Replication" in body


def test_the_front_matter_is_not_shown_as_text(client, note):
    body = client.get("/notes/TST-1/").content.decode()
    assert "created_at:" not in body


def test_an_unknown_note_is_404(client, note):
    assert client.get("/notes/NOPE-1/").status_code == 404


def test_a_draft_is_404_for_learners_and_visible_to_instructors(client, note, alice, instructor):
    Note.objects.filter(pk=note.pk).update(is_published=False)
    client.force_login(alice)
    assert client.get("/notes/TST-1/").status_code == 404
    client.force_login(instructor)
    assert client.get("/notes/TST-1/").status_code == 200


def test_it_rejects_post(client, note):
    assert client.post("/notes/TST-1/").status_code == 405


def test_a_repaired_note_says_so(client, seed_bytes):
    note_import(raw=SEED.read_bytes(), report=NoteReport(path="seed.md"))
    body = client.get("/notes/SAP-56/").content.decode()
    assert "repaired" in body
    assert "勝負を決めるキーワード" in body
