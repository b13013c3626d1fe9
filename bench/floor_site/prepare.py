"""Prepare the floor's database and report what the benchmark needs of it:
migrate, create a user and a logged-in session for each virtual learner, and
count the statements of one floor page. Prints one JSON object on stdout.

Run as a program, in a process of its own: a process sets Django up once, and
the benchmark's process has studyapp's settings.

    FLOOR_DATABASE_URL=... FLOOR_SECRET_KEY=... python -m bench.floor_site.prepare 8
"""

import json
import os
import sys


def main(argv: list[str]) -> int:
    count = int(argv[0])
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.floor_site.settings"
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", interactive=False, verbosity=0)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for number in range(count):
        user, _ = User.objects.get_or_create(username=f"floor{number:03d}")
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        keys.append(session.session_key)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = keys[0]
    client.get("/floor/")  # the first request of a process opens the connection
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/floor/").status_code
    if status != 200:
        print(f"the floor page answered {status}", file=sys.stderr)
        return 1
    print(json.dumps({"cookie_name": settings.SESSION_COOKIE_NAME, "session_keys": keys, "queries": len(queries)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
