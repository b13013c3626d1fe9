"""The session and the user with their profile, read by hand-written
statements: every request of a logged-in learner reads both
(studyapp/sql.py says why, and how rows become model instances)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import models

from studyapp.accounts.models import Profile
from studyapp.sql import Reader, column_name, db_param, default_connection, hot_cursor, plans_for, reader, table_name

# -- the user and their profile ------------------------------------------------


@dataclass(frozen=True)
class _UserPlan:
    sql: str
    user: Reader
    profile: Reader


def _user_plan(connection) -> _UserPlan:
    plans = plans_for(connection)
    if "user" not in plans:
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        user = reader(connection, user_model, "u")
        profile = reader(connection, Profile, "p")
        pk = connection.ops.quote_name(user_model._meta.pk.column)
        plans["user"] = _UserPlan(
            f"SELECT {user.columns}, {profile.columns}, {_writes_notes_sql(connection, user_model, pk)} "  # noqa: S608
            f"FROM {table_name(connection, user_model)} u "
            f"LEFT JOIN {table_name(connection, Profile)} p ON p.{column_name(connection, Profile, 'user')} = u.{pk} "
            f"WHERE u.{pk} = %(user_id)s",
            user,
            profile,
        )
    return plans["user"]


# The instructor's permission (studyapp.authoring.access), constant text.
WRITER_PERMISSION = ("authoring", "author_notes")


def _writes_notes_sql(connection, user_model, pk: str) -> str:
    """1 when user ``u`` holds the instructor's permission as ``has_perm``
    finds it (a superuser, through a group, or given directly), else 0: the
    top bar of every page asks, and Django's permission lookup would cost two
    more statements per request."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    quote = connection.ops.quote_name
    app_label, codename = WRITER_PERMISSION
    in_groups = user_model.groups.through
    user_perms = user_model.user_permissions.through
    group_perms = Group.permissions.through
    # Only names from the models and the constants above: nothing of a request.
    permission = (
        f"(SELECT ap.{quote('id')} FROM {table_name(connection, Permission)} ap "  # noqa: S608
        f"JOIN {table_name(connection, ContentType)} ct "
        f"ON ct.{quote('id')} = ap.{column_name(connection, Permission, 'content_type')} "
        f"WHERE ct.{column_name(connection, ContentType, 'app_label')} = '{app_label}' "
        f"AND ap.{column_name(connection, Permission, 'codename')} = '{codename}')"
    )
    through_group = (
        f"EXISTS (SELECT 1 FROM {table_name(connection, in_groups)} ug "  # noqa: S608
        f"JOIN {table_name(connection, group_perms)} gp ON gp.{column_name(connection, group_perms, 'group')} = "
        f"ug.{column_name(connection, in_groups, 'group')} "
        f"WHERE ug.{column_name(connection, in_groups, 'user')} = u.{pk} "
        f"AND gp.{column_name(connection, group_perms, 'permission')} IN {permission})"
    )
    directly = (
        f"EXISTS (SELECT 1 FROM {table_name(connection, user_perms)} up "  # noqa: S608
        f"WHERE up.{column_name(connection, user_perms, 'user')} = u.{pk} "
        f"AND up.{column_name(connection, user_perms, 'permission')} IN {permission})"
    )
    superuser = f"u.{column_name(connection, user_model, 'is_superuser')}"
    return f"CASE WHEN {superuser} OR {through_group} OR {directly} THEN 1 ELSE 0 END"


def user_with_profile(user_id) -> models.Model | None:
    """The user with their profile attached (as ``select_related("profile")``
    leaves it), or None. Every request of a logged-in learner asks for it."""
    connection = default_connection()
    plan = _user_plan(connection)
    with hot_cursor(connection) as cursor:
        cursor.execute(plan.sql, {"user_id": user_id})
        row = cursor.fetchone()
    if row is None:
        return None
    user = plan.user.read(row, 0, connection)
    # Read by the top bar's "Write" (studyapp.authoring.context_processors).
    user.writes_notes = user.is_active and bool(row[-1])
    if row[plan.user.width] is not None:  # the profile's id: None when it has none
        profile = plan.profile.read(row, plan.user.width, connection)
        Profile._meta.get_field("user").set_cached_value(profile, user)
        type(user).profile.related.set_cached_value(user, profile)
    return user


# -- the session ---------------------------------------------------------------


def session_row(session_key: str, now: datetime) -> Session | None:
    """An unexpired session (Django's database sessions), as
    ``Session.objects.get(session_key=..., expire_date__gt=now)`` finds it."""
    connection = default_connection()
    plans = plans_for(connection)
    if "session" not in plans:
        session = reader(connection, Session, "s")
        plans["session"] = (
            f"SELECT {session.columns} FROM {table_name(connection, Session)} s "  # noqa: S608
            f"WHERE s.{column_name(connection, Session, 'session_key')} = %(session_key)s "
            f"AND s.{column_name(connection, Session, 'expire_date')} > %(now)s",
            session,
        )
    sql, session = plans["session"]
    with hot_cursor(connection) as cursor:
        cursor.execute(sql, {"session_key": session_key, "now": db_param(connection, now)})
        row = cursor.fetchone()
    return session.read(row, 0, connection) if row else None
