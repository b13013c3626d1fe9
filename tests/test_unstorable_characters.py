"""A NUL anywhere in a request answers 400, on SQLite and on PostgreSQL alike;
PostgreSQL cannot store NUL, and answered 500 when one reached a query."""

import pytest

from tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(write_note):
    from studyapp.notes.models import Note
    from studyapp.notes.services import NoteReport, note_import

    note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="tst.md"))
    return Note.objects.get(note_id="TST-1")


@pytest.mark.parametrize(
    "url",
    [
        "/notes/TST%00-1/",
        "/notes/%00/",
        "/notes/?category=Storage%00",
        "/notes/?tag=%00",
        "/notes/?%00=x",
        "/study/?scope=%00",
        "/accounts/login/?next=/notes/%00/",
    ],
)
def test_a_nul_in_the_path_or_query_answers_400(client, note, alice, url):
    client.force_login(alice)
    assert client.get(url).status_code == 400


def test_a_nul_in_a_login_form_answers_400(client, alice):
    response = client.post("/accounts/login/", {"username": "alice\x00", "password": "alice-password-1"})
    assert response.status_code == 400


def test_a_nul_in_a_signup_form_answers_400(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "new\x00user", "password1": "a-long-password-1", "password2": "a-long-password-1"},
    )
    assert response.status_code == 400


def test_a_nul_in_the_session_cookie_answers_400(client):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/notes/").status_code == 400


def test_a_nul_in_a_header_answers_400(client):
    assert client.get("/notes/", HTTP_USER_AGENT="agent\x00").status_code == 400


def test_ordinary_requests_pass(client, note, alice):
    client.force_login(alice)
    assert client.get("/notes/?category=Storage").status_code == 200
    assert client.get("/notes/TST-1/").status_code == 200
    # Tabs, newlines and other text a form may hold are not refused.
    response = client.post("/accounts/login/", {"username": "al\tice\n", "password": "x"})
    assert response.status_code == 200
