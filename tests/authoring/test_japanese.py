"""The authoring pages and the learner's report pages in Japanese show no
English UI text. What the note itself says, and the importer's messages
about it (English, as on the command line), are left out of the check."""

import re

import pytest
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.uploads import Entry
from studyapp.notes.models import Card
from studyapp.notes.services import NoteReport, note_import
from tests import samples
from tests.authoring.conftest import HTMX
from tests.authoring.test_repair_review import damaged
from tests.study.test_japanese import po_entries, visible_text

pytestmark = pytest.mark.django_db

SOURCES = ("templates/authoring/", "studyapp/authoring/", "templates/study/study.html")
# Parts of a page that are the note's content or the importer's words, not UI.
CONTENT = re.compile(
    r'(?s)<textarea\b.*?</textarea>|<div class="prose[^"]*"[^>]*>.*?</div>|<span class="message">.*?</span>'
    r"|<code>.*?</code>|<blockquote>.*?</blockquote>|<span class=\"(?:before|after)\">.*?</span>"
)


def ui_patterns() -> list[re.Pattern]:
    patterns = []
    for entry in po_entries():
        if not any(source in entry["refs"] for source in SOURCES):
            continue
        if entry["forms"][0] == entry["msgid"] or not re.search("[A-Za-z]{3}", entry["msgid"]):
            continue
        parts = re.split(r"%\(\w+\)(?:\.\d)?[sdf]|%%", entry["msgid"].strip())
        body = r".{1,40}?".join(re.escape(" ".join(p.split())) for p in parts)
        patterns.append(re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])"))
    return patterns


def english_left(page: str) -> list[str]:
    text = visible_text(CONTENT.sub(" ", page))
    return sorted({p.pattern for p in ui_patterns() if p.search(text)})


@pytest.fixture
def japanese(client):
    client.cookies["django_language"] = "ja"

    def as_user(user):
        user.profile.language = "ja"
        user.profile.save()
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def desk(ines, alice, ines_note):
    """A note with a draft, a report, a damaged note to review, an upload, answers."""
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    report = services.report_create(user=alice, card=card, kind="typo", comment="の")
    text = samples.CANONICAL.replace("| **Lambda copy** | No | Yes |", "| **Lambda copy** | No | No |")
    services.note_save(user=ines, note=ines_note, text=text)
    note_import(raw=damaged(samples.with_id(samples.CANONICAL, "DMG-1")), report=NoteReport(path="d.md"))
    job = services.upload_job_create(
        user=ines, entries=[Entry("a.md", samples.with_id(samples.CANONICAL, "UP-1").encode())]
    )
    services.upload_job_run(job_id=job.pk)
    return {"report": report, "job": job}


def test_the_authoring_pages_in_japanese_have_no_english_ui_text(japanese, ines, desk):
    client = japanese(ines)
    pages = [
        reverse("authoring_dashboard"),
        reverse("authoring_new"),
        reverse("authoring_editor", args=["TST-1"]),
        reverse("authoring_versions", args=["TST-1"]),
        reverse("authoring_diff", args=["TST-1"]),
        reverse("authoring_repair", args=["DMG-1"]),
        reverse("authoring_reports"),
        reverse("authoring_reports") + "?show=closed",
        reverse("authoring_analysis"),
        reverse("authoring_upload"),
        reverse("authoring_upload_job", args=[desk["job"].pk]),
    ]
    left = {url: english_left(client.get(url).content.decode()) for url in pages}
    assert left == {url: [] for url in pages}
    body = client.get(reverse("authoring_editor", args=["TST-1"])).content.decode()
    assert "下書きを保存" in body or "変更を公開" in body


def test_the_editor_fragments_in_japanese_have_no_english_ui_text(japanese, ines, desk):
    client = japanese(ines)
    text = samples.CANONICAL.replace("> - Transfer Acceleration は複製ではない。\n", "")
    preview = client.post(reverse("authoring_preview", args=["TST-1"]), {"text": text}, headers=HTMX)
    assert english_left(preview.content.decode()) == [] and "廃止するカード 1 枚" in preview.content.decode()
    saved = client.post(reverse("authoring_save", args=["TST-1"]), {"text": text, "base_version": 2}, headers=HTMX)
    assert english_left(saved.content.decode()) == []
    refused = client.post(reverse("authoring_save", args=["TST-1"]), {"text": "---\n"}, headers=HTMX)
    assert refused.status_code == 400 and english_left(refused.content.decode()) == []
    upload = client.post(reverse("authoring_upload"), {"files": []})
    assert upload.status_code == 400 and english_left(upload.content.decode()) == []


def test_the_learners_report_pages_in_japanese_have_no_english_ui_text(japanese, alice, ines, desk):
    services.report_resolve(user=ines, report=desk["report"], status="resolved", reply="ありがとう")
    client = japanese(alice)
    for url in (reverse("reports_mine"), reverse("reports_news")):
        assert english_left(client.get(url).content.decode()) == []
    card = Card.objects.get(key="TST-1:compare:lambda-copy")
    sent = client.post(reverse("report_card", args=[card.pk]), {"kind": "wrong"}, headers=HTMX)
    assert english_left(sent.content.decode()) == [] and "ありがとうございます" in sent.content.decode()
