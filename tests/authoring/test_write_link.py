"""Instructors work without staff status: the top bar's "Write" follows the
instructor permission, "Admin" follows staff status (issue 14, finding 10)."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from studyapp.accounts.services import instructor_add
from studyapp.accounts.sql import user_with_profile

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


def _user(kind: str) -> User:
    user = User.objects.create_user(kind, is_staff=kind == "staff", is_superuser=kind == "superuser")
    if kind == "group":
        instructor_add(user=user)
    elif kind == "direct":
        user.user_permissions.add(Permission.objects.get(codename="author_notes"))
    elif kind == "other group":
        group = Group.objects.create(name="Editors")
        group.permissions.add(Permission.objects.get(codename="author_notes"))
        user.groups.add(group)
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("kind", ["learner", "staff", "group", "other group", "direct", "superuser"])
def test_the_answer_read_with_the_user_agrees_with_the_permission(db, kind):
    user = _user(kind)
    assert user_with_profile(user.pk).writes_notes is user.has_perm("authoring.author_notes")


def test_the_top_bar_costs_no_query_of_its_own(client, ines, django_assert_num_queries):
    client.force_login(ines)
    # The session, then the user with the profile and the answer joined.
    with django_assert_num_queries(2):
        assert WRITE in client.get(reverse("account_settings")).content.decode()
