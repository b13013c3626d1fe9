"""The exam pages in Japanese show no English UI text (their strings are
translated, checked the way tests/study/test_japanese.py checks the study page)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from studyapp.exams import services
from studyapp.exams.models import Attempt
from studyapp.notes.models import Note
from tests.study import test_japanese as study_japanese

SOURCES = ("templates/exams/", "templates/study/_options.html", "studyapp/exams/")


def english_left(page: str) -> list[str]:
    return study_japanese.english_left(page, SOURCES)


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
