"""IPv6 guessers are throttled per /64: a customer's whole /64 is one client,
so walking its addresses buys no new guesses."""

import pytest

from studyapp.accounts.ratelimit import throttled_address

from .test_login_throttle import _attempt

pytestmark = pytest.mark.django_db


def test_a_guesser_walking_its_64_is_throttled_like_one_address(client, alice):
    answers = [_attempt(client, "alice", f"guess-{n}", ip=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 20)]
    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}


def test_the_neighbouring_64_is_a_client_of_its_own(client, alice, logged_in_as):
    for n in range(1, 20):
        _attempt(client, "alice", f"guess-{n}", ip=f"2001:db8:1:2::{n:x}")
    assert _attempt(client, "alice", "alice-password-1", ip="2001:db8:1:3::1").status_code == 302
    assert logged_in_as(client) == alice.id


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("not an address", "not an address"),
        ("", ""),
    ],
)
def test_the_bucket_an_address_falls_in(address, bucket):
    assert throttled_address(address) == bucket
