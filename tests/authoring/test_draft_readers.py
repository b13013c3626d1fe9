"""Who reads a note that is not published, on the notes pages: whoever may
write it (its authors; every instructor for the house's) and superusers.
Staff status alone reads no one's draft (issue 14, finding 3).

ines writes TST-1 (published) and TST-3 (never published); TST-4 is the
house's, unpublished; otto is another instructor."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from studyapp.notes.models import Note
from tests import samples
from tests.authoring.conftest import import_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ines, otto, ines_note, ines_draft):
    import_text(samples.with_id(samples.CANONICAL, "TST-4"), "tst-4.md")
    Note.objects.filter(note_id="TST-4").update(is_published=False)
    return {
        "ines": ines,
        "otto": otto,
        "stella": User.objects.create_user("stella", is_staff=True),
        "root": User.objects.create_superuser("root", "root@example.com", "root-password-1"),
    }


# persona: which notes /notes/ lists
EXPECTED = {
    "anonymous": {"TST-1"},
    "alice": {"TST-1"},
    "stella": {"TST-1"},
    "otto": {"TST-1", "TST-4"},
    "ines": {"TST-1", "TST-3", "TST-4"},
    "root": {"TST-1", "TST-3", "TST-4"},
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_reads_the_drafts_they_may_write(client, world, alice, persona):
    users = {**world, "alice": alice}
    if persona != "anonymous":
        client.force_login(users[persona])
    listed = {note_id for note_id in ("TST-1", "TST-3", "TST-4") if f"/notes/{note_id}/" in _list(client)}
    assert listed == EXPECTED[persona]
    opened = {n for n in ("TST-1", "TST-3", "TST-4") if client.get(f"/notes/{n}/").status_code == 200}
    assert opened == EXPECTED[persona]


def _list(client) -> str:
    return client.get(reverse("note_list")).content.decode()


def test_another_instructor_is_told_404_for_her_draft_in_the_editor(client, world):
    # Not 403: otto may not know the draft exists, staff or not.
    User.objects.filter(pk=world["otto"].pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=world["otto"].pk))
    assert client.get(reverse("authoring_editor", args=["TST-3"])).status_code == 404
