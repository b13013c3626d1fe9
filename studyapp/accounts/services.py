from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Q

from studyapp.accounts.events import plan_settings_changed
from studyapp.accounts.models import Profile
from studyapp.accounts.usernames import username_skeleton

INSTRUCTORS = "Instructors"
INSTRUCTOR_PERMISSION = "authoring.author_notes"
DEMO_ACCOUNTS = {
    "learner": {"password": "learn-sap-2026", "email": "learner@example.com", "instructor": False},
    "instructor": {"password": "teach-sap-2026", "email": "instructor@example.com", "instructor": True},
}

# What a learner may change about their own profile; the study scope has its
# own page and the user link is never writable.
PROFILE_EDITABLE_FIELDS = (
    "language",
    "time_zone",
    "desired_retention",
    "new_per_day",
    "reviews_per_day",
    "exam_date",
)
# The settings the study plan rests on: a change of one replans.
PLAN_FIELDS = frozenset({"time_zone", "desired_retention", "new_per_day", "reviews_per_day", "exam_date"})


def instructors_group_ensure() -> Group:
    """Instructors write notes (the authoring app) and see notes and cards in
    the admin; nothing else."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    # Who writes which note (NoteAuthor) is the admins' to change, not theirs.
    perms = Permission.objects.filter(
        Q(content_type__app_label="notes")
        | Q(content_type__app_label="authoring", codename="author_notes")
        | Q(content_type__app_label="authoring", codename__startswith="view_")
    )
    group.permissions.set(perms)
    return group


def demo_accounts_ensure() -> dict[str, str]:
    """Create (or reset the passwords of) the demo learner and instructor.
    Neither is staff: an instructor writes in /author/, and the admin shows
    what only the site's administrators may see."""
    group = instructors_group_ensure()
    logins = {}
    for username, spec in DEMO_ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username, defaults={"email": spec["email"]})
        user.set_password(spec["password"])
        user.is_staff = user.is_superuser = False
        user.save()
        if spec["instructor"]:
            user.groups.add(group)
        logins[username] = spec["password"]
    return logins


class NoSuchUser(LookupError):
    """No account has this username: an instructor is made from an existing
    account (the person signs up first)."""


def user_by_username(*, username: str) -> User:
    """The account named ``username``; case does not matter when only one
    account matches without it (as people type names they were told)."""
    username = username.strip()
    user = User.objects.filter(username=username).first()
    if user is None and username:
        matches = list(User.objects.filter(username__iexact=username)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise NoSuchUser(username)
    return user


def is_instructor(user) -> bool:
    # The same rule as studyapp.authoring.access (above accounts/), on a fresh
    # object: has_perm caches what it read.
    fresh = User.objects.get(pk=user.pk)
    return fresh.is_active and fresh.has_perm(INSTRUCTOR_PERMISSION)


@transaction.atomic
def instructor_add(*, user: User) -> bool:
    """Make ``user`` an instructor (the Instructors group); True when they
    were not one before. It never makes them staff."""
    was = is_instructor(user)
    user.groups.add(instructors_group_ensure())
    return not was


@transaction.atomic
def instructor_remove(*, user: User) -> bool:
    """Take the role away: the group and the permission given directly. True
    when they were an instructor and are no longer; a superuser stays one
    (they hold every permission). The notes they author stay theirs."""
    was = is_instructor(user)
    user.groups.remove(instructors_group_ensure())
    direct = Permission.objects.filter(content_type__app_label="authoring", codename="author_notes")
    user.user_permissions.remove(*direct)
    return was and not is_instructor(user)


def profile_get(*, user) -> Profile:
    """The user's profile, made now if the user predates the signal (or was
    loaded from a raw fixture)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        skeleton = username_skeleton(user.get_username())
        profile, _ = Profile.objects.get_or_create(user=user, defaults={"username_skeleton": skeleton})
        return profile


@transaction.atomic
def profile_update(*, profile: Profile, data: dict) -> list[str]:
    """Write the allowed fields present in ``data``; the messages for the
    learner about what the change did to their study plan.

    Anything else in ``data`` (a form may carry more) is ignored, never written.
    A change of what the plan rests on (exam date, daily limits, retention,
    time zone) replans, in the same transaction (``plan_settings_changed``).
    """
    fields = [field for field in PROFILE_EDITABLE_FIELDS if field in data]
    if not fields:
        return []
    changed = {field for field in fields if getattr(profile, field) != data[field]}
    for field in fields:
        setattr(profile, field, data[field])
    # The field validators (ranges, known time zone, known language) hold for
    # callers that did not come through a form too.
    profile.clean_fields(exclude=[f.name for f in Profile._meta.fields if f.name not in fields])
    profile.save(update_fields=fields)
    if not changed & PLAN_FIELDS:
        return []
    responses = plan_settings_changed.send(sender=Profile, profile=profile, changed=changed)
    return [message for _receiver, messages in responses for message in messages or ()]


@transaction.atomic
def user_signup(*, username: str, password: str, email: str = "", language: str = "") -> User:
    """Create a learner; their profile starts in the language they signed up in."""
    user = User.objects.create_user(username=username, email=email, password=password)
    profile = profile_get(user=user)
    if language in dict(settings.LANGUAGES):
        profile_update(profile=profile, data={"language": language})
    return user


# A language chosen with the switch while logged out, kept in the session (which
# login keeps and logout flushes) until someone logs in.
CHOSEN_LANGUAGE_SESSION_KEY = "accounts.chosen_language"


def language_choice_remember(*, request, language: str) -> None:
    if language in dict(settings.LANGUAGES):
        request.session[CHOSEN_LANGUAGE_SESSION_KEY] = language


def language_choice_adopt(*, request, user) -> None:
    """At login: a language chosen just before it is the learner's from now on.

    A language cookie alone is not a choice: it may be left on a shared
    computer by the previous user, so without one the profile's language wins.
    """
    session = getattr(request, "session", None)
    language = session.pop(CHOSEN_LANGUAGE_SESSION_KEY, None) if session is not None else None
    if language in dict(settings.LANGUAGES):
        profile_update(profile=profile_get(user=user), data={"language": language})


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete the account and every row that belongs to it (CASCADE from the
    user: profile, card states, review logs, memberships...), after each app
    has handed over what must outlive the person (personal_data.py)."""
    from studyapp.accounts.personal_data import before_delete_run

    before_delete_run(user=user)
    user.delete()
