"""Team actions that race one another on two real connections (PostgreSQL):
a lead transfer against the new lead's leave or another transfer, a join
against the team's close or the invite's revocation. Each race is driven in
both orders: the first action is held just before its first write while the
second runs until it finishes or waits for a lock (read from pg_locks, not
guessed with sleeps); then the first goes on. Whatever the order, each
action succeeds or is refused with a TeamError (409 from the views), and the
team keeps exactly one lead."""

import os
import threading
import time

import pytest
from django.db import connection, connections

from studyapp.teams import services
from studyapp.teams.models import Invite, Membership, Team
from tests.teams.conftest import membership, team_with, user

pytestmark = pytest.mark.django_db(transaction=True)

WRITES = ("INSERT", "UPDATE", "DELETE")
# A safety net for a broken test, not a measure of speed: the steps are
# ordered by events and by PostgreSQL's own lock table.
STUCK = 60


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.fail("CI=true on PostgreSQL: the team race tests must run")
        pytest.skip("SQLite serialises writing transactions (BEGIN IMMEDIATE): these races cannot happen there")


class Outcome:
    def __init__(self):
        self.value = None
        self.error = None
        self.done = threading.Event()


def _run(action, outcome: Outcome, wrapper=None):
    try:
        if wrapper is None:
            outcome.value = action()
        else:
            with connections["default"].execute_wrapper(wrapper):
                outcome.value = action()
    except services.TeamError as error:
        outcome.error = error
    except Exception as error:  # noqa: BLE001 - anything else is what the test looks for
        outcome.error = error
    finally:
        outcome.done.set()
        connections.close_all()


def _someone_waits_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


def race(first, second) -> tuple[Outcome, Outcome, bool]:
    """Hold ``first`` before its first write; run ``second`` until it
    finishes or waits for a lock; let ``first`` go on. Returns both outcomes
    and whether ``second`` had finished while ``first`` was held."""
    held, go = threading.Event(), threading.Event()
    a, b = Outcome(), Outcome()

    def hold_before_first_write(execute, sql, params, many, context):
        if not held.is_set() and sql.lstrip().upper().startswith(WRITES):
            held.set()
            assert go.wait(timeout=STUCK)
        return execute(sql, params, many, context)

    thread_a = threading.Thread(target=_run, args=(first, a, hold_before_first_write))
    thread_a.start()
    try:
        assert held.wait(timeout=STUCK) or a.done.is_set(), "the first action never wrote"
        thread_b = threading.Thread(target=_run, args=(second, b))
        thread_b.start()
        deadline = time.monotonic() + STUCK
        while not b.done.is_set() and not _someone_waits_for_a_lock():
            assert time.monotonic() < deadline, "the second action neither finished nor waited"
            time.sleep(0.01)
        second_done_while_held = b.done.is_set()
    finally:
        go.set()
        thread_a.join(timeout=STUCK)
    thread_b.join(timeout=STUCK)
    return a, b, second_done_while_held


def refused_or_done(outcome: Outcome) -> bool:
    return outcome.error is None or isinstance(outcome.error, services.TeamError)


def leads(team_id: int) -> list[int]:
    return list(Membership.objects.filter(team_id=team_id, role="lead").values_list("user_id", flat=True))


@pytest.fixture
def cohort(db):
    lead, bob, carol = user("lena"), user("bob"), user("carol")
    team = team_with(lead, [bob, carol])
    return team, lead, bob, carol


@pytest.mark.parametrize("transfer_first", [True, False])
def test_a_transfer_racing_the_new_leads_leave_keeps_one_lead(cohort, transfer_first):
    team, lead, bob, _carol = cohort
    bob_membership = membership(team, bob)  # read by bob's request before the transfer

    def transfer():
        return services.lead_transfer(team=Team.objects.get(pk=team.pk), to_membership_id=bob_membership.pk, by=lead)

    def leave():
        return services.membership_leave(membership=bob_membership)

    a, b, _ = race(transfer, leave) if transfer_first else race(leave, transfer)
    assert refused_or_done(a) and refused_or_done(b), (a.error, b.error)
    assert len(leads(team.pk)) == 1
    still_in = Membership.objects.filter(team=team, user=bob).exists()
    transfer_outcome = a if transfer_first else b
    if transfer_outcome.error is None:  # bob leads: he could not have left
        assert leads(team.pk) == [bob.pk] and still_in
    else:
        assert leads(team.pk) == [lead.pk]


@pytest.mark.parametrize("direction", ["bob_first", "carol_first"])
def test_two_transfers_by_the_same_lead_one_wins(cohort, direction):
    team, lead, bob, carol = cohort
    to_bob, to_carol = membership(team, bob).pk, membership(team, carol).pk

    def transfer_to(pk):
        return lambda: services.lead_transfer(team=Team.objects.get(pk=team.pk), to_membership_id=pk, by=lead)

    first, second = (to_bob, to_carol) if direction == "bob_first" else (to_carol, to_bob)
    a, b, _ = race(transfer_to(first), transfer_to(second))
    assert refused_or_done(a) and refused_or_done(b), (a.error, b.error)
    # The lead handed the team over once: the second transfer, by someone who
    # no longer leads, is refused.
    assert [a.error is None, b.error is None].count(True) == 1
    assert len(leads(team.pk)) == 1
    assert Membership.objects.get(team=team, user=lead).role == "member"


@pytest.mark.parametrize("close_first", [True, False])
def test_a_join_racing_the_close_either_joins_before_or_finds_it_closed(cohort, close_first):
    team, lead, _bob, _carol = cohort
    dave = user("dave")
    invite = services.invite_create(team=team)

    def close():
        return services.team_close(team=Team.objects.get(pk=team.pk), by=lead)

    def join():
        return services.team_join(user=dave, invite=Invite.objects.get(pk=invite.pk))

    a, b, _ = race(close, join) if close_first else race(join, close)
    assert refused_or_done(a) and refused_or_done(b), (a.error, b.error)
    assert not Team.objects.filter(pk=team.pk).exists()
    assert not Membership.objects.filter(team_id=team.pk).exists()
    assert not Membership.objects.filter(user=dave).exists()


@pytest.mark.parametrize("revoke_first", [True, False])
def test_nobody_joins_through_an_invite_after_its_revocation(cohort, revoke_first):
    team, lead, _bob, _carol = cohort
    dave = user("dave")
    invite = services.invite_create(team=team)

    def revoke():
        return services.invite_revoke(team=Team.objects.get(pk=team.pk), invite_id=invite.pk)

    def join():
        return services.team_join(user=dave, invite=Invite.objects.get(pk=invite.pk))

    if revoke_first:
        a, b, _ = race(revoke, join)
        revoked, joined = a, b
    else:
        a, b, revoke_done_while_join_held = race(join, revoke)
        joined, revoked = a, b
        # The join had checked the invite; had the revocation finished before
        # the join wrote, the lead would have been told "nobody can join" and
        # dave would still have got in.
        if joined.error is None:
            assert not revoke_done_while_join_held
    assert refused_or_done(joined) and revoked.error is None, (joined.error, revoked.error)
    assert Invite.objects.get(pk=invite.pk).revoked_at is not None
    assert Membership.objects.filter(user=dave).exists() == (joined.error is None)
