"""studyapp.accounts.sql returns exactly what the ORM returns: the user with
their profile (as ``select_related("profile")``) and the unexpired session
(as Django's database sessions look it up), on SQLite and PostgreSQL. Both
statements take their parameters by name."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from studyapp.accounts.sql import session_row, user_with_profile
from studyapp.sql import default_connection, plans_for

pytestmark = pytest.mark.django_db


def test_the_user_with_profile_equals_select_related(alice):
    alice.profile.exam_date = timezone.localdate() + timedelta(days=30)
    alice.profile.fsrs_parameters = [0.1] * 21
    alice.profile.save()
    expected = User.objects.select_related("profile").get(pk=alice.pk)
    found = user_with_profile(alice.pk)
    fields = lambda obj: {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # noqa: E731
    assert fields(found) == fields(expected)
    assert fields(found.profile) == fields(expected.profile)
    assert found.profile.user is found
    assert found.profile._stored_exam_date == expected.profile._stored_exam_date
    assert user_with_profile(10**9) is None


def test_a_user_without_a_profile_has_none_attached(alice, django_assert_num_queries):
    alice.profile.delete()
    found = user_with_profile(alice.pk)
    assert found.pk == alice.pk
    with pytest.raises(User.profile.RelatedObjectDoesNotExist):
        found.profile  # noqa: B018


def test_the_session_equals_djangos_lookup(alice):
    store = DjangoSessionStore()
    store["_auth_user_id"] = str(alice.pk)
    store.save()
    expected = Session.objects.get(session_key=store.session_key, expire_date__gt=timezone.now())
    found = session_row(store.session_key, timezone.now())
    assert (found.session_key, found.session_data, found.expire_date) == (
        expected.session_key,
        expected.session_data,
        expected.expire_date,
    )
    assert session_row(store.session_key, expected.expire_date) is None  # expired by then
    assert session_row("no-such-session", timezone.now()) is None


def test_the_statements_take_their_parameters_by_name(alice):
    user_with_profile(alice.pk)
    session_row("no-such-session", timezone.now())
    plans = plans_for(default_connection())
    texts = [plans["user"].sql, plans["session"][0]]
    assert all("%s" not in text for text in texts)
