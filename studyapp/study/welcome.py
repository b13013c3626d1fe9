"""The first step after sign-up: when the exam is, where the learner is (their
study day starts at 4 a.m. there), and what to study. Every part may be
skipped; the settings page changes any of it later."""

from __future__ import annotations

from django.db import transaction

from studyapp.accounts.forms import ProfileSettingsForm
from studyapp.accounts.models import Profile
from studyapp.accounts.services import profile_update
from studyapp.accounts.timezones import time_zone_canonical
from studyapp.study import services


class WelcomeForm(ProfileSettingsForm):
    """The exam date and the time zone, judged as the settings page judges
    them. A time zone the browser names by an old spelling (Asia/Calcutta)
    is taken as the zone it stands for."""

    desired_retention = None  # the settings page's, not a first step's

    class Meta(ProfileSettingsForm.Meta):
        fields = ("time_zone", "exam_date")

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("time_zone"):
            canonical = time_zone_canonical(data.get("time_zone"))
            if canonical:
                data = data.copy()
                data["time_zone"] = canonical
        super().__init__(data, *args, **kwargs)


def initial_time_zone(profile: Profile) -> str:
    """Before the browser says (or without script): the zone already chosen,
    else the zone of the interface's language when it has one."""
    if profile.time_zone != "UTC":
        return profile.time_zone
    return "Asia/Tokyo" if profile.language == "ja" else "UTC"


def welcome_save(*, user, profile: Profile, settings: dict, kind: str, value: str) -> None:
    """All of the first step or none of it."""
    with transaction.atomic():
        profile_update(profile=profile, data=settings)
        services.study_scope_set(user=user, profile=profile, kind=kind, value=value)
