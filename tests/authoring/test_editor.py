"""The editor: a new note from the template, checking as the author types
(problems by line, a sanitized preview), drafts, publishing, retiring, and
saves that would lose work or break a note refused with nothing stored."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import NoteAuthor, NoteVersion
from studyapp.authoring.note_template import new_note_text
from studyapp.notes.models import Card, Note
from studyapp.study.models import CardState
from studyapp.study.services import study_queue_sync
from tests import samples
from tests.authoring.conftest import htmx

pytestmark = pytest.mark.django_db

BAD_LETTER = samples.CANONICAL.replace("**論理的根拠 (A & C)**", "**論理的根拠 (A & G)**")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if needle in line)


def problems(body: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="(error|warning)" data-line="(\d+)"', body)


def test_a_new_note_starts_from_a_template_that_imports_cleanly(client, ines):
    client.force_login(ines)
    body = client.get(reverse("authoring_new")).content.decode()
    assert "id: &quot;NOTE-1&quot;" in body
    assert "## 2. 問題と選択肢 (Question &amp; Options)" in body  # the option-text extension
    assert "0 errors" in body and "0 warnings" in body
    assert "✓ Imports as 7 cards." in body


def test_the_template_takes_an_id_no_note_has(client, ines):
    services.note_create(user=ines, text=new_note_text(today=date(2026, 5, 1)))
    assert Note.objects.filter(note_id="NOTE-1").exists()
    client.force_login(ines)
    assert "id: &quot;NOTE-2&quot;" in client.get(reverse("authoring_new")).content.decode()


def test_the_preview_names_the_line_of_an_error_as_the_author_types(client, ines):
    client.force_login(ines)
    response = client.post(reverse("authoring_preview_new"), {"text": BAD_LETTER}, headers=htmx("preview"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="preview"')  # the fragment only
    line = line_of(BAD_LETTER, "論理的根拠")
    assert ("error", str(line)) in problems(body)
    assert "Does not import yet" in body


def test_the_preview_renders_through_the_sanitizer(client, ines):
    client.force_login(ines)
    text = samples.CANONICAL.replace(
        "マネージドな複製機能。", 'マネージドな複製機能。<script>alert(1)</script><img src=x onerror="alert(2)">'
    )
    body = client.post(reverse("authoring_preview_new"), {"text": text}, headers=htmx("preview")).content.decode()
    preview = body[body.index('id="note-preview"') :]
    assert "<script" not in preview and "onerror" not in preview
    assert "マネージドな複製機能。" in preview


def test_saving_a_new_note_imports_it_unpublished_with_its_cards_and_author(client, ines):
    client.force_login(ines)
    response = client.post(reverse("authoring_create"), {"text": samples.CANONICAL, "action": "draft"})
    assert response.status_code == 302 and response["Location"] == reverse("authoring_editor", args=["TST-1"])
    note = Note.objects.get(note_id="TST-1")
    assert not note.is_published
    assert note.cards.count() == 11
    assert NoteAuthor.objects.filter(note=note, user=ines).exists()
    version = NoteVersion.objects.get(note=note)
    assert (version.number, version.origin, version.author, version.applied) == (1, "editor", ines, True)


def test_an_htmx_save_of_a_new_note_redirects_to_its_editor(client, ines):
    client.force_login(ines)
    response = client.post(reverse("authoring_create"), {"text": samples.CANONICAL}, headers=htmx("save-status"))
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("authoring_editor", args=["TST-1"])


def test_a_note_that_does_not_import_is_not_saved(client, ines):
    client.force_login(ines)
    response = client.post(reverse("authoring_create"), {"text": BAD_LETTER}, headers=htmx("save-status"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Not saved" in body and f"line {line_of(BAD_LETTER, '論理的根拠')}" in body
    assert not Note.objects.exists() and not NoteVersion.objects.exists()


def test_a_new_note_cannot_take_an_existing_id(client, ines, house_note):
    client.force_login(ines)
    text = samples.with_id(samples.CANONICAL, "TST-2").replace("最小限", "最大限")
    response = client.post(reverse("authoring_create"), {"text": text}, headers=htmx("save-status"))
    assert response.status_code == 400
    assert "id TST-2 is already a note" in response.content.decode()
    house_note.refresh_from_db()
    assert "最大限" not in house_note.source


def test_a_draft_of_a_published_note_waits_for_publishing(client, ines, ines_note, alice):
    study_queue_sync(user=alice, profile=alice.profile)
    client.force_login(ines)
    edited = samples.CANONICAL.replace("マネージドな複製機能。", "マネージドな複製の機能。")
    response = client.post(
        reverse("authoring_save", args=["TST-1"]), {"text": edited, "base_version": 1}, headers=htmx("save-status")
    )
    assert response.status_code == 200 and "Draft saved as version 2" in response.content.decode()
    ines_note.refresh_from_db()
    assert ines_note.source == samples.CANONICAL  # learners still study version 1
    draft = NoteVersion.objects.get(note=ines_note, number=2)
    assert not draft.applied and draft.author == ines
    editor = client.get(reverse("authoring_editor", args=["TST-1"])).content.decode()
    assert "マネージドな複製の機能。" in editor and 'id="pending-draft"' in editor

    response = client.post(reverse("authoring_publish", args=["TST-1"]), {"version": 2})
    assert response.status_code == 302
    ines_note.refresh_from_db()
    assert ines_note.source == edited
    assert list(NoteVersion.objects.filter(note=ines_note).values_list("number", "applied")) == [(2, True), (1, True)]


def test_publish_changes_applies_the_text_at_once(client, ines, ines_note):
    client.force_login(ines)
    edited = samples.CANONICAL.replace("マネージドな複製機能。", "マネージドな複製の機能。")
    client.post(reverse("authoring_save", args=["TST-1"]), {"text": edited, "base_version": 1, "action": "publish"})
    ines_note.refresh_from_db()
    assert ines_note.source == edited and ines_note.is_published
    assert NoteVersion.objects.get(note=ines_note, number=2).applied


def test_a_save_over_a_newer_version_is_refused_as_a_conflict(client, ines, otto, house_note):
    client.force_login(otto)
    text = samples.with_id(samples.CANONICAL, "TST-2")
    client.post(
        reverse("authoring_save", args=["TST-2"]), {"text": text.replace("最小限", "最大限"), "base_version": 1}
    )
    client.force_login(ines)
    response = client.post(
        reverse("authoring_save", args=["TST-2"]),
        {"text": text.replace("最小限", "最少"), "base_version": 1},
        headers=htmx("save-status"),
    )
    assert response.status_code == 409
    assert "version 2 was saved by otto" in response.content.decode()
    assert not NoteVersion.objects.filter(note=house_note, source__contains="最少").exists()


def test_the_editor_keeps_a_notes_id(client, ines, ines_draft):
    client.force_login(ines)
    response = client.post(
        reverse("authoring_save", args=["TST-3"]),
        {"text": samples.with_id(samples.CANONICAL, "TST-9")},
        headers=htmx("save-status"),
    )
    assert response.status_code == 400
    assert "this note&#x27;s id is TST-3" in response.content.decode()
    assert not Note.objects.filter(note_id="TST-9").exists()


def test_a_declared_rename_in_the_editor_renames_the_note(client, ines, ines_draft):
    client.force_login(ines)
    text = samples.with_id(samples.CANONICAL, "TST-9").replace(
        'id: "TST-9"\n', 'id: "TST-9"\nprevious_ids: ["TST-3"]\n'
    )
    response = client.post(reverse("authoring_save", args=["TST-3"]), {"text": text})
    assert response.status_code == 302 and response["Location"] == reverse("authoring_editor", args=["TST-9"])
    assert Note.objects.get(pk=ines_draft.pk).note_id == "TST-9"


def test_saving_an_unpublished_note_applies_it_and_publish_brings_it_to_learners(client, ines, ines_draft, alice):
    client.force_login(ines)
    edited = samples.with_id(samples.CANONICAL, "TST-3").replace("最小限", "最大限")
    client.post(reverse("authoring_save", args=["TST-3"]), {"text": edited, "base_version": 1})
    ines_draft.refresh_from_db()
    assert "最大限" in ines_draft.source and not ines_draft.is_published
    study_queue_sync(user=alice, profile=alice.profile)
    assert not CardState.objects.filter(user=alice, card__note=ines_draft).exists()
    client.post(reverse("authoring_publish", args=["TST-3"]), {"version": 2})
    study_queue_sync(user=alice, profile=alice.profile)
    assert CardState.objects.filter(user=alice, card__note=ines_draft, in_scope=True).count() == 11


def test_retiring_takes_the_cards_out_of_every_queue_at_once(client, ines, ines_note, alice):
    study_queue_sync(user=alice, profile=alice.profile)
    client.force_login(ines)
    assert client.post(reverse("authoring_retire", args=["TST-1"])).status_code == 302
    assert not Note.objects.get(pk=ines_note.pk).is_published
    assert not CardState.objects.filter(user=alice, in_scope=True).exists()
    assert CardState.objects.filter(user=alice).count() == 11  # history kept


def test_ctrl_s_and_every_control_are_on_the_page(client, ines, ines_note):
    client.force_login(ines)
    body = client.get(reverse("authoring_editor", args=["TST-1"])).content.decode()
    assert 'id="save-button"' in body and "Ctrl+S" in body
    assert 'hx-trigger="input changed delay:400ms"' in body
    assert "js/authoring.js" in body


def test_the_editor_opens_at_a_line(client, ines, ines_note):
    client.force_login(ines)
    assert 'data-jump="30"' in client.get(reverse("authoring_editor", args=["TST-1"]) + "?line=30").content.decode()


# ---------------------------------------------------------------- the admin


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "root-password-1")


def test_the_admin_shows_notes_and_cards_read_only(client, superuser, ines_note):
    client.force_login(superuser)
    assert client.get(reverse("admin:notes_note_add")).status_code == 403
    page = client.get(reverse("admin:notes_note_change", args=[ines_note.pk])).content.decode()
    assert 'name="title"' not in page and 'name="source"' not in page
    response = client.post(reverse("admin:notes_note_change", args=[ines_note.pk]), {"title": "Renamed in the admin"})
    assert response.status_code == 403
    card = Card.objects.filter(note=ines_note).first()
    response = client.post(reverse("admin:notes_card_change", args=[card.pk]), {"front": "changed"})
    assert response.status_code == 403
    assert client.get(reverse("admin:notes_triggerword_add")).status_code == 403
    ines_note.refresh_from_db()
    assert ines_note.title == "S3 Cross-Region Replication"
    assert Card.objects.get(pk=card.pk).front == card.front
