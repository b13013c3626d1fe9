from django.contrib.sessions.backends import cached_db

from studyapp.accounts.sessions import HotLoad


class SessionStore(HotLoad, cached_db.SessionStore):
    pass
