"""Issue 14: the editor says what its buttons do and what the note is now.
Publishing from the editor (an htmx save) updates the note's state on the
page from the server's answer, without a reload; a new note's save button
does not call itself a draft."""

import re

from django.urls import reverse

from studyapp.notes.models import Note
from tests import samples
from tests.authoring.conftest import htmx


def _element(body: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', body, re.S)
    assert match, f"#{element_id} is not in the answer"
    return match.group(0)


def test_publishing_an_unpublished_note_updates_its_state_on_the_page(client, ines, ines_draft):
    client.force_login(ines)
    page = client.get(reverse("authoring_editor", args=[ines_draft.note_id])).content.decode()
    assert "not published" in _element(page, "note-state")
    base = re.search(r'name="base_version" id="base-version" value="(\d+)"', page).group(1)
    response = client.post(
        reverse("authoring_save", args=[ines_draft.note_id]),
        {"text": ines_draft.source, "action": "publish", "base_version": base},
        headers=htmx("save-status"),
    )
    assert response.status_code == 200
    assert Note.objects.get(pk=ines_draft.pk).is_published
    body = response.content.decode()
    state = _element(body, "note-state")
    assert 'hx-swap-oob="true"' in state
    assert ">published<" in state and "not published" not in state
    # The buttons now say what they do on a published note.
    assert "Save draft" in _element(body, "save-button")
    assert "Publish changes" in _element(body, "publish-button")


def test_a_plain_save_keeps_the_state_and_says_so(client, ines, ines_draft):
    client.force_login(ines)
    edited = ines_draft.source.replace("マネージドな複製機能。", "マネージドな複製の機能。")
    response = client.post(
        reverse("authoring_save", args=[ines_draft.note_id]),
        {"text": edited, "action": "draft"},
        headers=htmx("save-status"),
    )
    assert response.status_code == 200
    assert "not published" in _element(response.content.decode(), "note-state")


def test_the_new_note_button_says_it_saves_without_publishing(client, ines):
    client.force_login(ines)
    page = client.get(reverse("authoring_new")).content.decode()
    save = _element(page, "save-button")
    assert "Save draft" not in save
    assert "Save without publishing" in save
    # And that is what it does.
    client.post(reverse("authoring_create"), {"text": samples.CANONICAL, "action": "draft"})
    assert not Note.objects.get(note_id="TST-1").is_published


def test_the_check_summary_uses_the_japanese_separator(client, ines):
    client.force_login(ines)
    text = samples.CANONICAL.replace("**論理的根拠 (A)**", "**論理的根拠 (A & G)**")
    response = client.post(
        reverse("authoring_preview_new"), {"text": text}, headers=htmx("preview") | {"Accept-Language": "ja"}
    )
    summary = " ".join(_element(response.content.decode(), "check-summary").split())
    assert re.search(r"エラー \d+ 件、警告 \d+ 件", summary), summary
    assert "件," not in summary


def test_the_check_summary_in_english_keeps_its_comma(client, ines):
    client.force_login(ines)
    response = client.post(reverse("authoring_preview_new"), {"text": samples.CANONICAL}, headers=htmx("preview"))
    summary = " ".join(_element(response.content.decode(), "check-summary").split())
    assert re.search(r"\d+ errors?, \d+ warnings?", summary), summary


def _renaming(old_id: str, new_id: str) -> str:
    text = samples.with_id(samples.CANONICAL, new_id).replace("マネージドな複製機能。", "名前を変えた複製機能。")
    return text.replace(f'id: "{new_id}"\n', f'id: "{new_id}"\nprevious_ids: ["{old_id}"]\n')


def test_saving_without_publishing_never_changes_what_learners_study(client, ines, ines_note):
    """A new note that renames a published one (previous_ids) would replace
    the published text at once: the new note's save does not publish, so it
    is refused and nothing changes; Publish does it."""
    client.force_login(ines)
    before = Note.objects.get(pk=ines_note.pk).source
    response = client.post(reverse("authoring_create"), {"text": _renaming("TST-1", "TST-9"), "action": "draft"})
    assert response.status_code == 400
    assert "publish" in response.content.decode().lower()
    note = Note.objects.get(pk=ines_note.pk)
    assert (note.note_id, note.source, note.is_published) == ("TST-1", before, True)
    # Publishing is what it says.
    response = client.post(reverse("authoring_create"), {"text": _renaming("TST-1", "TST-9"), "action": "publish"})
    assert response.status_code == 302
    assert Note.objects.get(pk=ines_note.pk).note_id == "TST-9"


def test_a_new_note_may_rename_an_unpublished_one_without_publishing(client, ines, ines_draft):
    client.force_login(ines)
    response = client.post(reverse("authoring_create"), {"text": _renaming("TST-3", "TST-9"), "action": "draft"})
    assert response.status_code == 302
    note = Note.objects.get(pk=ines_draft.pk)
    assert note.note_id == "TST-9" and not note.is_published


def test_an_htmx_save_aimed_at_another_element_gets_the_whole_editor(client, ines, ines_draft):
    # htmx without a target (a history restore) or with another one must not
    # get the status fragment, nor a page built from the fragment's context.
    client.force_login(ines)
    edited = ines_draft.source.replace("マネージドな複製機能。", "マネージドな複製の機能。")
    for headers in (htmx("main"), {"HX-Request": "true"}):
        response = client.post(
            reverse("authoring_save", args=[ines_draft.note_id]), {"text": edited, "action": "draft"}, headers=headers
        )
        assert response.status_code in (200, 302)
