"""Everything studyapp keeps about a person, in one place.

Each app says what it keeps in a module of its own, ``<app>/personal_data.py``
(found like ``admin.py``, see ``discover``), with three kinds of entries:

- ``@section("name", model=Model)``: a function ``(user) -> rows`` (dicts of
  plain values), one section of the download. ``model`` is the table the rows
  come from; a test checks that every table pointing at a user has one.
- ``@before_delete``: a function ``(user) -> None`` run before the account and
  everything pointing at it (CASCADE) is deleted: what must survive the
  person (a team they lead) is handed over here.
- ``@deletion_notice``: a function ``(user) -> list[str]`` of what deleting
  the account will do beyond deleting, shown before the learner confirms.

The accounts app's own sections are at the end of this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Section:
    name: str
    rows: Callable[[object], Iterable[dict]]
    model: type | None


_sections: dict[str, Section] = {}
_before_delete: list[Callable] = []
_notices: list[Callable] = []


def section(name: str, *, model: type | None = None):
    def register(function):
        _sections[name] = Section(name, function, model)
        return function

    return register


def before_delete(function):
    if function not in _before_delete:
        _before_delete.append(function)
    return function


def deletion_notice(function):
    if function not in _notices:
        _notices.append(function)
    return function


def discover() -> None:
    """Import every installed app's personal_data module (AccountsConfig.ready)."""
    autodiscover_modules("personal_data")


def sections() -> list[Section]:
    return list(_sections.values())


def covered_models() -> set[type]:
    return {s.model for s in _sections.values() if s.model is not None}


def personal_data_collect(*, user) -> dict[str, list[dict]]:
    """Every section's rows for ``user``, in the order the apps registered them."""
    return {s.name: list(s.rows(user)) for s in _sections.values()}


def before_delete_run(*, user) -> None:
    for function in _before_delete:
        function(user)


def deletion_notices(*, user) -> list[str]:
    return [notice for function in _notices for notice in function(user)]


# ---------------------------------------------------------------- the accounts app's own
# (this module is imported once the app registry is ready: by discover())

from django.contrib.admin.models import LogEntry  # noqa: E402

from studyapp.accounts.models import Profile  # noqa: E402

USER_FIELDS = ("id", "username", "email", "first_name", "last_name", "date_joined", "last_login", "is_active")


@section("account", model=get_user_model())
def _account(user):
    # Not the password hash: it is a secret, not information about the person.
    return get_user_model().objects.filter(pk=user.pk).values(*USER_FIELDS)


@section("profile", model=Profile)
def _profile(user):
    return Profile.objects.filter(user=user).values()


@section("permission_groups", model=get_user_model().groups.through)
def _groups(user):
    return get_user_model().groups.through.objects.filter(user=user).values("group_id", "group__name")


@section("permissions", model=get_user_model().user_permissions.through)
def _permissions(user):
    return (
        get_user_model()
        .user_permissions.through.objects.filter(user=user)
        .values("permission_id", "permission__codename")
    )


@section("admin_actions", model=LogEntry)
def _admin_actions(user):
    # What a staff member did in the admin (instructors editing notes).
    return LogEntry.objects.filter(user=user).order_by("pk").values()
