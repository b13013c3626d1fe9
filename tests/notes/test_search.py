"""Issue 14: learners search the notes and cards (title, text, trigger words,
tags, card faces), in Japanese and English, on SQLite and PostgreSQL; only
published notes; bounded query, bounded and paginated results."""

import re

import pytest
from django.urls import reverse

from studyapp.notes.models import Note
from studyapp.notes.search import MAX_TERMS, PER_PAGE, notes_search, search_terms
from studyapp.notes.services import NoteReport, note_import
from tests import samples

pytestmark = pytest.mark.django_db

# A second note: a bucket's availability, with 可用性 as a trigger word.
BUCKET = (
    samples.with_id(samples.CANONICAL, "TST-2")
    .replace('title: "S3 Cross-Region Replication"', 'title: "S3 バケットの可用性"')
    .replace("# S3 Cross-Region Replication (TST-2)", "# S3 バケットの可用性 (TST-2)")
    .replace('  - "KMS"\n', '  - "KMS"\n  - "Durability"\n')
    .replace(
        '- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。',
        '- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。\n- **"可用性" (availability)**: 複数 AZ に保存される。',
    )
)
# Never published: nobody's search finds it, not even its author's.
DRAFT = samples.with_id(samples.CANONICAL, "DRAFT-1").replace(
    "マネージドな複製機能。", "マネージドな複製機能。秘密の下書き語。"
)


def _import(text: str, path: str) -> None:
    report = note_import(raw=text.encode(), report=NoteReport(path=path))
    assert report.status == "created", report.errors


@pytest.fixture
def notes(db):
    _import(samples.CANONICAL, "tst-1.md")
    _import(BUCKET, "tst-2.md")
    _import(DRAFT, "draft-1.md")
    Note.objects.filter(note_id="DRAFT-1").update(is_published=False)


def found(body: str) -> list[str]:
    return re.findall(r'<li class="search-hit">\s*<h2><a href="/notes/([^/]+)/"', body)


def get(client, q: str, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("可用性", ["TST-2"]),  # a trigger word, in Japanese
        ("バケット", ["TST-2"]),  # in the title, katakana
        ("複製機能", ["TST-1", "TST-2"]),  # in the text, Japanese with no spaces around it
        ("Replication", ["TST-1", "TST-2"]),  # title and tag, English, any case
        ("replication", ["TST-1", "TST-2"]),
        ("durability", ["TST-2"]),  # a tag
        ("Transfer Acceleration", ["TST-1", "TST-2"]),  # two words, both must be there
        ("可用性 Lambda", ["TST-2"]),
        ("可用性　Lambda", ["TST-2"]),  # split on the ideographic space too
        ("ＫＭＳ", ["TST-1", "TST-2"]),  # full-width letters find the half-width word
        ("Glacier", []),
        ("100%", []),  # a LIKE wildcard is a plain character
        ("可用性 Glacier", []),
    ],
)
def test_it_finds_japanese_and_english_words(client, alice, notes, query, expected):
    client.force_login(alice)
    assert sorted(found(get(client, query))) == expected


def test_a_title_match_comes_first(client, notes):
    assert found(get(client, "S3 バケット"))[0] == "TST-2"


def test_results_are_grouped_by_note_with_the_matching_cards(client, notes):
    body = get(client, "可用性")
    hit = body[body.index('<li class="search-hit">') :]
    assert 'href="/notes/TST-2/"' in hit
    cards = re.search(r'<ul class="search-cards">(.*?)</ul>', hit, re.S).group(1)
    assert "可用性" in cards and "Trigger word" in cards
    # Faces are rendered Markdown, not raw: no ** left.
    assert "**" not in cards


@pytest.mark.parametrize("persona", ["anonymous", "alice", "instructor"])
def test_no_persona_finds_an_unpublished_note(client, notes, persona, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert found(get(client, "秘密の下書き語")) == []
    assert "DRAFT-1" not in get(client, "Replication")


def test_its_author_does_not_find_a_draft_either(client, db):
    from tests.authoring.conftest import create_note, make_instructor

    ines = make_instructor("ines")
    create_note(ines, DRAFT, publish=False)
    client.force_login(ines)
    assert found(get(client, "秘密の下書き語")) == []


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_search_only_reads(client, alice, notes, method):
    client.force_login(alice)
    assert getattr(client, method)(reverse("search"), {"q": "可用性"}).status_code == 405


def test_a_search_that_finds_nothing_says_so(client, notes):
    body = get(client, "Glacier")
    assert 'id="search-none"' in body and "Glacier" in body
    fragment = client.get(
        reverse("search"), {"q": "Glacier"}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    ).content.decode()
    assert 'id="search-none"' in fragment and "<html" not in fragment


def test_an_empty_search_shows_the_form_only(client, notes):
    body = get(client, "")
    assert 'id="search-q"' in body and found(body) == [] and "search-none" not in body


def test_the_query_is_bounded(client, notes):
    assert len(search_terms("a " * 1000)) == 1
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == MAX_TERMS
    # Only the first MAX_QUERY characters count: "Glacier" (found nowhere) is past them.
    body = get(client, "可用性" + " " * 120 + "Glacier" + "x" * 100_000)
    assert found(body) == ["TST-2"]
    assert "only its beginning was searched" in body


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1" * 400])
def test_any_page_number_answers(client, notes, page):
    body = get(client, "Replication", page=page)
    assert found(body)


def test_results_are_paginated(client, db):
    for i in range(PER_PAGE + 5):
        _import(samples.with_id(samples.CANONICAL, f"PAG-{i:02}"), f"pag-{i}.md")
    first = get(client, "複製機能")
    second = get(client, "複製機能", page=2)
    assert len(found(first)) == PER_PAGE and len(found(second)) == 5
    assert not set(found(first)) & set(found(second))
    assert "Page 1 of 2" in first and 'rel="next"' in first


def test_the_work_does_not_grow_with_the_cards_of_a_page(django_assert_max_num_queries, notes):
    with django_assert_max_num_queries(4):
        results = notes_search(query="複製機能", page_number=1)
        assert [hit.note.note_id for hit in results.hits] == ["TST-1", "TST-2"]


def test_the_navigation_has_a_search_box(client, alice):
    client.force_login(alice)
    body = client.get(reverse("note_list")).content.decode()
    assert re.search(r'<form method="get" action="/search/" class="nav-search" role="search">', body)
    assert 'name="q" id="nav-search-q"' in body


def test_the_page_in_japanese(client, notes):
    client.cookies["django_language"] = "ja"
    body = get(client, "可用性")
    assert "件" in re.search(r'<p class="muted" id="search-count">(.*?)</p>', body, re.S).group(1)
