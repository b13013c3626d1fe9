"""The readiness bands (docs/teams.md): on track at or above the target, at
risk within AT_RISK_MARGIN below it, behind further below; and the one call
to the study app's readiness, over every assigned card."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.study.stats import card_rows
from studyapp.teams.models import Band
from studyapp.teams.readiness import AT_RISK_MARGIN, band_for, forecast_recall, member_readiness
from tests.teams.conftest import Studied, study, user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("recall", "band"),
    [
        (0.95, Band.ON_TRACK),
        (0.9, Band.ON_TRACK),
        (0.8999999999999999, Band.ON_TRACK),  # the target, computed
        (0.89, Band.AT_RISK),
        (0.8, Band.AT_RISK),
        (0.7999, Band.BEHIND),
        (0.0, Band.BEHIND),
    ],
)
def test_bands_by_predicted_recall_against_the_target(recall, band):
    assert AT_RISK_MARGIN == 0.10
    assert band_for(recall=recall, target=0.9, days_left=10, cards=20) == band


def test_no_cards_and_a_past_exam_have_bands_of_their_own():
    assert band_for(recall=None, target=0.9, days_left=3, cards=0) == Band.NO_CARDS
    assert band_for(recall=None, target=0.9, days_left=-1, cards=20) == Band.PASSED


def test_readiness_counts_assigned_cards_without_a_state_as_never_studied(deck):
    member = user("mika")
    now = timezone.now()
    cards = list(Card.objects.order_by("pk"))
    study(member, now, [Studied(c, 36_500, 1) for c in cards[:10]])
    exam = (now - timedelta(hours=4)).date() + timedelta(days=10)
    rows = card_rows(user=member)
    readiness = member_readiness(rows=rows, profile=member.profile, exam_date=exam, assigned=22, now=now)
    # Fractional days from the last review to the exam's start (09:00 by default).
    days = (datetime.combine(exam, time(9), tzinfo=UTC) - (now - timedelta(days=1))).total_seconds() / 86400
    expected = 10 * (1 + (0.9 ** (1 / -0.1542) - 1) * days / 36_500) ** -0.1542 / 22
    assert readiness.recall == pytest.approx(expected)
    assert (readiness.cards, readiness.at_target, readiness.target) == (22, 10, 0.9)
    assert member.profile.exam_date is None  # the member's own profile is left alone


def test_the_readiness_follows_the_members_target(deck):
    member = user("mika")
    member.profile.desired_retention = 0.95
    now = timezone.now()
    readiness = member_readiness(
        rows=[], profile=member.profile, exam_date=now.date() + timedelta(days=5), assigned=22, now=now
    )
    assert (readiness.target, readiness.recall) == (0.95, 0.0)


def test_the_forecast_credits_an_active_members_pace_only():
    from studyapp.teams.readiness import MemberReadiness

    readiness = MemberReadiness(cards=20, target=0.9, days_left=10, recall=0.4)
    assert forecast_recall(readiness, seen=10, new_per_day=1.0, active=True) == pytest.approx(0.9)
    assert forecast_recall(readiness, seen=10, new_per_day=0.5, active=True) == pytest.approx(0.9 * 15 / 20)
    assert forecast_recall(readiness, seen=10, new_per_day=1.0, active=False) == 0.4
