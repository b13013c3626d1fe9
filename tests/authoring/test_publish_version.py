""" "Publish this draft" publishes the version the author was looking at: the
form carries it, and when a newer version was saved since, nothing is
published and the answer is 409, saying which (before: whatever was newest
was published)."""

import pytest
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import NoteVersion
from tests import samples
from tests.authoring.conftest import make_instructor

pytestmark = pytest.mark.django_db

FIRST_DRAFT = samples.CANONICAL.replace("マネージドな複製機能。", "マネージドな複製の機能。")
SECOND_DRAFT = samples.CANONICAL.replace("マネージドな複製機能。", "別の作者の複製機能。")


def draft(user, note, text):
    outcome = services.note_save(user=user, note=note, text=text)
    assert outcome.status == "draft", outcome.report.errors
    return outcome.version


def test_the_publish_form_carries_the_version_shown(client, ines, ines_note):
    shown = draft(ines, ines_note, FIRST_DRAFT)
    client.force_login(ines)
    body = client.get(reverse("authoring_editor", args=["TST-1"])).content.decode()
    assert f'name="version" id="publish-version" form="publish-draft-form" value="{shown.number}"' in body
    assert 'id="publish-draft-form"' in body


def test_publishing_the_version_shown_publishes_it(client, ines, ines_note):
    shown = draft(ines, ines_note, FIRST_DRAFT)
    client.force_login(ines)
    response = client.post(reverse("authoring_publish", args=["TST-1"]), {"version": shown.number})
    assert response.status_code == 302
    ines_note.refresh_from_db()
    assert ines_note.source == FIRST_DRAFT


def test_a_newer_version_saved_meanwhile_is_not_published(client, ines, ines_note):
    shown = draft(ines, ines_note, FIRST_DRAFT)
    # Another author saves a newer draft while ines looks at hers.
    colleague = make_instructor("carla")
    from studyapp.authoring.models import NoteAuthor

    NoteAuthor.objects.create(note=ines_note, user=colleague)
    newer = draft(colleague, ines_note, SECOND_DRAFT)
    client.force_login(ines)
    response = client.post(reverse("authoring_publish", args=["TST-1"]), {"version": shown.number})
    assert response.status_code == 409
    body = response.content.decode()
    assert f"version {newer.number}" in body and "Nothing was published" in body
    ines_note.refresh_from_db()
    assert ines_note.source == samples.CANONICAL
    assert not NoteVersion.objects.get(note=ines_note, number=newer.number).applied


def test_the_409_says_so_in_japanese(client, ines, ines_note):
    shown = draft(ines, ines_note, FIRST_DRAFT)
    draft(ines, ines_note, SECOND_DRAFT)
    client.force_login(ines)
    client.cookies["django_language"] = "ja"
    response = client.post(reverse("authoring_publish", args=["TST-1"]), {"version": shown.number})
    assert response.status_code == 409
    assert "公開されていません" in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"version": "x"}, {"version": "99999999999999999999"}])
def test_a_missing_or_bad_version_is_refused(client, ines, ines_note, data):
    draft(ines, ines_note, FIRST_DRAFT)
    client.force_login(ines)
    response = client.post(reverse("authoring_publish", args=["TST-1"]), data)
    assert response.status_code == 400
    ines_note.refresh_from_db()
    assert ines_note.source == samples.CANONICAL


def test_the_service_refuses_a_version_that_is_not_the_latest(ines, ines_note):
    shown = draft(ines, ines_note, FIRST_DRAFT)
    draft(ines, ines_note, SECOND_DRAFT)
    outcome = services.note_publish(user=ines, note=ines_note, version=shown.number)
    assert outcome.status == "conflict" and not outcome.ok
    assert outcome.latest.number == shown.number + 1
