"""``manage.py instructor_add USERNAME`` (and ``instructor_remove``): thin
commands over the services; idempotent; an unknown user is a clear error and
a non-zero exit. The demo instructor is an instructor, not staff."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from studyapp.accounts.services import demo_accounts_ensure, instructor_add, instructor_remove, is_instructor

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_it_makes_a_learner_an_instructor_who_is_not_staff(alice):
    assert "alice is now an instructor." in run("instructor_add", "alice")
    alice = fresh(alice)
    assert alice.has_perm("authoring.author_notes")
    assert not alice.is_staff and not alice.is_superuser


def test_running_it_again_changes_nothing(alice):
    run("instructor_add", "alice")
    assert "already an instructor; nothing changed" in run("instructor_add", "alice")
    assert fresh(alice).groups.count() == 1


def test_the_username_is_found_whatever_its_case(alice):
    run("instructor_add", "ALICE")
    assert is_instructor(alice)


def test_an_unknown_user_is_a_clear_error(alice):
    with pytest.raises(CommandError, match="no user named 'nobody'.*signs up first"):
        run("instructor_add", "nobody")


def test_an_unknown_user_exits_non_zero(alice, capsys):
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "instructor_add", "nobody"])
    assert exit_.value.code != 0
    assert "no user named 'nobody'" in capsys.readouterr().err


def test_instructor_remove_takes_the_role_away_and_keeps_their_notes_theirs(alice):
    run("instructor_add", "alice")
    assert "alice is no longer an instructor." in run("instructor_remove", "alice")
    assert not is_instructor(alice)
    assert "not an instructor; nothing changed" in run("instructor_remove", "alice")


def test_a_superuser_stays_an_instructor(db):
    User.objects.create_superuser("root", "root@example.com", "root-password-1")
    with pytest.raises(CommandError, match="still an instructor"):
        run("instructor_remove", "root")


def test_the_services_say_whether_anything_changed(alice):
    assert instructor_add(user=alice) is True
    assert instructor_add(user=alice) is False
    assert instructor_remove(user=alice) is True
    assert instructor_remove(user=alice) is False


def test_the_demo_instructor_is_an_instructor_and_not_staff(db):
    User.objects.create_user("instructor", is_staff=True)  # as an older version left it
    demo_accounts_ensure()
    demo = User.objects.get(username="instructor")
    assert not demo.is_staff and not demo.is_superuser
    assert demo.has_perm("authoring.author_notes")
    assert not User.objects.get(username="learner").has_perm("authoring.author_notes")
