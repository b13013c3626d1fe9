"""The login throttle: a stranger's guesses never lock the owner out, and every
login form (ours and the admin's) is throttled the same way."""

import threading
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from studyapp.accounts.models import TokenBucket

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"
ADMIN_URL = "/admin/login/"
OWNER_IP = "198.51.100.20"
STRANGER_IP = "203.0.113.9"


def _attempt(client, username, password, ip, url=URL):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _pass_time(seconds):
    """Move every bucket back in time, as if ``seconds`` had passed."""
    shift = timedelta(seconds=seconds)
    TokenBucket.objects.update(updated=F("updated") - shift, full_at=F("full_at") - shift)


def test_a_stranger_s_wrong_passwords_do_not_lock_the_owner_out(client, alice, logged_in_as):
    stranger = Client()
    for n in range(40):
        _attempt(stranger, "alice", f"guess-{n}", ip=STRANGER_IP)
    response = _attempt(client, "alice", "alice-password-1", ip=OWNER_IP)
    assert response.status_code == 302
    assert logged_in_as(client) == alice.id


def test_one_guess_a_minute_does_not_keep_the_owner_out(client, alice, logged_in_as):
    stranger = Client()
    for n in range(30):
        _attempt(stranger, "alice", f"guess-{n}", ip=STRANGER_IP)
        _pass_time(61)
    assert _attempt(client, "alice", "alice-password-1", ip=OWNER_IP).status_code == 302
    assert logged_in_as(client) == alice.id


def test_the_stranger_is_throttled_after_five_wrong_passwords(client, alice):
    answers = [_attempt(client, "alice", f"guess-{n}", ip=STRANGER_IP).status_code for n in range(40)]
    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}


def test_the_stranger_s_right_guess_is_not_confirmed_once_throttled(client, alice, logged_in_as):
    for n in range(5):
        _attempt(client, "alice", f"guess-{n}", ip=STRANGER_IP)
    assert _attempt(client, "alice", "alice-password-1", ip=STRANGER_IP).status_code == 429
    assert logged_in_as(client) is None


def test_successful_logins_do_not_spend_the_budget(client, alice, settings):
    settings.LOGIN_THROTTLE_PER_IP = (3, 30)
    for _ in range(10):
        assert _attempt(client, "alice", "alice-password-1", ip=OWNER_IP).status_code == 302
        client.logout()
    answers = [_attempt(client, "nobody", "guess", ip=OWNER_IP).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_success_resets_the_failures_of_that_username_and_address(client, alice):
    for n in range(4):
        _attempt(client, "alice", f"typo-{n}", ip=OWNER_IP)
    assert _attempt(client, "alice", "alice-password-1", ip=OWNER_IP).status_code == 302
    client.logout()
    answers = [_attempt(client, "alice", f"typo-{n}", ip=OWNER_IP).status_code for n in range(6)]
    assert answers == [200] * 5 + [429]


def test_logging_into_one_s_own_account_does_not_reset_the_address(client, alice, bob, settings):
    # An attacker with an account of their own cannot wash their address clean
    # by logging into it between guesses.
    settings.LOGIN_THROTTLE_PER_IP = (3, 30)
    _attempt(client, "alice", "guess-1", ip=STRANGER_IP)
    _attempt(client, "alice", "guess-2", ip=STRANGER_IP)
    assert _attempt(client, "bob", "bob-password-1", ip=STRANGER_IP).status_code == 302
    client.logout()
    assert _attempt(client, "alice", "guess-3", ip=STRANGER_IP).status_code == 200
    assert _attempt(client, "alice", "guess-4", ip=STRANGER_IP).status_code == 429


class TestTheBrakeOnDistributedGuessing:
    """Twenty wrong passwords for one username, from anywhere, put on a brake:
    an address that has failed for that username is then refused before its
    password is checked; an address with no failures still gets its password
    checked, so the owner logs in and a botnet gets one guess per address."""

    @pytest.fixture
    def braked(self, alice, settings):
        settings.LOGIN_BRAKE_PER_USERNAME = (20, 600)
        answers = [_attempt(Client(), "alice", f"guess-{n}", ip=f"10.0.{n}.1").status_code for n in range(20)]
        assert answers == [200] * 20  # one guess from each address: no address is throttled

    def test_an_address_that_guessed_is_held(self, braked, client):
        assert _attempt(client, "alice", "another-guess", ip="10.0.3.1").status_code == 429

    def test_even_its_right_password_is_not_confirmed(self, braked, client, logged_in_as):
        assert _attempt(client, "alice", "alice-password-1", ip="10.0.3.1").status_code == 429
        assert logged_in_as(client) is None

    def test_a_new_address_gets_one_guess(self, braked, client):
        assert _attempt(client, "alice", "guess-a", ip="10.1.0.1").status_code == 200
        assert _attempt(client, "alice", "guess-b", ip="10.1.0.1").status_code == 429

    def test_the_owner_logs_in_from_their_own_address(self, braked, client, alice, logged_in_as):
        assert _attempt(client, "alice", "alice-password-1", ip=OWNER_IP).status_code == 302
        assert logged_in_as(client) == alice.id

    def test_other_usernames_are_not_braked(self, braked, client, bob):
        for n in range(2):
            assert _attempt(client, "bob", f"typo-{n}", ip="10.0.3.1").status_code == 200
        assert _attempt(client, "bob", "bob-password-1", ip="10.0.3.1").status_code == 302


class TestTheAdminLogin:
    def test_forty_wrong_passwords_are_not_all_answered(self, client, staff_member):
        answers = [_attempt(client, "stella", f"guess-{n}", ip=STRANGER_IP, url=ADMIN_URL) for n in range(40)]
        assert [a.status_code for a in answers[:5]] == [200] * 5
        assert {a.status_code for a in answers[5:]} == {429}
        assert "Too many login attempts" in answers[-1].content.decode()

    def test_the_right_password_is_then_refused_from_that_address(self, client, staff_member, logged_in_as):
        for n in range(5):
            _attempt(client, "stella", f"guess-{n}", ip=STRANGER_IP, url=ADMIN_URL)
        assert _attempt(client, "stella", "stella-password-1", ip=STRANGER_IP, url=ADMIN_URL).status_code == 429
        assert logged_in_as(client) is None

    def test_the_staff_member_still_logs_in_from_their_own_address(self, client, staff_member, logged_in_as):
        stranger = Client()
        for n in range(40):
            _attempt(stranger, "stella", f"guess-{n}", ip=STRANGER_IP, url=ADMIN_URL)
        response = _attempt(client, "stella", "stella-password-1", ip=OWNER_IP, url=ADMIN_URL)
        assert response.status_code == 302
        assert logged_in_as(client) == staff_member.id

    def test_it_shares_the_budget_with_the_learners_login(self, client, staff_member):
        for n in range(5):
            _attempt(client, "stella", f"guess-{n}", ip=STRANGER_IP)
        assert _attempt(client, "stella", "guess-6", ip=STRANGER_IP, url=ADMIN_URL).status_code == 429


def test_a_throttled_answer_says_when_to_come_back(client, alice):
    for n in range(5):
        _attempt(client, "alice", f"guess-{n}", ip=STRANGER_IP)
    response = _attempt(client, "alice", "guess-6", ip=STRANGER_IP)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_the_table_of_buckets_stays_bounded(client, db):
    # A spray of usernames from many addresses leaves rows behind; once they
    # have refilled they say nothing a missing row would not, and are pruned.
    for n in range(30):
        _attempt(client, f"user-{n}", "guess", ip=f"10.2.{n}.1")
    assert TokenBucket.objects.count() == 90
    _pass_time(86_400)
    _attempt(client, "user-x", "guess", ip="10.3.0.1")
    assert TokenBucket.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_cannot_overspend():
    # Twenty guesses at once from one address for one username: the decision and
    # the reservation share one locked transaction, so exactly five get through,
    # however the threads interleave.
    from django.db import connection
    from django.test import RequestFactory

    from studyapp.accounts.ratelimit import LoginAttempt, login_attempt_begin

    if connection.vendor == "sqlite":
        # The in-memory test database shares one cache between threads and answers
        # "table is locked" instead of waiting; production SQLite (a file, WAL,
        # IMMEDIATE transactions) serialises writers. The race runs on PostgreSQL.
        pytest.skip("threads need a server database (the PostgreSQL run covers this)")

    barrier = threading.Barrier(20)
    results = []

    def guess():
        request = RequestFactory().post(URL, REMOTE_ADDR=STRANGER_IP)
        try:
            barrier.wait(timeout=60)
            results.append(login_attempt_begin(request=request, username="alice"))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 20
    assert sum(isinstance(result, LoginAttempt) for result in results) == 5
