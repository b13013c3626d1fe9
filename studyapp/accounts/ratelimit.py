"""Throttles for logins, signups and password resets, keyed by client address,
username and e-mail address (hashed), in token buckets in the database.

Logins (see docs/accounts.md): a login attempt reserves a token from three
buckets before the password is checked, and a correct password gives them back,
so only wrong passwords spend the budget:

- per address: a network that keeps failing, whatever the usernames;
- per (username, address): one place guessing one account; a correct password
  from there empties its failures;
- per username, from anywhere: the brake on distributed guessing. While it is
  on, an address that has failed for that username is refused before its
  password is checked, and an address with no failures is still let through:
  the owner logs in, a botnet gets one guess per address.
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from studyapp.accounts.models import Rate, TokenBucket


def client_ip(request) -> str:
    """The client's address as a throttle sees it: IPv4 as it is, IPv6 as its
    /64 network (see ``throttled_address``)."""
    if getattr(settings, "BEHIND_PROXY", False):
        # The client may send its own X-Forwarded-For; only the last entry, the
        # one our proxy appended, is an address we can trust.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return throttled_address(hops[-1])
    return throttled_address(request.META.get("REMOTE_ADDR", ""))


def throttled_address(address: str) -> str:
    """One bucket per IPv6 /64: a single customer of a provider is routinely
    given a whole /64, so keying its 2^64 addresses one by one would give a
    guesser 2^64 buckets. An IPv4-mapped IPv6 address is its IPv4 address.
    Anything unparsable is kept as it is (still one bucket per string)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(kind: str, *parts: str) -> str:
    # Hashed with the secret key: the table must not list who tried to log in.
    # The parts are joined by NUL, which neither an address nor a form value holds.
    raw = "\0".join(parts)
    digest = salted_hmac("studyapp.accounts.ratelimit", raw, algorithm="sha256").hexdigest()
    return f"{kind}:{digest}"


def _authorize(kind: str, raw: str, rate: tuple[int, int]) -> bool:
    capacity, seconds_per_token = rate
    return TokenBucket.authorize(_key(kind, raw), capacity, 1 / seconds_per_token)


def _username(username: str) -> str:
    return username.strip().casefold()


@dataclass(frozen=True)
class LoginAttempt:
    """What a login attempt reserved; given back if the password is right."""

    pair_key: str
    # The buckets to give a token back to: the address's, and the brake's when
    # the attempt took one.
    refund: tuple[tuple[str, Rate], ...]


@dataclass(frozen=True)
class LoginRefusal:
    retry_after: int  # seconds until this address may try this username again


def _login_rates(request, username: str) -> tuple[dict[str, Rate], tuple[str, str, str]]:
    address, name = client_ip(request), _username(username)
    keys = (_key("login-ip", address), _key("login-pair", name, address), _key("login-user", name))
    rates = (
        Rate.of(settings.LOGIN_THROTTLE_PER_IP),
        Rate.of(settings.LOGIN_THROTTLE_PER_USERNAME_AND_IP),
        Rate.of(settings.LOGIN_BRAKE_PER_USERNAME),
    )
    return dict(zip(keys, rates, strict=True)), keys


def login_attempt_begin(*, request, username: str) -> LoginAttempt | LoginRefusal:
    """Reserve one wrong password's worth of budget, or refuse the attempt.

    Called before the password is checked, so a refused guess learns nothing.
    The decision and the reservation happen under row locks in one transaction:
    parallel attempts cannot overspend.
    """
    TokenBucket.prune()
    rates, (address_key, pair_key, username_key) = _login_rates(request, username)
    with transaction.atomic():
        now = timezone.now()
        buckets = TokenBucket.locked(rates, now)
        address, pair, brake = buckets[address_key], buckets[pair_key], buckets[username_key]
        address_rate, pair_rate, brake_rate = rates[address_key], rates[pair_key], rates[username_key]
        address_level, pair_level, brake_level = (
            address.level(address_rate, now),
            pair.level(pair_rate, now),
            brake.level(brake_rate, now),
        )
        if address_level < 1:
            return LoginRefusal(_seconds(address.seconds_until(1, address_rate, now)))
        if pair_level < 1:
            return LoginRefusal(_seconds(pair.seconds_until(1, pair_rate, now)))
        braked = brake_level < 1
        if braked and pair_level < pair_rate.capacity:
            # This address has failed for this username lately: while the brake
            # is on it waits until its failures have refilled or the brake eases.
            wait = min(pair.seconds_until(pair_rate.capacity, pair_rate, now), brake.seconds_until(1, brake_rate, now))
            return LoginRefusal(_seconds(wait))
        address.set_level(address_level - 1, address_rate, now)
        pair.set_level(pair_level - 1, pair_rate, now)
        changed, refund = [address, pair], [(address_key, address_rate)]
        if not braked:
            brake.set_level(brake_level - 1, brake_rate, now)
            changed.append(brake)
            refund.append((username_key, brake_rate))
        TokenBucket.save_levels(changed)
    return LoginAttempt(pair_key=pair_key, refund=tuple(refund))


def login_attempt_succeeded(*, attempt: LoginAttempt) -> None:
    """A right password: give back what the attempt took, and forget the
    failures of this username from this address (not those of the address as a
    whole, which an attacker could otherwise wash by logging into an account of
    their own)."""
    refund = dict(attempt.refund)
    with transaction.atomic():
        now = timezone.now()
        buckets = TokenBucket.locked(refund, now)
        for value, rate in refund.items():
            bucket = buckets[value]
            bucket.set_level(bucket.level(rate, now) + 1, rate, now)
        TokenBucket.save_levels(list(buckets.values()))
        TokenBucket.objects.filter(value=attempt.pair_key).delete()


def _seconds(value: float) -> int:
    return max(1, int(value + 0.999))


def signup_attempt_authorize(*, request) -> bool:
    return _authorize("signup-ip", client_ip(request), settings.SIGNUP_THROTTLE_PER_IP)


def password_reset_authorize_address(*, request) -> bool:
    return _authorize("reset-ip", client_ip(request), settings.PASSWORD_RESET_THROTTLE_PER_IP)


def password_reset_authorize_email(*, email: str) -> bool:
    return _authorize("reset-email", email.strip().casefold(), settings.PASSWORD_RESET_THROTTLE_PER_EMAIL)


def editor_check_authorize(*, user, size: int) -> int:
    """Spend the editor's check and preview of ``size`` bytes from the
    author's bucket: 0 when allowed, else the seconds until it would be.

    A check costs one token per started EDITOR_CHECK_BYTES_PER_TOKEN, so
    that the budget bounds the work (rendering is linear in the text), not
    only the number of requests. A refused check spends nothing."""
    cost = max(1, -(-size // settings.EDITOR_CHECK_BYTES_PER_TOKEN))
    rate = Rate.of(settings.EDITOR_CHECK_THROTTLE_PER_USER)
    # A check larger than the whole bucket waits for a full one, then empties it.
    cost = min(cost, rate.capacity)
    value = _key("editor-check", str(user.pk))
    TokenBucket.prune()
    with transaction.atomic():
        now = timezone.now()
        bucket = TokenBucket.locked({value: rate}, now)[value]
        level = bucket.level(rate, now)
        if level < cost:
            return _seconds(bucket.seconds_until(cost, rate, now))
        bucket.set_level(level - cost, rate, now)
        TokenBucket.save_levels([bucket])
    return 0
