"""Issue 14: in Japanese, the exam domains and service categories in the notes
filters, the note page and the study scope picker read in Japanese; what is
stored, filtered and chosen stays the English canonical name."""

import html
import re

import pytest
from django.urls import reverse

from studyapp.noteformat.vocabulary import CATEGORIES, DOMAINS, display_name
from studyapp.notes.services import NoteReport, note_import
from studyapp.study.services import study_queue_sync
from tests import samples

pytestmark = pytest.mark.django_db

DOMAIN = "Design for New Solutions"
DOMAIN_JA = "新しいソリューションのための設計"


@pytest.fixture
def note(db):
    note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="a.md"))


def options(body: str, select_name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return {
        html.unescape(value): html.unescape(text.strip())
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select, re.S)
    }


def test_every_domain_and_category_has_a_japanese_name():
    for domain in DOMAINS:
        assert display_name(domain.name, japanese=True) == domain.name_ja
    for category in CATEGORIES:
        assert display_name(category.name, japanese=True) != category.name
    assert display_name("Something else", japanese=True) == "Something else"
    assert display_name(DOMAIN, japanese=False) == DOMAIN


def test_the_notes_filters_read_in_japanese_and_keep_the_stored_values(client, note):
    client.cookies["django_language"] = "ja"
    body = client.get(reverse("note_list")).content.decode()
    assert options(body, "domain")[DOMAIN] == DOMAIN_JA
    assert options(body, "category")["Storage"] == "ストレージ"
    assert f">{DOMAIN_JA}</td>" in body
    # Filtering by the value the select sends still finds the note.
    filtered = client.get(reverse("note_list"), {"domain": DOMAIN}).content.decode()
    assert "TST-1" in filtered


def test_the_notes_filters_read_in_english_in_english(client, note):
    body = client.get(reverse("note_list")).content.decode()
    assert options(body, "domain")[DOMAIN] == DOMAIN
    assert DOMAIN_JA not in body


def test_the_note_page_names_its_domain_in_japanese(client, note):
    client.cookies["django_language"] = "ja"
    body = client.get(reverse("note_detail", args=["TST-1"])).content.decode()
    assert DOMAIN_JA in body and "ストレージ" in body


def test_the_study_scope_picker_reads_in_japanese(client, alice, note):
    study_queue_sync(user=alice, profile=alice.profile)
    client.force_login(alice)
    client.cookies["django_language"] = "ja"
    body = client.get(reverse("study")).content.decode()
    picked = options(body, "value")
    assert picked[DOMAIN] == DOMAIN_JA and picked["Storage"] == "ストレージ"
    groups = re.findall(r'<optgroup label="([^"]*)" data-kind="(\w+)"', body)
    assert all(label != kind for label, kind in groups), groups
    # Choosing it stores the English name, and the summary reads in Japanese.
    response = client.post(reverse("study_scope"), {"kind": "domain", "value": DOMAIN})
    assert response.status_code == 302
    alice.profile.refresh_from_db()
    assert alice.profile.scope_value == DOMAIN
    body = client.get(reverse("study")).content.decode()
    summary = re.search(r"<summary>(.*?)</summary>", body, re.S).group(1)
    assert DOMAIN_JA in summary
