"""A note page's HTML is rendered once, when the note is imported or
published, and kept on the note with the key of what it was rendered from
(issue 14, finding 6: a published 900 KB note cost 6 s of CPU per anonymous
view). The page serves the stored HTML without rendering Markdown; HTML that
no longer matches the note's text or the renderer is never shown."""

import pytest

from studyapp.authoring import services as authoring
from studyapp.noteformat.parser import body_of
from studyapp.notes import rendering
from studyapp.notes.models import Note, NotePage
from studyapp.notes.services import NoteReport, note_import
from studyapp.sanitizer import render_markdown
from tests import samples
from tests.authoring.conftest import make_instructor

pytestmark = pytest.mark.django_db

# A published note near the import limit, as in the finding (about 900 KB).
BIG_BODY = "\n\n".join(f"Paragraph {i}: the **origin** answered slowly; 日本語の説明。" * 12 for i in range(1_150))


def imported(text: str, captured) -> Note:
    with captured(execute=True):
        report = note_import(raw=text.encode("utf-8"), report=NoteReport(path="a.md"))
    assert report.status in {"created", "updated"}, report.errors
    return Note.objects.get(note_id=report.id)


def forbid_markdown(monkeypatch):
    """Fail the test if anything renders Markdown from here on."""

    def refuse(*args, **kwargs):
        raise AssertionError("Markdown was rendered")

    monkeypatch.setattr(rendering, "render_markdown", refuse)
    monkeypatch.setattr("studyapp.notes.templatetags.markdown._markdown", refuse)
    monkeypatch.setattr("studyapp.sanitizer.markdown.Markdown.convert", refuse)


def test_an_import_stores_the_note_pages_html(django_capture_on_commit_callbacks):
    note = imported(samples.CANONICAL, django_capture_on_commit_callbacks)
    page = NotePage.objects.get(note=note)
    assert page.html_key == rendering.note_html_key(note.source)
    assert page.html_key.startswith(note.source_hash + ":")
    assert page.html == str(render_markdown(body_of(note.source)))


def test_the_page_serves_the_stored_html_without_rendering(client, django_capture_on_commit_callbacks, monkeypatch):
    note = imported(samples.CANONICAL, django_capture_on_commit_callbacks)
    forbid_markdown(monkeypatch)
    NotePage.objects.filter(note=note).update(html="<p>the <strong>stored</strong> page</p>")
    response = client.get(f"/notes/{note.note_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<p>the <strong>stored</strong> page</p>" in body
    assert 'id="page-preparing"' not in body


def test_a_big_published_note_costs_no_markdown_per_view(client, django_capture_on_commit_callbacks, monkeypatch):
    text = samples.CANONICAL.replace("## 6. 学習メモ (Exam Note)", BIG_BODY + "\n\n## 6. 学習メモ (Exam Note)")
    assert 800_000 < len(text.encode()) < 1_000_000
    note = imported(text, django_capture_on_commit_callbacks)
    assert "Paragraph 1149" in NotePage.objects.get(note=note).html
    rendered = []
    monkeypatch.setattr("studyapp.sanitizer._part_to_html", lambda part: rendered.append(part) or "")
    for _ in range(3):
        body = client.get(f"/notes/{note.note_id}/").content.decode()
        assert "Paragraph 1149: the <strong>origin</strong>" in body
    assert rendered == []


def test_stored_html_that_no_longer_matches_the_text_is_never_shown(client, django_capture_on_commit_callbacks):
    note = imported(samples.CANONICAL, django_capture_on_commit_callbacks)
    # A writer that changed the text and not the HTML: the page shows the new text.
    source = note.source.replace("マネージドな複製機能。", "新しい **説明**。")
    Note.objects.filter(pk=note.pk).update(source=source)
    body = client.get(f"/notes/{note.note_id}/").content.decode()
    assert "新しい <strong>説明</strong>。" in body and "マネージドな複製機能。" not in body


def test_a_long_stale_page_is_shown_as_plain_text_without_rendering(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    note = imported(samples.CANONICAL, django_capture_on_commit_callbacks)
    forbid_markdown(monkeypatch)
    long_source = note.source + "\n\n" + "**bold** <script>alert(1)</script> text\n" * 2_000
    Note.objects.filter(pk=note.pk).update(source=long_source)
    response = client.get(f"/notes/{note.note_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="page-preparing"' in body
    assert "**bold** &lt;script&gt;" in body and "<script>alert" not in body


def test_a_new_renderer_renders_every_note_page_again(django_capture_on_commit_callbacks, monkeypatch):
    imported(samples.CANONICAL, django_capture_on_commit_callbacks)
    imported(samples.with_id(samples.CANONICAL, "TST-2"), django_capture_on_commit_callbacks)
    assert rendering.notes_render() == 0  # all current
    monkeypatch.setattr(rendering, "RENDERER", "a-newer-sanitizer")
    note = Note.objects.get(note_id="TST-1")
    assert rendering.note_page_html(note)[0] == render_markdown(body_of(note.source))  # not the stored one's key
    assert rendering.notes_render() == 2
    assert NotePage.objects.get(note__note_id="TST-1").html_key.endswith(":a-newer-sanitizer")
    assert rendering.notes_render() == 0


def test_publishing_in_the_editor_stores_the_new_pages_html(client, django_capture_on_commit_callbacks):
    ines = make_instructor("ines")
    with django_capture_on_commit_callbacks(execute=True):
        note = authoring.note_create(user=ines, text=samples.CANONICAL, publish=True).note
    edited = samples.CANONICAL.replace("マネージドな複製機能。", "マネージドな **複製** 機能。")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = authoring.note_save(user=ines, note=note, text=edited, base_version=1, publish=True)
    assert outcome.ok, outcome.report.errors
    note.refresh_from_db()
    assert note.page.html_key == rendering.note_html_key(note.source)
    assert "マネージドな <strong>複製</strong> 機能。" in note.page.html


def test_stored_html_is_cleaned_again_on_the_way_out(client, django_capture_on_commit_callbacks):
    note = imported(samples.CANONICAL, django_capture_on_commit_callbacks)
    NotePage.objects.filter(note=note).update(html='<p onclick="x()">hi<script>alert(1)</script></p>')
    body = client.get(f"/notes/{note.note_id}/").content.decode()
    assert "<p>hi</p>" in body and "onclick" not in body and "alert(1)" not in body
