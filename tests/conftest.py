"""Shared fixtures: the three personas, the seed note, and an importer helper."""

from pathlib import Path

import pytest

pytest_plugins = ["tests.browser_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_c2550ee25db96fae.txt"
NOTES = ROOT / "notes"
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture
def seed_bytes() -> bytes:
    if not SEED.exists():
        pytest.fail(f"the seed note is missing: {SEED}")
    return SEED.read_bytes()


@pytest.fixture
def alice(db):
    """The learner whose data a test is about (the owner)."""
    from django.contrib.auth.models import User

    return User.objects.create_user("alice", "alice@example.com", "alice-password-1")


@pytest.fixture
def bob(db):
    """Another learner: must never see or change alice's data."""
    from django.contrib.auth.models import User

    return User.objects.create_user("bob", "bob@example.com", "bob-password-1")


@pytest.fixture
def instructor(db):
    """An instructor as the app makes one: the Instructors group, not staff."""
    from django.contrib.auth.models import User

    from studyapp.accounts.services import instructor_add

    user = User.objects.create_user("ines", "ines@example.com", "ines-password-1")
    instructor_add(user=user)
    return User.objects.get(pk=user.pk)  # a fresh object: no permission cache


@pytest.fixture
def staff_member(db):
    """Someone who may log in to the admin (and is no instructor)."""
    from django.contrib.auth.models import User

    return User.objects.create_user("stella", "stella@example.com", "stella-password-1", is_staff=True)


@pytest.fixture
def write_note(tmp_path):
    """Write a note file (str is encoded as UTF-8, bytes kept as they are)."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    return write


@pytest.fixture(autouse=True)
def _reset_language():
    """Every test starts and ends in the default language: a request in
    Japanese activates it for the thread, and a pure test that renders text
    after it would otherwise read Japanese."""
    from django.conf import settings
    from django.utils import translation

    yield
    if settings.configured:  # not in the pure tests run with -p no:django
        translation.deactivate()
