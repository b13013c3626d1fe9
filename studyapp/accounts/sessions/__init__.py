"""Django's session engines, with the session read by one hand-written
statement (studyapp.accounts.sql) instead of a queryset: every request of a
logged-in learner reads its session. Everything else is Django's.

``studyapp.accounts.sessions.db``: the database (the embedded default).
``studyapp.accounts.sessions.cached_db``: the cache first (Redis, with
REDIS_URL), the database behind it, so a flushed cache logs nobody out."""

from django.utils import timezone

from studyapp.accounts.sql import session_row


class HotLoad:
    def _get_session_from_db(self):
        session = session_row(self.session_key, timezone.now()) if self.session_key else None
        if session is None:
            self._session_key = None
        return session
