"""The editor's check and preview within bounds (issue 14, finding 6: texts up
to the 2.5 MB form limit were parsed and rendered, 1.2 MB took 15.7 s, sent
400 ms after each keystroke). A text over the note limit is refused before
it is parsed (413, the message in the preview); each author has a budget of
checks by size (429 with Retry-After and a message); the budget is the
author's own; outsiders still get 404 and a wrong method 405."""

import pytest
from django.test import override_settings
from django.urls import reverse

from studyapp.authoring import checks, views
from studyapp.notes.services import MAX_NOTE_BYTES
from tests import samples
from tests.authoring.conftest import htmx

pytestmark = pytest.mark.django_db

# Over the note limit, under the form limit (2.5 MB) as the finding's 1.2 MB was.
OVERSIZE = samples.CANONICAL + "\n" + ("a" * 99 + "\n") * 12_000


@pytest.fixture
def nothing_parsed(monkeypatch):
    """Fail the test if the text is checked or rendered at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("the text was parsed or rendered")

    monkeypatch.setattr(views, "text_check", refuse)
    monkeypatch.setattr("studyapp.notes.templatetags.markdown._markdown", refuse)


def preview_new(client, text, **headers):
    return client.post(reverse("authoring_preview_new"), {"text": text}, headers={**htmx("preview"), **headers})


def test_a_text_over_the_note_limit_is_refused_before_it_is_parsed(client, ines, nothing_parsed):
    assert checks.text_size(OVERSIZE) > MAX_NOTE_BYTES
    client.force_login(ines)
    response = preview_new(client, OVERSIZE)
    body = response.content.decode()
    assert response.status_code == 413
    assert body.lstrip().startswith('<section id="preview"')  # the fragment the editor swaps in
    assert 'id="check-refusal"' in body
    size_kb = f"{checks.text_size(OVERSIZE) / 1000:,.0f}"
    assert f"The text is {size_kb} KB; a note may have at most 1,000 KB" in body
    assert 'id="note-preview"' not in body


def test_the_preview_of_an_existing_note_refuses_it_too(client, ines, ines_note, nothing_parsed):
    client.force_login(ines)
    response = client.post(
        reverse("authoring_preview", args=[ines_note.note_id]), {"text": OVERSIZE}, headers=htmx("preview")
    )
    assert response.status_code == 413
    assert "a note may have at most 1,000 KB" in response.content.decode()


def test_a_refused_save_without_script_shows_the_refusal_not_a_preview(client, ines, ines_note, monkeypatch):
    monkeypatch.setattr(
        "studyapp.notes.templatetags.markdown._markdown",
        lambda text: (_ for _ in ()).throw(AssertionError("rendered")) if len(text) > MAX_NOTE_BYTES else text,
    )
    client.force_login(ines)
    response = client.post(reverse("authoring_save", args=[ines_note.note_id]), {"text": OVERSIZE, "action": "publish"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="check-refusal"' in body and "a note may have at most 1,000 KB" in body


def test_a_text_at_the_limit_is_still_checked(client, ines):
    filler = ("b" * 99 + "\n") * ((MAX_NOTE_BYTES - len(samples.CANONICAL.encode()) - 10) // 100)
    text = samples.CANONICAL + "\n" + filler
    assert checks.text_size(text) <= MAX_NOTE_BYTES
    client.force_login(ines)
    response = preview_new(client, text)
    assert response.status_code == 200
    assert 'id="note-preview"' in response.content.decode()


@override_settings(EDITOR_CHECK_THROTTLE_PER_USER=(3, 60), EDITOR_CHECK_BYTES_PER_TOKEN=100_000)
def test_checks_beyond_the_authors_budget_answer_429_with_retry_after(client, ines, otto):
    client.force_login(ines)
    for _ in range(3):
        assert preview_new(client, samples.CANONICAL).status_code == 200
    response = preview_new(client, samples.CANONICAL)
    body = response.content.decode()
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert 'id="check-refusal"' in body and "Checking paused" in body
    assert f"resumes in {response['Retry-After']} seconds" in body
    assert 'id="note-preview"' not in body
    # The budget is the author's own: another instructor still checks.
    client.force_login(otto)
    assert preview_new(client, samples.CANONICAL).status_code == 200


@override_settings(EDITOR_CHECK_THROTTLE_PER_USER=(5, 60), EDITOR_CHECK_BYTES_PER_TOKEN=100_000)
def test_a_long_text_spends_more_of_the_budget(client, ines):
    long_text = samples.CANONICAL + "\n" + ("c" * 99 + "\n") * 2_500  # about 260 KB: three tokens
    client.force_login(ines)
    assert preview_new(client, long_text).status_code == 200
    assert preview_new(client, long_text).status_code == 429  # two tokens left
    assert preview_new(client, samples.CANONICAL).status_code == 200  # a short one fits
    assert preview_new(client, samples.CANONICAL).status_code == 200
    assert preview_new(client, samples.CANONICAL).status_code == 429


@override_settings(EDITOR_CHECK_THROTTLE_PER_USER=(1, 60))
def test_the_refusal_is_in_japanese(client, ines):
    client.force_login(ines)
    client.cookies["django_language"] = "ja"
    too_large = preview_new(client, OVERSIZE).content.decode()
    preview_new(client, samples.CANONICAL)
    throttled = preview_new(client, samples.CANONICAL).content.decode()
    assert "ノートの上限は 1,000 KB" in too_large
    assert "確認を一時停止" in throttled


@override_settings(EDITOR_CHECK_THROTTLE_PER_USER=(1, 60))
def test_an_outsider_gets_404_and_spends_nothing(client, ines, otto, ines_draft):
    client.force_login(otto)
    url = reverse("authoring_preview", args=[ines_draft.note_id])
    assert client.post(url, {"text": samples.CANONICAL}, headers=htmx("preview")).status_code == 404
    assert client.get(url).status_code == 405
    assert preview_new(client, samples.CANONICAL).status_code == 200  # the one token was still there
