"""The staff page that makes an existing user an instructor and takes the
role away (/accounts/instructors/), for every persona: anonymous visitors are
sent to log in; anyone not staff gets 404 (the page is not theirs to know
of); staff who may only view accounts read it (a change is 403); staff who
may change accounts, and superusers, use it; a wrong method is 405."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from studyapp.accounts.services import is_instructor

pytestmark = pytest.mark.django_db

LIST = reverse("instructor_list")
ADD = reverse("instructor_add")
LOGIN = 302


def remove_url(user):
    return reverse("instructor_remove", args=[user.pk])


def staff(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", f"{username}-password-1", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="auth", codename__in=codenames))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def people(alice, bob, instructor):
    return {
        "alice": alice,
        "ines": instructor,
        "stella": staff("stella"),
        "vera": staff("vera", "view_user"),
        "carl": staff("carl", "view_user", "change_user"),
        "root": User.objects.create_superuser("root", "root@example.com", "root-password-1"),
    }


# persona: (GET the list, POST add, POST remove)
EXPECTED = {
    "anonymous": (LOGIN, LOGIN, LOGIN),
    "alice": (404, 404, 404),
    "ines": (404, 404, 404),
    "stella": (403, 403, 403),
    "vera": (200, 403, 403),
    "carl": (200, 302, 302),
    "root": (200, 302, 302),
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_gets_what_they_should(client, people, bob, persona):
    if persona != "anonymous":
        client.force_login(people[persona])
    answers = (
        client.get(LIST).status_code,
        client.post(ADD, {"username": "bob"}).status_code,
        client.post(remove_url(people["ines"])).status_code,
    )
    assert answers == EXPECTED[persona]
    allowed = persona in ("carl", "root")
    assert is_instructor(bob) is allowed
    assert is_instructor(people["ines"]) is not allowed


@pytest.mark.parametrize("persona", ["alice", "stella", "carl"])
def test_a_wrong_method_is_405(client, people, persona):
    client.force_login(people[persona])
    answers = {
        "POST list": client.post(LIST).status_code,
        "GET add": client.get(ADD).status_code,
        "GET remove": client.get(remove_url(people["ines"])).status_code,
        "PUT add": client.put(ADD).status_code,
    }
    assert set(answers.values()) == {405}, answers


def test_an_anonymous_visitor_is_sent_to_log_in(client, people):
    assert "/accounts/login/" in client.get(LIST)["Location"]


def test_it_lists_the_instructors_with_a_button_to_remove_each(client, people):
    client.force_login(people["carl"])
    body = client.get(LIST).content.decode()
    assert "ines" in body and remove_url(people["ines"]) in body
    assert "root" in body  # a superuser, listed apart
    assert "alice" not in body


def test_a_viewer_sees_no_form(client, people):
    client.force_login(people["vera"])
    body = client.get(LIST).content.decode()
    assert "ines" in body
    assert ADD not in body and remove_url(people["ines"]) not in body


def test_making_an_instructor_says_so_and_does_not_make_staff(client, people, bob):
    client.force_login(people["carl"])
    response = client.post(ADD, {"username": "bob"}, follow=True)
    assert "bob is now an instructor." in response.content.decode()
    bob = User.objects.get(pk=bob.pk)
    assert is_instructor(bob) and not bob.is_staff


def test_adding_twice_is_harmless(client, people):
    client.force_login(people["carl"])
    response = client.post(ADD, {"username": "ines"}, follow=True)
    assert "ines was already an instructor." in response.content.decode()
    assert people["ines"].groups.count() == 1


def test_an_unknown_username_is_400_with_a_message_at_the_field(client, people):
    client.force_login(people["carl"])
    before = list(User.objects.filter(groups__name="Instructors").values_list("pk", flat=True))
    response = client.post(ADD, {"username": "nobody"})
    assert response.status_code == 400
    assert "No account has this username" in response.content.decode()
    assert list(User.objects.filter(groups__name="Instructors").values_list("pk", flat=True)) == before


def test_an_empty_username_is_400(client, people):
    client.force_login(people["carl"])
    assert client.post(ADD, {"username": ""}).status_code == 400
    assert client.post(ADD, {}).status_code == 400


def test_removing_the_role(client, people):
    client.force_login(people["carl"])
    response = client.post(remove_url(people["ines"]), follow=True)
    assert "ines is no longer an instructor." in response.content.decode()
    assert not is_instructor(people["ines"])


def test_removing_it_from_a_superuser_says_they_keep_it(client, people):
    client.force_login(people["carl"])
    response = client.post(remove_url(people["root"]), follow=True)
    assert "root is still an instructor" in response.content.decode()


def test_removing_an_unknown_user_is_404(client, people):
    client.force_login(people["carl"])
    assert client.post(reverse("instructor_remove", args=[99999])).status_code == 404


def test_the_page_is_in_japanese_too(client, people):
    client.force_login(people["carl"])
    client.cookies["django_language"] = "ja"
    body = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "講師" in body


@pytest.mark.parametrize(
    "persona, shown", [("alice", False), ("ines", False), ("stella", False), ("vera", True), ("root", True)]
)
def test_the_top_bar_links_the_page_for_those_who_may_read_it(client, people, persona, shown):
    client.force_login(people[persona])
    assert (f'href="{LIST}"' in client.get(reverse("note_list")).content.decode()) is shown
