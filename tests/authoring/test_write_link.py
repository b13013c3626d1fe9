"""Instructors work without staff status: the top bar's "Write" follows the
instructor permission, "Admin" follows staff status (issue 14, finding 10)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

WRITE = f'href="{reverse("authoring_dashboard")}"'
ADMIN = f'href="{reverse("admin:index")}"'


def top_bar(client, user=None) -> str:
    if user is not None:
        client.force_login(user)
    body = client.get(reverse("note_list")).content.decode()
    return body[body.index('<header class="topbar">') : body.index("</header>")]


def test_an_instructor_who_is_not_staff_gets_the_write_link_and_no_admin_link(client, ines):
    assert not ines.is_staff
    bar = top_bar(client, ines)
    assert WRITE in bar and ADMIN not in bar
    assert client.get(reverse("authoring_dashboard")).status_code == 200


def test_a_learner_gets_neither(client, alice):
    bar = top_bar(client, alice)
    assert WRITE not in bar and ADMIN not in bar


def test_an_anonymous_visitor_gets_neither(client, db):
    bar = top_bar(client)
    assert WRITE not in bar and ADMIN not in bar


def test_staff_who_is_no_instructor_gets_the_admin_link_only(client, db):
    stella = User.objects.create_user("stella", is_staff=True)
    bar = top_bar(client, stella)
    assert ADMIN in bar and WRITE not in bar


def test_the_write_link_in_japanese(client, ines):
    client.force_login(ines)
    body = client.get(reverse("note_list"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f"{WRITE}>執筆</a>" in body
