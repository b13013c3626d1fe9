"""The difference attack on the team's aggregates (issue 14, finding 5): a
member who shares nothing reads the team's figures on their own page while 4
members share details, and again after one of them stops sharing, or leaves
(4 -> 3). Then 4 x before - 3 x after is that member's own figure, exactly,
unless the figures carry noise (aggregates.py, docs/teams.md "Aggregates
that do not reveal one member").

The attack is run on many assignments (each is another draw of the noise,
as another team or another time would be) and the estimates' errors, over
mean coverage and mean recall per exam domain, must leave the member's
figure no better known than +-10 points: an RMS error of at least 10 points,
and few estimates within 1 point of the truth. These figures are not
timings: they depend only on the data and the draws."""

import math

import pytest
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.teams import services
from studyapp.teams.models import Invite, MemberSnapshot
from tests.teams.conftest import Studied, assign, membership, study, team_with, user

pytestmark = pytest.mark.django_db

TRIALS = 40
SHARERS = ("s1", "s2", "s3", "vic")


@pytest.fixture
def world(deck):
    cards = list(Card.objects.order_by("note__note_id", "position"))
    lead, eve = user("lena"), user("eve")
    sharers = [user(name) for name in SHARERS]
    team = team_with(lead, [eve, *sharers], share=SHARERS)
    now = timezone.now()
    # Different cards and memories each, so that every figure differs by member.
    for i, member in enumerate(sharers):
        chosen = cards[i : i + 8] + cards[11 + i : 11 + i + 4 + 2 * i]
        study(member, now, [Studied(card, 2.0 + i, 1.0 + (n % 3)) for n, card in enumerate(chosen)])
    return team, eve, sharers[-1]


def seen_by_eve(team, assignment) -> dict[str, float]:
    """What eve's page shows of the team (at full precision: a stronger
    attacker than one reading rounded percentages)."""
    figures = services.figures_refresh_if_stale(team=team, assignment=assignment)
    assert figures.aggregate is not None, "the team's figures are not shown"
    shown = {"coverage": figures.mean_coverage}
    shown |= {f"domain {name}": recall for name, recall, _n in figures.aggregate["domains"]}
    return shown


def victims_own(assignment, victim) -> dict[str, float]:
    snapshot = MemberSnapshot.objects.get(assignment=assignment, user=victim)
    own = {"coverage": snapshot.seen / snapshot.assigned}
    own |= {f"domain {name}": recall for name, recall in snapshot.inputs["domains"].items()}
    return own


def attack(world, *, by: str) -> list[float]:
    team, _eve, victim = world
    errors = []
    for trial in range(TRIALS):
        assignment = assign(team, value="S3", days=10 + trial)
        before = seen_by_eve(team, assignment)
        truth = victims_own(assignment, victim)
        if by == "stop sharing":
            services.sharing_set(membership=membership(team, victim), share_details=False)
        else:
            services.membership_leave(membership=membership(team, victim))
        after = seen_by_eve(team, assignment)
        for name, value in truth.items():
            estimate = 4 * before[name] - 3 * after[name]
            errors.append(100 * (estimate - value))
        # Back as before, for the next draw.
        if by == "stop sharing":
            services.sharing_set(membership=membership(team, victim), share_details=True)
        else:
            invite = Invite.objects.filter(team=team).first()
            services.team_join(user=victim, invite=invite, share_details=True)
    return errors


@pytest.mark.parametrize("by", ["stop sharing", "leaving"])
def test_before_and_after_do_not_reveal_the_one_who_left(world, by):
    errors = attack(world, by=by)
    rms = math.sqrt(sum(e * e for e in errors) / len(errors))
    within_a_point = sum(1 for e in errors if abs(e) <= 1) / len(errors)
    assert rms >= 10, f"the attack recovers the member's figures to within {rms:.1f} points (RMS)"
    assert within_a_point <= 0.2, f"{within_a_point:.0%} of the estimates are within 1 point"
