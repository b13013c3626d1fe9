"""The admin respects authorship (issue 14, finding 3).

ines and otto are instructors who are also staff (as the demo instructor
was); ines writes TST-1 (published, with a pending draft) and TST-3 (never
published), TST-2 is the house's; alice reported a problem on TST-1 and ines
uploaded a file. otto must not read ines's drafts, uploads or reports through
/admin/, nor publish or unpublish her notes; a superuser sees everything;
stella is staff with every view permission but no instructor: she sees no
draft and no authoring row. A change to a note made in the admin goes through
the authoring services and is written to the admin's log."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from studyapp.authoring import services
from studyapp.authoring.models import NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob
from studyapp.authoring.uploads import Entry
from studyapp.notes.models import Card, Note, TriggerWord
from tests import samples

pytestmark = pytest.mark.django_db

DRAFT_SECRET = "DRAFTSECRET"
UPLOAD_SECRET = "UPLOADSECRET"


@pytest.fixture
def world(alice, ines, otto, ines_note, ines_draft, house_note):
    User.objects.filter(username__in=["ines", "otto"]).update(is_staff=True)
    outcome = services.note_save(user=ines, note=ines_note, text=samples.CANONICAL.replace("最小限", DRAFT_SECRET))
    assert outcome.status == "draft"
    card = Card.objects.get(key="TST-1:trigger:sse-kms")
    report = services.report_create(user=alice, card=card, kind="typo", comment="a typo")
    job = services.upload_job_create(user=ines, entries=[Entry("a.md", samples.CANONICAL.encode())])
    # As an import leaves it: the report quotes the uploaded files.
    job.report = {"files": [{"path": "a.md", "errors": [{"line": 2, "message": UPLOAD_SECRET}]}]}
    job.save(update_fields=["report"])
    draft_version = NoteVersion.objects.get(note=ines_draft)
    doubt = RepairDoubt.objects.create(note=ines_draft, version=draft_version, line=3, column=1, char="可")
    root = User.objects.create_superuser("root", "root@example.com", "root-password-1")
    stella = User.objects.create_user("stella", "stella@example.com", "stella-password-1", is_staff=True)
    stella.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["notes", "authoring"], codename__startswith="view_")
    )
    return {
        "users": {u.username: User.objects.get(pk=u.pk) for u in (ines, otto, root, stella)},
        "pending": NoteVersion.objects.get(note=ines_note, applied=False),
        "report": report,
        "job": job,
        "doubt": doubt,
        "ines_authorship": NoteAuthor.objects.get(note=ines_draft, user=ines),
    }


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def listed(client, model) -> set:
    response = client.get(changelist(model), {"all": ""})
    assert response.status_code == 200, model
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def as_(client, world, persona):
    client.force_login(world["users"][persona])
    return client


def note_pks(*note_ids):
    return set(Note.objects.filter(note_id__in=note_ids).values_list("pk", flat=True))


# Which of the world's rows each persona finds in each changelist.
def expected_rows(world):
    ines_versions = set(NoteVersion.objects.filter(note__note_id__in=["TST-1", "TST-3"]).values_list("pk", flat=True))
    house_versions = set(NoteVersion.objects.filter(note__note_id="TST-2").values_list("pk", flat=True))
    every = {
        NoteVersion: ines_versions | house_versions,
        ProblemReport: {world["report"].pk},
        UploadJob: {world["job"].pk},
        RepairDoubt: {world["doubt"].pk},
        NoteAuthor: set(NoteAuthor.objects.values_list("pk", flat=True)),
        Note: note_pks("TST-1", "TST-2", "TST-3"),
    }
    return {
        "root": every,
        "ines": every,  # all of it is hers or the house's
        "otto": {
            NoteVersion: house_versions,
            ProblemReport: set(),
            UploadJob: set(),
            RepairDoubt: set(),
            NoteAuthor: set(),
            Note: note_pks("TST-1", "TST-2"),  # published notes are public; her draft is not
        },
        "stella": {
            NoteVersion: set(),
            ProblemReport: set(),
            UploadJob: set(),
            RepairDoubt: set(),
            NoteAuthor: set(),
            Note: note_pks("TST-1", "TST-2"),
        },
    }


@pytest.mark.parametrize("persona", ["root", "ines", "otto", "stella"])
def test_each_changelist_shows_each_persona_only_what_they_may_see(client, world, persona):
    as_(client, world, persona)
    expected = expected_rows(world)[persona]
    wrong = {model.__name__: listed(client, model) for model in expected if listed(client, model) != expected[model]}
    assert wrong == {}


@pytest.mark.parametrize("persona", ["otto", "stella"])
def test_no_change_view_opens_another_authors_draft_upload_or_report(client, world, persona):
    as_(client, world, persona)
    hidden = [
        world["pending"],
        world["report"],
        world["job"],
        world["doubt"],
        world["ines_authorship"],
        Note.objects.get(note_id="TST-3"),
        Card.objects.filter(note__note_id="TST-3").first(),
        TriggerWord.objects.filter(note__note_id="TST-3").first(),
    ]
    opened = []
    for obj in hidden:
        response = client.get(change(obj), follow=True)
        body = response.content.decode()
        if DRAFT_SECRET in body or UPLOAD_SECRET in body or "a typo" in body or "TST-3" in body:
            opened.append(type(obj).__name__)
    assert opened == []


@pytest.mark.parametrize("persona", ["root", "ines"])
def test_the_author_and_a_superuser_open_them(client, world, persona):
    as_(client, world, persona)
    assert DRAFT_SECRET in client.get(change(world["pending"])).content.decode()
    assert UPLOAD_SECRET in client.get(change(world["job"])).content.decode()
    assert "a typo" in client.get(change(world["report"])).content.decode()
    assert client.get(change(Note.objects.get(note_id="TST-3"))).status_code == 200


def test_cards_and_parts_of_a_draft_are_not_listed_to_another_instructor(client, world):
    as_(client, world, "otto")
    draft = note_pks("TST-3")
    assert not Card.objects.filter(pk__in=listed(client, Card), note__in=draft).exists()
    assert not TriggerWord.objects.filter(pk__in=listed(client, TriggerWord), note__in=draft).exists()
    assert Card.objects.filter(pk__in=listed(client, Card), note__note_id="TST-1").exists()


def test_only_a_superuser_sets_who_writes_a_note(client, world):
    world["users"]["otto"].user_permissions.add(*Permission.objects.filter(codename__endswith="_noteauthor"))
    as_(client, world, "otto")
    add = reverse("admin:authoring_noteauthor_add")
    note = Note.objects.get(note_id="TST-1")
    response = client.post(add, {"note": note.pk, "user": world["users"]["otto"].pk})
    assert response.status_code == 403
    assert not NoteAuthor.objects.filter(note=note, user__username="otto").exists()
    as_(client, world, "root")
    assert client.get(add).status_code == 200


def act(client, action, *note_ids):
    pks = Note.objects.filter(note_id__in=note_ids).values_list("pk", flat=True)
    return client.post(changelist(Note), {"action": action, "_selected_action": list(pks), "index": 0}, follow=True)


@pytest.mark.parametrize("persona", ["otto", "stella"])
def test_another_instructor_or_staff_cannot_publish_or_unpublish_her_notes(client, world, persona):
    as_(client, world, persona)
    act(client, "unpublish", "TST-1")
    act(client, "publish", "TST-3")
    published = Note.objects.get(note_id="TST-1")
    assert published.is_published and DRAFT_SECRET not in published.source
    assert not Note.objects.get(note_id="TST-3").is_published
    assert not LogEntry.objects.exists()


def test_publishing_in_the_admin_applies_the_draft_as_a_version_and_is_logged(client, world):
    as_(client, world, "ines")
    response = act(client, "publish", "TST-1")
    assert "1 note published." in response.content.decode()
    note = Note.objects.get(note_id="TST-1")
    assert DRAFT_SECRET in note.source
    pending = NoteVersion.objects.get(pk=world["pending"].pk)
    assert pending.applied
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.user.username) == (str(note.pk), "ines")
    assert f"version {pending.number}" in entry.get_change_message()


def test_unpublishing_in_the_admin_is_logged(client, world):
    as_(client, world, "ines")
    act(client, "unpublish", "TST-1")
    assert not Note.objects.get(note_id="TST-1").is_published
    assert LogEntry.objects.get().get_change_message() == "Unpublished in the admin"


def test_a_superuser_does_not_publish_anothers_note_either(client, world):
    # Authorship binds everyone: a superuser first makes themselves an author.
    as_(client, world, "root")
    response = act(client, "unpublish", "TST-1")
    assert Note.objects.get(note_id="TST-1").is_published
    assert "you do not write it" in response.content.decode()
