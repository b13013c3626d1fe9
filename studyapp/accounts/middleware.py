from django.shortcuts import render


class LoginThrottleMiddleware:
    """Answers 429 to a login the throttle refused, on any login page.

    Our own login view answers 429 itself; this catches the others (the
    admin's), whose forms would otherwise say "wrong password" to a refused
    attempt and leave a staff member guessing why the right one fails.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        refusal = getattr(request, "login_refusal", None)
        if refusal is None or response.status_code == 429:
            return response
        return login_throttled_response(request, refusal)


def login_throttled_response(request, refusal, template="accounts/login_throttled.html", context=None):
    response = render(request, template, (context or {}) | {"throttled": True}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response
