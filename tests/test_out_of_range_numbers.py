"""A number too large for the database is no such thing (404), never a 500:
in a path (the ``<id:...>`` converter), in a query string (the admin's page,
the diff's versions)."""

import pytest
from django.urls import get_resolver

from studyapp.converters import MAX_DIGITS

pytestmark = pytest.mark.django_db

HUGE = "9" * 20


def test_no_url_pattern_takes_an_unbounded_number():
    def walk(patterns):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                if getattr(entry, "app_name", None) != "admin":
                    yield from walk(entry.url_patterns)
            else:
                yield str(entry.pattern)

    assert [p for p in walk(get_resolver().url_patterns) if "<int:" in p] == []


@pytest.mark.parametrize(
    "path",
    [f"/teams/{HUGE}/", f"/teams/{HUGE}/dashboard/", f"/teams/{HUGE}/dashboard.csv", f"/teams/{HUGE}/manage/",
     f"/author/uploads/{HUGE}/", f"/reports/card/{HUGE}/", f"/study/cram/{HUGE}/"],
)  # fmt: skip
def test_a_huge_id_in_a_path_is_not_found(client, alice, instructor, path):
    client.force_login(instructor if path.startswith("/author/") else alice)
    assert client.get(path).status_code == 404


def test_the_longest_id_the_converter_takes_is_still_not_found(client, alice):
    client.force_login(alice)
    assert client.get(f"/teams/{'9' * MAX_DIGITS}/").status_code == 404


def test_huge_versions_in_the_diff_are_not_found(client, instructor):
    from studyapp.authoring import services
    from tests import samples

    services.note_create(user=instructor, text=samples.CANONICAL, publish=True)
    client.force_login(instructor)
    for query in (f"?a={HUGE}&b=1", f"?a=-1&b={HUGE}", "?a=-5&b=1"):
        assert client.get(f"/author/notes/TST-1/diff/{query}").status_code == 404, query


def test_a_huge_page_in_the_admin_is_not_found(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    client.force_login(root)
    # The admin is Django's: whatever it answers, not a server error.
    for query in (f"?p={HUGE}", f"?page={HUGE}", f"?id={HUGE}"):
        assert client.get(f"/admin/notes/note/{query}").status_code < 500, query
