from django.contrib.sessions.backends import db

from studyapp.accounts.sessions import HotLoad


class SessionStore(HotLoad, db.SessionStore):
    pass
