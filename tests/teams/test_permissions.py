"""Every team URL × every persona: anonymous, a member, the lead, a member of
another team and the lead of another team. Outsiders get 404 (the team does
not exist for them), a member 403 on what only the lead may do, anyone 405
for a wrong method; and no response to an outsider holds the team's names."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from studyapp.exams.models import Blueprint
from studyapp.teams import refresh, services
from studyapp.teams.models import Membership
from tests.teams.conftest import assign, import_deck, team_with, user

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "member", "lead", "other_member", "other_lead")
OUTSIDERS = ("anonymous", "other_member", "other_lead")
# What an outsider must never read: the team's name and its people.
SECRETS = ("Alpha Squad", "alice_alpha", "bob_alpha")


@pytest.fixture
def world(db):
    import_deck()
    alice, bob = user("alice_alpha"), user("bob_alpha")
    carol, dave = user("carol_bravo"), user("dave_bravo")
    alpha = team_with(alice, [bob], name="Alpha Squad", share=("bob_alpha",))
    bravo = team_with(carol, [dave], name="Bravo Squad")
    assignment = assign(alpha)
    assign(bravo)
    invite = services.invite_create(team=alpha)
    refresh.figures_refresh(assignment_id=assignment.pk)
    sap = Blueprint.objects.get(code="SAP-C02")
    mock, _made = services.mock_assignment_create(team=alpha, blueprint=sap, due_date=timezone.now().date())
    services.mock_assignment_create(team=bravo, blueprint=sap, due_date=timezone.now().date())
    return {
        "team": alpha,
        "assignment": assignment,
        "mock": mock,
        "sap": sap,
        "invite": invite,
        "bob_membership": Membership.objects.get(team=alpha, user=bob),
        "users": {"member": bob, "lead": alice, "other_member": dave, "other_lead": carol},
    }


def client_for(world, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    return client


def exam_date() -> str:
    return (timezone.now().date() + timedelta(days=30)).isoformat()


# name, method, args(world), data, expected status per persona (anonymous is always a login redirect)
LEAD_ONLY = {"member": 403, "lead": 200, "other_member": 404, "other_lead": 404}
LEAD_ONLY_POST = {"member": 403, "lead": 302, "other_member": 404, "other_lead": 404}
ANY_MEMBER = {"member": 200, "lead": 200, "other_member": 404, "other_lead": 404}
ANY_MEMBER_POST = {"member": 302, "lead": 302, "other_member": 404, "other_lead": 404}


def team_args(world):
    return [world["team"].pk]


CASES = [
    ("team_detail", "get", team_args, {}, ANY_MEMBER),
    ("team_sharing", "post", team_args, {"share_details": "on"}, ANY_MEMBER_POST),
    ("team_leave", "post", team_args, {}, ANY_MEMBER_POST),
    ("team_dashboard", "get", team_args, {}, LEAD_ONLY),
    ("team_dashboard_csv", "get", team_args, {}, LEAD_ONLY),
    ("team_manage", "get", team_args, {}, LEAD_ONLY),
    ("team_invite_create", "post", team_args, {"days": "7"}, LEAD_ONLY_POST),
    ("team_invite_revoke", "post", lambda w: [w["team"].pk, w["invite"].pk], {}, LEAD_ONLY_POST),
    (
        "team_assignment_create",
        "post",
        team_args,
        {"kind": "tag", "value": "KMS", "exam_date": "__date__"},
        LEAD_ONLY_POST,
    ),
    ("team_assignment_delete", "post", lambda w: [w["team"].pk, w["assignment"].pk], {}, LEAD_ONLY_POST),
    ("team_assignment_study", "post", lambda w: [w["team"].pk, w["assignment"].pk], {}, ANY_MEMBER_POST),
    ("team_mock_create", "post", team_args, {"blueprint": "__sap__", "due_date": "__date__"}, LEAD_ONLY_POST),
    ("team_mock_delete", "post", lambda w: [w["team"].pk, w["mock"].pk], {}, LEAD_ONLY_POST),
    ("team_member_remove", "post", lambda w: [w["team"].pk, w["bob_membership"].pk], {}, LEAD_ONLY_POST),
    ("team_lead_transfer", "post", team_args, {"membership": "__bob__"}, LEAD_ONLY_POST),
    ("team_close", "post", team_args, {"confirm": "on"}, LEAD_ONLY_POST),
]
WRONG_METHOD = {"get": "post", "post": "get"}


def _request(client, method, url, data, world):
    stand_ins = {"__date__": exam_date(), "__bob__": str(world["bob_membership"].pk), "__sap__": str(world["sap"].pk)}
    data = {k: stand_ins.get(v, v) for k, v in data.items()}
    return getattr(client, method)(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "args", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_team_url_answers_each_persona_as_expected(world, persona, name, method, args, data, expected):
    url = reverse(name, args=args(world))
    response = _request(client_for(world, persona), method, url, data, world)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected[persona], response.content[:300]
    if persona in OUTSIDERS:
        body = response.content.decode() + response.get("Location", "")
        for secret in SECRETS:
            assert secret not in body


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "args", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_wrong_method_is_405_for_everyone(world, persona, name, method, args, data, expected):
    url = reverse(name, args=args(world))
    response = getattr(client_for(world, persona), WRONG_METHOD[method])(url)
    assert response.status_code == 405
    if persona in OUTSIDERS:
        for secret in SECRETS:
            assert secret not in response.content.decode()


CSRF_TOKEN = re.compile(rb"(?<=csrfmiddlewaretoken\" value=\")[A-Za-z0-9]{64}|(?<=\"x-csrftoken\": \")[A-Za-z0-9]{64}")


ASKED_PATH = re.compile(rb'(?<=name="next" value=")[^"]*')


@pytest.mark.parametrize("persona", ("other_member", "other_lead"))
@pytest.mark.parametrize(("name", "method", "args", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_an_outsider_cannot_tell_a_team_from_no_team(world, persona, name, method, args, data, expected):
    """A team that exists and one that does not answer an outsider alike."""
    client = client_for(world, persona)
    real = _request(client, method, reverse(name, args=args(world)), data, world)
    missing_args = [999_999] + args(world)[1:]
    missing = _request(client, method, reverse(name, args=missing_args), data, world)
    assert real.status_code == missing.status_code == 404
    assert without_csrf_tokens(real.content) == without_csrf_tokens(missing.content)


def without_csrf_tokens(body: bytes) -> bytes:
    """The page with its CSRF tokens and the path it was asked for blanked:
    Django masks the token afresh in every response (the 404 page's forms
    carry one), and the language switch returns to the URL the visitor typed,
    so two answers differ there whatever they are about. Everything else must
    be the same."""
    return ASKED_PATH.sub(b"", CSRF_TOKEN.sub(b"", body))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_invite_link_shows_its_team_to_whoever_holds_it(world, persona):
    """The one team URL an outsider may read: holding the link is being
    invited, and the page says which team and what joining shares."""
    url = reverse("team_join", args=[world["invite"].token])
    response = client_for(world, persona).get(url)
    assert response.status_code == 200
    assert "Alpha Squad" in response.content.decode()
    assert client_for(world, persona).put(url).status_code == 405


def test_the_team_list_shows_only_ones_own_teams(world):
    body = client_for(world, "other_member").get(reverse("team_list")).content.decode()
    assert "Bravo Squad" in body
    for secret in SECRETS:
        assert secret not in body
