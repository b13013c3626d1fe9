import pytest

from studyapp.notes.models import Note
from studyapp.notes.services import NoteReport, note_import
from tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes():
    note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="a.md"))
    other = samples.with_id(samples.CANONICAL, "TST-2").replace('category: "Storage"', 'category: "Networking"')
    other = other.replace('  - "KMS"\n', '  - "VPC"\n').replace("Design for New Solutions", "Continuous Improvement")
    note_import(raw=other.encode(), report=NoteReport(path="b.md"))
    draft = samples.with_id(samples.CANONICAL, "DRAFT-1")
    note_import(raw=draft.encode(), report=NoteReport(path="c.md"))
    Note.objects.filter(note_id="DRAFT-1").update(is_published=False)


@pytest.mark.parametrize("persona", ["anonymous", "alice", "instructor"])
def test_it_lists_published_notes_with_card_counts(client, notes, persona, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get("/notes/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "TST-1" in body and "TST-2" in body
    assert "S3 Cross-Region Replication" in body
    cards = Note.objects.with_card_counts().get(note_id="TST-1").card_count
    assert f'class="num">{cards}</td>' in body


def test_learners_do_not_see_drafts(client, notes, alice):
    client.force_login(alice)
    assert "DRAFT-1" not in client.get("/notes/").content.decode()


def test_instructors_see_drafts_marked(client, notes, instructor):
    client.force_login(instructor)
    body = client.get("/notes/").content.decode()
    assert "DRAFT-1" in body and "draft" in body


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("category=Networking", "TST-2", "TST-1"),
        ("domain=Design+for+New+Solutions", "TST-1", "TST-2"),
        ("tag=KMS", "TST-1", "TST-2"),
        ("tag=VPC", "TST-2", "TST-1"),
    ],
)
def test_it_filters_by_category_domain_and_tag(client, notes, query, shown, hidden):
    body = client.get(f"/notes/?{query}").content.decode()
    assert f">{shown}<" in body
    assert f">{hidden}<" not in body


def test_an_htmx_filter_returns_only_the_results_fragment(client, notes):
    response = client.get("/notes/?tag=KMS", headers={"HX-Request": "true", "HX-Target": "results"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_it_rejects_post(client, notes, alice):
    client.force_login(alice)
    assert client.post("/notes/").status_code == 405


def test_query_count_does_not_grow_with_notes(client, notes, django_assert_max_num_queries):
    for i in range(10):
        note_import(raw=samples.with_id(samples.CANONICAL, f"MORE-{i}").encode(), report=NoteReport(path="x.md"))
    with django_assert_max_num_queries(8):
        client.get("/notes/")
