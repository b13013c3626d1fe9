"""Every URL pattern of ``studyapp.urls`` has a row in the persona table
(``tests/support/personas.py``) and answers each persona as the row says.

The walk skips Django's own admin (``admin/``: its pages are the admin's,
checked by tests/test_admin.py); every other pattern, Django's
``set_language`` included, must have a row."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from studyapp.accounts.services import instructor_add
from studyapp.authoring import services as authoring
from studyapp.authoring.uploads import Entry
from studyapp.exams import services as exams
from studyapp.exams.models import Attempt, Blueprint
from studyapp.noteformat.vocabulary import DOMAINS
from studyapp.notes.models import Card
from studyapp.study.models import CardState
from studyapp.study.services import study_queue_sync
from studyapp.teams import services as teams
from studyapp.teams.models import Membership
from tests import samples
from tests.exams.bank import bank_build
from tests.support.personas import BASE_PERSONAS, LOGIN, REGISTRY
from tests.teams.conftest import assign, import_deck, team_with, user

SKIPPED_NAMESPACES = {"admin"}
# What only alice (and her team) may read: her team's name, her draft, her name.
SECRETS = ("Alpha Squad", "TST-4", "alice")
# Who else reads alice's name or team there, by design: instructors see who made a
# blueprint ("by alice"); staff see the instructors; whoever holds an invite
# sees the team and its lead before joining (the token is the key).
MAY_READ_ALICES = {
    "authoring_blueprints": {"instructor"},
    "instructor_list": {"staff"},
    "team_join": set(BASE_PERSONAS),
}
STAFF_PERMISSIONS = ("view_user", "change_user")  # staff who manage accounts


def url_names(patterns, namespace: str = "") -> list[str]:
    """The names of every pattern under ``patterns``, namespaced as
    ``reverse`` takes them; an unnamed pattern shows as its route."""
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"unnamed {pattern.pattern}")
    return names


def missing_from_registry(patterns) -> list[str]:
    return sorted(name for name in set(url_names(patterns)) if name not in REGISTRY)


def test_every_url_pattern_has_a_persona_row():
    assert missing_from_registry(get_resolver().url_patterns) == []


def test_a_pattern_without_a_row_is_named():
    planted = [*get_resolver().url_patterns, path("planted/", lambda request: None, name="planted_page")]
    assert missing_from_registry(planted) == ["planted_page"]


def test_a_pattern_without_a_row_inside_an_include_is_named():
    from django.urls import include

    planted = [path("more/", include(([path("x/", lambda request: None, name="inner")], "planted_app")))]
    assert missing_from_registry(planted) == ["planted_app:inner"]


def test_every_row_names_a_real_pattern_and_every_persona():
    names = set(url_names(get_resolver().url_patterns))
    assert sorted(set(REGISTRY) - names) == []
    for name, case in REGISTRY.items():
        assert set(BASE_PERSONAS) <= set(case.expected), name


@pytest.fixture
def world(db, settings):
    # Every test here makes several users; full-strength PBKDF2 tests nothing of ours.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the login throttle and the dashboard's rows
    import_deck()  # TST-1 and TST-2, the house's
    alice, bob, ines, mia = user("alice"), user("bob"), user("ines"), user("mia")
    stella = User.objects.create_user("stella", "stella@example.com", "stella-password-1", is_staff=True)
    stella.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__in=STAFF_PERMISSIONS)
    )
    instructor_add(user=ines)
    instructor_add(user=alice)
    alice = User.objects.get(pk=alice.pk)  # a fresh object: no permission cache
    published = authoring.note_create(user=alice, text=samples.with_id(samples.CANONICAL, "TST-3"), publish=True)
    draft = authoring.note_create(user=alice, text=samples.with_id(samples.CANONICAL, "TST-4"), publish=False)
    assert published.ok and draft.ok
    study_queue_sync(user=alice, profile=alice.profile)
    states = list(CardState.objects.filter(user=alice, card__note__note_id="TST-1").order_by("card__position"))
    CardState.objects.filter(pk=states[1].pk).update(suspended=True)
    CardState.objects.filter(pk=states[2].pk).update(buried_until=timezone.now() + timedelta(days=1))
    question = CardState.objects.filter(user=alice, card__key__contains=":question:").first()
    # The last week before her exam, with one card studied: a cram card.
    alice.profile.exam_date = timezone.now().date() + timedelta(days=3)
    alice.profile.save(update_fields=["exam_date"])
    CardState.objects.filter(pk=states[3].pk).update(
        state=CardState.State.REVIEW, stability=5.0, difficulty=5.0, reps=1
    )
    bank_build(size=8)
    blueprint = Blueprint.objects.create(
        code="OWN-1",  # offered to every learner: no secret in its name
        name="A short mock",
        question_count=4,
        minutes=10,
        domains=[{"name": d.name, "weight": 25} for d in DOMAINS],
        created_by=alice,
    )
    submitted = exams.attempt_start(user=alice, blueprint=blueprint, kind=Attempt.Kind.MOCK, now=timezone.now())
    exams.attempt_submit(user=alice, attempt_id=submitted.pk, now=timezone.now())
    attempt = exams.attempt_start(user=alice, blueprint=blueprint, kind=Attempt.Kind.MOCK, now=timezone.now())
    draft_card = Card.objects.filter(note__note_id="TST-4").first()
    report = authoring.report_create(
        user=bob, card=Card.objects.filter(note__note_id="TST-3").first(), kind="typo", comment=""
    )
    job = authoring.upload_job_create(user=alice, entries=[Entry("a.md", samples.CANONICAL.encode())])
    team = team_with(alice, [mia], name="Alpha Squad")
    invite = teams.invite_create(team=team)
    sap = Blueprint.objects.get(code="SAP-C02")
    mock, _made = teams.mock_assignment_create(team=team, blueprint=sap, due_date=timezone.now().date())
    return {
        "users": {"owner": alice, "outsider": bob, "instructor": ines, "staff": stella, "member": mia},
        "objects": {
            "state": states[0].pk,
            "suspended_state": states[1].pk,
            "buried_state": states[2].pk,
            "question_state": question.pk,
            "draft_card": draft_card.pk,
            "blueprint": blueprint.pk,
            "attempt": attempt.pk,
            "submitted_attempt": submitted.pk,
            "cram_card": states[3].card_id,
            "tst3_text": samples.with_id(samples.CANONICAL, "TST-3"),
            "report": report.pk,
            "job": job.pk,
            "ines": ines.pk,
            "uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
            "token": default_token_generator.make_token(alice),
            "team": team.pk,
            "invite": invite.pk,
            "invite_token": invite.token,
            "assignment": assign(team).pk,
            "mock": mock.pk,
            "sap": sap.pk,
            "membership": Membership.objects.get(team=team, user=mia).pk,
            "exam_date": (timezone.now().date() + timedelta(days=30)).isoformat(),
        },
    }


def _filled(world, values):
    objects = world["objects"]
    return [objects.get(value, value) if isinstance(value, str) else value for value in values]


def _request(world, persona: str, name: str, method: str):
    case = REGISTRY[name]
    client = Client()
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    address = reverse(name, args=_filled(world, case.args)) + case.query
    data = dict(zip(case.data, _filled(world, case.data.values()), strict=True))
    return getattr(client, method)(address, data) if method == "post" else getattr(client, method)(address)


def _status(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_url_answers_each_persona_as_its_row_says(world, name):
    """Each persona in its own session, the owner last (an owner's write may
    end what the others would have seen); nobody but alice and her team reads
    her team's name, her draft or her name."""
    case = REGISTRY[name]
    answers, leaks = {}, {}
    for persona in case.personas:
        response = _request(world, persona, name, case.method)
        answers[persona] = _status(response)
        if persona not in {"owner", "member", *MAY_READ_ALICES.get(name, ())}:
            # A secret the address itself names (a 404 page or the login's
            # ``next`` repeats the address) tells nobody anything new.
            address = response.request["PATH_INFO"]
            body = response.content.decode(errors="replace") + response.get("Location", "")
            leaks[persona] = [secret for secret in SECRETS if secret in body and secret not in address]
    assert answers == {persona: case.expected[persona] for persona in case.personas}, f"{name}: {answers}"
    assert not any(leaks.values()), f"{name}: {leaks}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_url_refuses_a_wrong_method_with_405(world, name):
    case = REGISTRY[name]
    answers = {persona: _status(_request(world, persona, name, case.wrong)) for persona in case.personas}
    assert answers == {persona: case.wrong_expected.get(persona, 405) for persona in case.personas}, (
        f"{name}: {answers}"
    )
