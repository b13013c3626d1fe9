"""Throttles for logins and signups, keyed by client address and by username."""

from django.conf import settings
from django.utils.crypto import salted_hmac

from studyapp.accounts.models import TokenBucket


def client_ip(request) -> str:
    if getattr(settings, "BEHIND_PROXY", False):
        # The client may send its own X-Forwarded-For; only the last entry, the
        # one our proxy appended, is an address we can trust.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, raw: str) -> str:
    # Hashed with the secret key: the table must not list who tried to log in.
    digest = salted_hmac("studyapp.accounts.ratelimit", raw, algorithm="sha256").hexdigest()
    return f"{kind}:{digest}"


def _authorize(kind: str, raw: str, rate: tuple[int, int]) -> bool:
    capacity, seconds_per_token = rate
    return TokenBucket.authorize(_key(kind, raw), capacity, 1 / seconds_per_token)


def login_attempt_authorize(*, request, username: str) -> bool:
    """Spend one login attempt for this address and this username.

    Called before the password is checked, so a throttled attempt learns nothing.
    """
    if not _authorize("login-ip", client_ip(request), settings.LOGIN_THROTTLE_PER_IP):
        return False
    return _authorize("login-user", username.strip().lower(), settings.LOGIN_THROTTLE_PER_USERNAME)


def signup_attempt_authorize(*, request) -> bool:
    return _authorize("signup-ip", client_ip(request), settings.SIGNUP_THROTTLE_PER_IP)
