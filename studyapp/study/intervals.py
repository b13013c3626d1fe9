"""What each grade button would do: the interval it gives, previewed with the
library on a copy of the card (fsrs has no preview of its own)."""

from __future__ import annotations

from copy import copy
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from fsrs import Card, Rating, Scheduler

RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


def preview(scheduler: Scheduler, card: Card, now: datetime, adjust=None) -> dict[int, timedelta]:
    """Interval per rating. ``adjust(card, now) -> due`` applies the exam policy
    so that the buttons show what will really happen."""
    out = {}
    for rating in RATINGS:
        after, _log = scheduler.review_card(copy(card), rating, review_datetime=now)
        due = adjust(after, now) if adjust else after.due
        out[int(rating)] = due - now
    return out


def humanize(interval: timedelta) -> str:
    """Anki-style short interval: <1m, 10m, 3h, 4d, 2mo, 1.5y."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return _("<1m")
    minutes = seconds / 60
    if minutes < 60:
        return _("%(n)dm") % {"n": round(minutes)}
    hours = minutes / 60
    if hours < 24:
        return _("%(n)dh") % {"n": round(hours)}
    days = hours / 24
    if days < 30:
        return _("%(n)dd") % {"n": round(days)}
    if days < 365:
        return _("%(n).1fmo") % {"n": days / 30} if days < 60 else _("%(n)dmo") % {"n": round(days / 30)}
    return _("%(n).1fy") % {"n": days / 365}
