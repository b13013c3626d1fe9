"""Builders for the team tests: a deck of two notes (22 cards, two exam
domains, tags S3/Replication/KMS), teams with a lead and members, and
members' card states and answers with known values."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User

from studyapp.notes.models import Card
from studyapp.notes.services import NoteReport, note_import
from studyapp.study.models import CardState, ReviewLog
from studyapp.teams import services
from studyapp.teams.models import Assignment, Membership, Team
from tests import samples

OTHER_DOMAIN = "Continuous Improvement for Existing Solutions"
NEW = CardState.State.NEW
REVIEW = CardState.State.REVIEW


@pytest.fixture(autouse=True)
def no_cached_rows():
    # The dashboard caches its rows (per process) under the ids of what they
    # show; test databases reuse ids.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every test here makes several users; full-strength PBKDF2 tests nothing of ours.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def import_deck() -> list[Card]:
    for text in (
        samples.CANONICAL,
        samples.with_id(samples.CANONICAL, "TST-2").replace(
            'domain: "Design for New Solutions"', 'domain: "Continuous Improvement"'
        ),
    ):
        report = note_import(raw=text.encode(), report=NoteReport(path="x.md"))
        assert report.status == "created", report.errors
    return list(Card.objects.order_by("note__note_id", "position"))


@pytest.fixture
def deck(db) -> list[Card]:
    return import_deck()


def user(name: str) -> User:
    return User.objects.create_user(name, f"{name}@example.com", f"{name}-password-1")


def team_with(lead: User, members: list[User], *, name: str = "SAP cohort", share: tuple = ()) -> Team:
    team = services.team_create(user=lead, name=name)
    invite = services.invite_create(team=team)
    for member in members:
        services.team_join(user=member, invite=invite, share_details=member.username in share)
    return team


def assign(team: Team, *, kind: str = "tag", value: str = "S3", days: int = 20, today=None) -> Assignment:
    from django.utils import timezone

    today = today or timezone.now().date()
    return services.assignment_create(team=team, kind=kind, value=value, exam_date=today + timedelta(days=days))


def membership(team: Team, member: User) -> Membership:
    return Membership.objects.get(team=team, user=member)


@dataclass(frozen=True)
class Studied:
    """A card state in review, last reviewed ``days_ago`` before ``now``."""

    card: Card
    stability: float
    days_ago: float


def study(member: User, now: datetime, studied: list[Studied], *, new: list[Card] = ()) -> list[CardState]:
    states = []
    for item in studied:
        states.append(
            CardState.objects.create(
                user=member,
                card=item.card,
                state=REVIEW,
                stability=item.stability,
                difficulty=5.0,
                due=now + timedelta(days=item.stability),
                last_review=now - timedelta(days=item.days_ago),
                reps=1,
            )
        )
    for card in new:
        states.append(CardState.objects.create(user=member, card=card))
    return states


def answer(member: User, card: Card, *, day, at: datetime, previous=REVIEW, chosen=None, score=None) -> ReviewLog:
    return ReviewLog.objects.create(
        user=member,
        card=card,
        rating=3 if not chosen else (3 if score == 1 else 1),
        reviewed_at=at,
        study_day=day,
        previous_state=previous,
        elapsed_days=None if previous == NEW else 3.0,
        chosen=chosen,
        score=score,
    )
