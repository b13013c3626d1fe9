"""The exam pages in Japanese show no English UI text (their strings are
translated, checked the way tests/study/test_japanese.py checks the study page)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.exams import services
from studyapp.exams.models import Attempt
from studyapp.notes.models import Note
from tests.study.test_japanese import po_entries, visible_text

SOURCES = ("templates/exams/", "templates/study/_options.html", "studyapp/exams/")


def english_left(page: str) -> list[str]:
    text = visible_text(page)
    found = set()
    for entry in po_entries():
        if not any(source in entry["refs"] for source in SOURCES):
            continue
        if entry["forms"][0] == entry["msgid"] or not re.search("[A-Za-z]{3}", entry["msgid"]):
            continue
        parts = re.split(r"%\(\w+\)(?:\.\d)?[sdf]|%%", entry["msgid"].strip())
        body = r".{1,40}?".join(re.escape(" ".join(p.split())) for p in parts)
        if re.search(rf"(?<![A-Za-z]){body}(?![A-Za-z])", text):
            found.add(entry["msgid"])
    return sorted(found)


@pytest.fixture
def japanese(client, alice, sap_c02, bank):
    alice.profile.language = "ja"
    alice.profile.save()
    # The notes' own text is the author's, not UI text.
    Note.objects.update(domain="新しいソリューションの設計")
    client.force_login(alice)
    client.cookies["django_language"] = "ja"
    return alice


def test_the_exam_list_and_page_in_japanese_have_no_english_ui_text(client, japanese, sap_c02):
    assert english_left(client.get(reverse("exams:list")).content.decode()) == []
    attempt = services.attempt_start(user=japanese, blueprint=sap_c02, kind=Attempt.Kind.MOCK, now=timezone.now())
    page = client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert "残り時間" in page and "1 つ選んでください。" in page
    assert english_left(page) == []
    assert english_left(client.get(reverse("exams:attempt", args=[attempt.pk]) + "?review=1").content.decode()) == []
    services.attempt_submit(user=japanese, attempt_id=attempt.pk, now=timezone.now())
    assert english_left(client.get(reverse("exams:list")).content.decode()) == []
