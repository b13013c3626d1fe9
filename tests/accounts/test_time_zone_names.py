"""Issue 14: only canonical time zone names are offered (no Asia/Calcutta
beside Asia/Kolkata), and an old spelling a browser reports, or a profile
holds, maps to the zone it stands for."""

import importlib

import pytest

from studyapp.accounts.models import Profile
from studyapp.accounts.timezones import time_zone_canonical, time_zone_is_offered, time_zone_links, time_zone_names

OLD = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Europe/Kiev": "Europe/Kyiv",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "US/Eastern": "America/New_York",
    "Japan": "Asia/Tokyo",
    "Etc/UTC": "UTC",
    "GMT": "UTC",
}


@pytest.mark.parametrize(("old", "canonical"), OLD.items())
def test_an_old_spelling_is_not_offered_and_maps_to_its_zone(old, canonical):
    assert not time_zone_is_offered(old)
    assert time_zone_is_offered(canonical)
    assert time_zone_canonical(old) == canonical


def test_countries_keep_their_own_zone():
    # Links merged into another country's zone since 2022 stay: people look for their capital.
    for zone in ("Europe/Oslo", "Europe/Stockholm", "Europe/Amsterdam", "Asia/Tokyo", "Antarctica/Troll"):
        assert zone in time_zone_names()


def test_no_offered_name_is_a_link_and_nonsense_maps_to_nothing():
    assert not set(time_zone_links()) & set(time_zone_names())
    for name in ("Mars/Olympus_Mons", "", "Etc/GMT+5", "x" * 10_000):
        assert time_zone_canonical(name) is None


@pytest.mark.django_db
def test_the_migration_renames_stored_old_spellings(alice, bob):
    Profile.objects.filter(user=alice).update(time_zone="Asia/Calcutta")
    Profile.objects.filter(user=bob).update(time_zone="Europe/Paris")
    migration = importlib.import_module("studyapp.accounts.migrations.0009_profile_time_zone_canonical_names")
    from django.apps import apps

    migration.canonical_names(apps, None)
    assert Profile.objects.get(user=alice).time_zone == "Asia/Kolkata"
    assert Profile.objects.get(user=bob).time_zone == "Europe/Paris"
