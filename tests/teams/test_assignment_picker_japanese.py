"""Issue 14: the lead's assignment picker names exam domains and categories
in Japanese on a Japanese page (the values sent stay the stored names), and
labels its groups in the page's language."""

import html
import re

import pytest
from django.urls import reverse

from tests.teams.conftest import team_with, user

pytestmark = pytest.mark.django_db


def test_the_assignment_picker_reads_in_japanese(client, deck):
    lena = user("lena")
    team = team_with(lena, [])
    client.force_login(lena)
    client.cookies["django_language"] = "ja"
    body = client.get(reverse("team_manage", args=[team.pk])).content.decode()
    select = re.search(r'<select name="value" id="assign-value">(.*?)</select>', body, re.S).group(1)
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>(.*?)</option>', select))
    assert options["Design for New Solutions"] == "新しいソリューションのための設計"
    assert html.unescape(options["Storage"]) == "ストレージ"
    groups = re.findall(r'<optgroup label="([^"]*)" data-kind="(\w+)"', select)
    assert groups and all(label and label != kind for label, kind in groups), groups
