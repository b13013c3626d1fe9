"""Error pages have the site's layout and speak the visitor's language
(before: a bare, unstyled "403 Forbidden")."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _in_layout(response, status: int, language: str = "en") -> str:
    assert response.status_code == status
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert 'class="topbar"' in body and "css/app.css" in body
    return body


def test_a_learner_on_an_instructors_page_gets_the_403_page(client, alice):
    client.force_login(alice)
    body = _in_layout(client.get("/author/"), 403)
    assert "Not allowed" in body
    # The learner's own navigation is there.
    assert "/study/" in body


def test_the_403_page_in_japanese(client, alice):
    alice.profile.language = "ja"
    alice.profile.save()
    client.force_login(alice)
    client.cookies["django_language"] = "ja"
    body = _in_layout(client.get("/author/"), 403, "ja")
    assert "許可されていません" in body


def test_a_refused_csrf_check_gets_the_403_page(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    body = _in_layout(client.post("/study/undo/"), 403)
    assert "Reload the page" in body


def test_the_404_page(client, alice):
    client.force_login(alice)
    body = _in_layout(client.get("/notes/NO-SUCH-NOTE/"), 404)
    assert "Page not found" in body


def test_the_404_page_in_japanese(client):
    body = _in_layout(client.get("/notes/NO-SUCH-NOTE/", HTTP_ACCEPT_LANGUAGE="ja"), 404, "ja")
    assert "ページが見つかりません" in body


def test_the_405_page_keeps_the_allow_header(client, alice):
    client.force_login(alice)
    response = client.get("/study/undo/")
    body = _in_layout(response, 405)
    assert response["Allow"] == "POST"
    assert "Not possible this way" in body


def test_the_400_page(client, alice):
    client.force_login(alice)
    body = _in_layout(client.get("/notes/%00/"), 400)
    assert "Bad request" in body


def test_the_500_page_renders_without_a_request():
    # Django's server_error view renders it with no context at all.
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert 'class="topbar"' in html and "Something went wrong" in html
