from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from studyapp.accounts.ratelimit import LoginRefusal, login_attempt_begin, login_attempt_succeeded
from studyapp.accounts.sql import user_with_profile


class ProfileBackend(ModelBackend):
    """Django's backend, throttled, and the per-request user comes with its profile.

    Every password check from a request goes through the login throttle here,
    whichever form asked (ours, the admin's): see ``studyapp.accounts.ratelimit``.
    Nearly every page reads the learner's language, time zone or limits; joining
    the profile in ``get_user`` saves a second query on every request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Not a login from the network (a shell, a test client's login()):
            # there is no address to throttle.
            return super().authenticate(request, username, password, **kwargs)
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = login_attempt_begin(request=request, username=username)
        if isinstance(attempt, LoginRefusal):
            # Read by the login views and LoginThrottleMiddleware to answer 429.
            request.login_refusal = attempt
            # Stops authenticate() at once: no other backend checks the password.
            raise PermissionDenied("login throttled")
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            login_attempt_succeeded(attempt=attempt)
        return user

    def get_user(self, user_id):
        # select_related("profile").get(pk=...), as one hand-written statement:
        # every request of a learner runs it (studyapp/sql.py says why).
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = user_with_profile(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
