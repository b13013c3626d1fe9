"""Mock exams for a team: the lead assigns an exam blueprint with a due date;
members see it on the team's page; the dashboard shows each member who
shares details with their latest submitted mock of that exam, per domain,
and, from three such members, the team's weakest domain (approximate, as
every team figure is). Members who do not share details are never shown
nor counted."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studyapp.exams.models import Attempt, AttemptItem, Blueprint
from studyapp.noteformat.vocabulary import DOMAINS
from studyapp.notes.models import Card
from studyapp.teams import services
from studyapp.teams.aggregates import NOISE_SD
from studyapp.teams.mock_figures import mock_figures
from studyapp.teams.models import Membership, MockAssignment
from tests.teams.conftest import team_with, user

pytestmark = pytest.mark.django_db

D1, D2, D3, D4 = (d.name for d in DOMAINS)


@pytest.fixture
def sap(db):
    return Blueprint.objects.get(code="SAP-C02")


def sit(member, blueprint, results: dict[str, tuple[int, int]], *, days_ago: float = 1, submitted=True) -> Attempt:
    """A mock of ``blueprint`` with, per domain, (questions, correct)."""
    card = Card.objects.filter(kind=Card.Kind.QUESTION).first()
    at = timezone.now() - timedelta(days=days_ago)
    attempt = Attempt.objects.create(
        user=member,
        blueprint=blueprint,
        kind=Attempt.Kind.MOCK,
        question_count=sum(q for q, _c in results.values()),
        started_at=at - timedelta(hours=2),
        submitted_at=at if submitted else None,
        submitted_reason="learner" if submitted else "",
    )
    items, position = [], 0
    for domain, (questions, correct) in results.items():
        for i in range(questions):
            position += 1
            items.append(
                AttemptItem(
                    attempt=attempt,
                    position=position,
                    note=card.note,
                    card=card,
                    domain=domain,
                    chosen=["B"],
                    correct=i < correct if submitted else None,
                    score=float(i < correct) if submitted else None,
                )
            )
    AttemptItem.objects.bulk_create(items)
    return attempt


@pytest.fixture
def cohort(deck, sap):
    """lena leads; s1..s3 share details, quiet does not. Each sat SAP-C02."""
    lead = user("lena")
    sharers = [user(f"s{i}") for i in (1, 2, 3)]
    quiet = user("quiet")
    team = team_with(lead, [*sharers, quiet], share=("s1", "s2", "s3"))
    mock, made = services.mock_assignment_create(team=team, blueprint=sap, due_date=timezone.now().date())
    assert made
    # D4 is weak for everyone; s1 sat twice (the latest counts).
    sit(sharers[0], sap, {D1: (10, 2), D2: (10, 2), D3: (10, 2), D4: (10, 0)}, days_ago=5)
    sit(sharers[0], sap, {D1: (10, 9), D2: (10, 8), D3: (10, 7), D4: (10, 3)}, days_ago=1)
    sit(sharers[1], sap, {D1: (10, 8), D2: (10, 9), D3: (10, 8), D4: (10, 2)})
    sit(sharers[2], sap, {D1: (10, 7), D2: (10, 7), D3: (10, 9), D4: (10, 1)})
    sit(quiet, sap, {D1: (10, 10), D2: (10, 10), D3: (10, 10), D4: (10, 10)})
    return {"team": team, "lead": lead, "sharers": sharers, "quiet": quiet, "mock": mock, "sap": sap}


def test_the_lead_assigns_a_mock_exam_and_members_see_it(client, deck, sap):
    lead, member = user("lena"), user("mika")
    team = team_with(lead, [member])
    client.force_login(lead)
    due = (timezone.now().date() + timedelta(days=14)).isoformat()
    response = client.post(reverse("team_mock_create", args=[team.pk]), {"blueprint": sap.pk, "due_date": due})
    assert response.status_code == 302
    # A double click assigns it once.
    client.post(reverse("team_mock_create", args=[team.pk]), {"blueprint": sap.pk, "due_date": due})
    assert MockAssignment.objects.filter(team=team).count() == 1
    assert "SAP-C02" in client.get(reverse("team_manage", args=[team.pk])).content.decode()
    client.force_login(member)
    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    assert "SAP-C02" in page and reverse("exams:list") in page
    assert "You have not sat this exam yet." in page


def test_teams_can_assign_an_instructors_blueprint_but_not_one_that_is_not_offered(client, deck, sap):
    lead = user("lena")
    team = team_with(lead, [])
    offered = Blueprint.objects.create(code="SAA-C03", name="Associate", question_count=65, minutes=130)
    retired = Blueprint.objects.create(code="OLD-1", name="Old", is_active=False)
    client.force_login(lead)
    due = (timezone.now().date() + timedelta(days=14)).isoformat()
    assert (
        client.post(reverse("team_mock_create", args=[team.pk]), {"blueprint": offered.pk, "due_date": due}).status_code
        == 302
    )
    refused = client.post(reverse("team_mock_create", args=[team.pk]), {"blueprint": retired.pk, "due_date": due})
    assert refused.status_code == 400 and "That exam is not offered" in refused.content.decode()
    assert list(MockAssignment.objects.values_list("blueprint__code", flat=True)) == ["SAA-C03"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"blueprint": "", "due_date": "2099-01-01"}, "This field is required"),
        ({"blueprint": "abc", "due_date": "2099-01-01"}, "That exam is not offered"),
        ({"blueprint": "99999999999999999999", "due_date": "2099-01-01"}, "That exam is not offered"),
        ({"blueprint": "__sap__", "due_date": "2001-01-01"}, "The due date cannot be in the past"),
        ({"blueprint": "__sap__", "due_date": "2999-01-01"}, "within"),
        ({"blueprint": "__sap__", "due_date": "tomorrow"}, "Enter a valid date"),
    ],
)
def test_bad_input_names_the_field_and_assigns_nothing(client, deck, sap, data, message):
    lead = user("lena")
    team = team_with(lead, [])
    client.force_login(lead)
    data = {k: str(sap.pk) if v == "__sap__" else v for k, v in data.items()}
    response = client.post(reverse("team_mock_create", args=[team.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode() and 'id="mock-errors"' in response.content.decode()
    assert not MockAssignment.objects.exists()


def test_the_lead_removes_a_mock_exam_assignment_of_their_team_only(client, cohort):
    other_lead = user("olga")
    other = team_with(other_lead, [])
    client.force_login(other_lead)
    url = reverse("team_mock_delete", args=[other.pk, cohort["mock"].pk])
    assert client.post(url).status_code == 404
    assert MockAssignment.objects.filter(pk=cohort["mock"].pk).exists()
    client.force_login(cohort["lead"])
    assert client.post(reverse("team_mock_delete", args=[cohort["team"].pk, cohort["mock"].pk])).status_code == 302
    assert not MockAssignment.objects.filter(pk=cohort["mock"].pk).exists()


def test_the_dashboard_shows_each_sharing_members_latest_mock_per_domain(client, cohort):
    client.force_login(cohort["lead"])
    page = client.get(reverse("team_dashboard", args=[cohort["team"].pk])).content.decode()
    table = page[page.index('id="mock-table"') : page.index("</table>", page.index('id="mock-table"'))]
    assert 'data-member="s1"' in table and 'data-member="quiet"' not in table
    s1 = table[table.index('data-member="s1"') :].split("</tr>")[0]
    # s1's latest attempt, not the first: 27 of 40, and 3 of 10 in domain 4.
    assert '68% <span class="muted">(27/40)</span>' in s1
    assert '30% <span class="muted">(3/10)</span>' in s1
    assert "quiet" not in page[page.index('id="mock-exams"') :]


def test_the_team_weakest_domain_is_the_lowest_mean_over_sharers_only(cohort):
    figures = mock_figures(assignment=cohort["mock"])
    assert figures.contributors == 3
    assert [m.username for m in figures.members] == ["s1", "s2", "s3"]
    exact = {D1: 0.8, D2: 0.8, D3: 0.8, D4: 0.2}
    shown = dict(figures.team_domains)
    assert set(shown) == set(exact)
    for name, value in exact.items():
        # The released mean carries noise of NOISE_SD; 5 sd apart would be a broken release.
        assert abs(shown[name] - value) < 5 * NOISE_SD
    assert figures.weakest[0] == D4
    # The member who does not share, with full marks, is not among them.
    assert figures.team_domains == mock_figures(assignment=cohort["mock"]).team_domains


def test_below_three_sharers_who_sat_there_is_no_team_figure(client, cohort):
    services.sharing_set(membership=Membership.objects.get(user=cohort["sharers"][2]), share_details=False)
    figures = mock_figures(assignment=cohort["mock"])
    assert figures.team_domains is None and figures.weakest is None
    client.force_login(cohort["lead"])
    page = client.get(reverse("team_dashboard", args=[cohort["team"].pk])).content.decode()
    assert "The team's weakest domain appears once at least 3 members" in page
    assert 'data-member="s3"' not in page


def test_an_open_attempt_or_another_exam_does_not_count(cohort):
    other = Blueprint.objects.create(code="SAA-C03", name="Associate", question_count=4, minutes=10)
    sharer = cohort["sharers"][1]
    sit(sharer, cohort["sap"], {D4: (10, 10)}, days_ago=0, submitted=False)
    sit(sharer, other, {D4: (10, 10)}, days_ago=0)
    row = next(m for m in mock_figures(assignment=cohort["mock"]).members if m.username == "s2")
    assert row.domains[D4].correct == 2 and row.questions == 40


def test_a_member_sees_their_own_mock_and_the_team_weakest_domain_never_anothers(client, cohort):
    client.force_login(cohort["quiet"])
    page = client.get(reverse("team_detail", args=[cohort["team"].pk])).content.decode()
    assert "100% correct" in page  # their own latest
    assert "The team's weakest domain: <strong>" in page
    for other in ("s1", "s2", "s3", "27/40"):
        assert other not in page


def test_a_new_sitting_or_a_sharer_leaving_draws_the_noise_anew(cohort):
    before = dict(mock_figures(assignment=cohort["mock"]).team_domains)
    assert before == dict(mock_figures(assignment=cohort["mock"]).team_domains)
    sit(cohort["sharers"][0], cohort["sap"], {D1: (10, 9), D2: (10, 8), D3: (10, 7), D4: (10, 3)}, days_ago=0)
    # The same scores again: only the draw differs.
    again = dict(mock_figures(assignment=cohort["mock"]).team_domains)
    assert again != before


def _dashboard_queries(client, size: int, prefix: str, sap) -> int:
    lead = user(f"{prefix}lead")
    members = [user(f"{prefix}{i:03d}") for i in range(size)]
    team = team_with(lead, members, share=tuple(m.username for m in members))
    services.mock_assignment_create(team=team, blueprint=sap, due_date=timezone.now().date())
    for i, member in enumerate(members):
        sit(member, sap, {D1: (3, i % 3), D2: (3, 1), D3: (3, 2), D4: (3, 0)})
    client.force_login(lead)
    url = reverse("team_dashboard", args=[team.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('<tr data-member="') >= size
    return len(queries)


def test_the_mock_figures_take_as_many_queries_for_a_big_team_as_for_a_small_one(client, deck, sap):
    assert _dashboard_queries(client, 3, "s", sap) == _dashboard_queries(client, 12, "b", sap)


def test_the_mock_exam_parts_of_the_team_pages_read_in_japanese(client, cohort):
    from tests.authoring.test_japanese import english_left

    client.cookies["django_language"] = "ja"
    for person, name in (
        (cohort["lead"], "team_dashboard"),
        (cohort["lead"], "team_manage"),
        (cohort["quiet"], "team_detail"),
    ):
        person.profile.language = "ja"
        person.profile.save()
        client.force_login(person)
        page = client.get(reverse(name, args=[cohort["team"].pk])).content.decode()
        part = page[page.index('id="mock') :]
        assert english_left(part) == [], name
        assert "模擬試験" in part
    dashboard = client.get(reverse("team_dashboard", args=[cohort["team"].pk]))
    assert dashboard.status_code == 403  # quiet is a member: the dashboard is the lead's
