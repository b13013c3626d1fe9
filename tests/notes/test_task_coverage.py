"""Task statements and sources on the pages: the note page names both, the
notes list filters by task statement and shows the bank's coverage, and the
statistics page (and the list, for a signed-in learner) adds the learner's
mastery per task statement."""

import pytest

from studyapp.notes.models import Card, Note
from studyapp.notes.services import NoteReport, note_import
from studyapp.study import services as study
from studyapp.study.models import CardState
from tests import samples

pytestmark = pytest.mark.django_db

SOURCE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"


def with_tasks(text: str, note_id: str, tasks: str) -> str:
    text = samples.with_id(text, note_id)
    return text.replace('created_at: "2026-03-01"', f'tasks: {tasks}\nsources: ["{SOURCE}"]\ncreated_at: "2026-03-01"')


@pytest.fixture
def bank():
    for note_id, tasks in (("TST-1", '["2.2"]'), ("TST-2", '["2.2", "2.6"]'), ("TST-3", "[]")):
        report = note_import(raw=with_tasks(samples.CANONICAL, note_id, tasks).encode(), report=NoteReport(path="x"))
        assert report.status == "created", report.errors


def row(body: str, code: str) -> str:
    start = body.index(f'?task={code}">{code}</a>')
    return body[start : body.index("</tr>", start)]


def numbers(fragment: str) -> list[str]:
    import re

    return re.findall(r'<td class="num">([^<]*)</td>', fragment)


def test_the_note_page_names_its_task_statements_and_links_its_sources(client, bank):
    body = client.get("/notes/TST-2/").content.decode()
    assert "2.2 Design a solution to ensure business continuity" in body
    assert "2.6 Determine a cost optimization strategy" in body
    assert f'<a href="{SOURCE}" rel="noopener noreferrer nofollow">' in body


def test_the_note_page_names_them_in_japanese(client, bank):
    client.cookies["django_language"] = "ja"
    body = client.get("/notes/TST-2/").content.decode()
    assert "2.2 事業継続性を確保するソリューションを設計する" in body
    assert "出典" in body


def test_the_list_filters_by_task_statement(client, bank):
    body = client.get("/notes/?task=2.6").content.decode()
    assert "TST-2" in body and "TST-1" not in body
    assert "TST-1" in client.get("/notes/?task=2.2").content.decode()
    # A code the exam guide does not have filters nothing out.
    assert "TST-3" in client.get("/notes/?task=9.9").content.decode()


def test_the_list_shows_the_banks_coverage_by_task_statement(client, bank):
    body = client.get("/notes/").content.decode()
    cards = Note.objects.with_card_counts().get(note_id="TST-1").card_count
    assert numbers(row(body, "2.2")) == ["2", str(2 * cards)]
    assert numbers(row(body, "2.6")) == ["1", str(cards)]
    assert numbers(row(body, "4.4")) == ["0", "0"]
    assert 'class="gap"' in body


def test_a_learners_mastery_per_task_statement_counts_every_card_of_its_notes(client, bank, alice):
    profile = alice.profile
    study.study_session_open(user=alice, profile=profile)
    note = Note.objects.get(note_id="TST-2")
    states = list(CardState.objects.filter(user=alice, card__note=note).order_by("pk")[:2])
    for state in states:
        study.card_grade(user=alice, profile=profile, state_id=state.pk, version=state.version, rating=3)
    client.force_login(alice)
    for body in (client.get("/stats/").content.decode(), client.get("/stats/tasks/").content.decode()):
        cards = Card.objects.active().filter(note=note).count()
        studied, mastery = numbers(row(body, "2.6"))[2:]
        assert studied == "2"
        # Two cards just answered Good (recall ~100 %) of all the note's cards.
        assert mastery == f"{round(200 / cards)} %"
        assert numbers(row(body, "4.4"))[2:] == ["0", "–"]


def test_the_list_asks_for_the_learners_mastery_only_when_signed_in(client, bank, alice):
    assert 'hx-get="/stats/tasks/"' not in client.get("/notes/").content.decode()
    client.force_login(alice)
    assert 'hx-get="/stats/tasks/"' in client.get("/notes/").content.decode()


def test_the_mastery_fragment_is_for_signed_in_learners_and_reads_only(client, alice):
    assert client.get("/stats/tasks/").status_code == 302
    client.force_login(alice)
    assert client.post("/stats/tasks/").status_code == 405
    assert client.get("/stats/tasks/").status_code == 200
    assert not CardState.objects.filter(user=alice).exists()
