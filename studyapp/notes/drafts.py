"""Who may read a note that is not published.

Superusers read every note. Beyond them, whoever may write a note reads it
while it is a draft; who that is belongs to the authoring app (its authors,
and every instructor for the house's notes), which sits above notes/ and
cannot be imported here: it registers its rule at start-up. Until it does
(or for a user it does not know as a writer) drafts stay hidden."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

# user -> queryset of the notes they write, or None when they write none.
WritableBy = Callable[[object], "QuerySet | None"]

_writable_by: WritableBy | None = None


def draft_writers_register(rule: WritableBy) -> None:
    global _writable_by
    _writable_by = rule


def notes_writable_by(user) -> QuerySet | None:
    return None if _writable_by is None else _writable_by(user)
