"""A learner downloads all of their data (JSON, CSV) and deletes their account
with all of it, after typing their password again; a team they lead
survives with another lead, or is closed when they were alone in it."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from studyapp.accounts.personal_data import covered_models, personal_data_collect
from studyapp.study.models import CramReview, HideAction, MemoryModel, PlanGap, StudyDay
from studyapp.teams import refresh
from studyapp.teams import services as teams
from studyapp.teams.models import Membership, Team
from tests.teams.conftest import Studied, answer, assign, import_deck, study, team_with, user

pytestmark = pytest.mark.django_db
User = get_user_model()


def models_pointing_at_users() -> dict[type, str]:
    """Every table with a column that points at a user, and that column."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.remote_field.model is User:
                found[model] = field.attname
    return found


def learner_with_everything(name: str, *, lead_of=(), member_of=()):
    """A learner with rows in every table that holds personal data."""
    person = user(name)
    now = timezone.now()
    today = (now - timedelta(hours=4)).date()
    from studyapp.notes.models import Card

    cards = list(Card.objects.order_by("pk"))
    states = study(person, now, [Studied(c, 5, 2) for c in cards[:6]], new=cards[6:9])
    for i in range(7):
        answer(person, cards[i % 6], day=today - timedelta(days=i), at=now - timedelta(days=i))
    StudyDay.objects.create(user=person, day=today, new_limit=30)
    HideAction.objects.create(
        user=person, state=states[0], kind="bury", created_at=now, version_before=1, version_after=2
    )
    CramReview.objects.create(user=person, card=cards[0], study_day=today, reviewed_at=now, remembered=True)
    MemoryModel.objects.create(
        user=person, fitted_at=now, parameters=[0.2] * 21, reviews=900, accepted=False, reason="test"
    )
    person.groups.add(Group.objects.get_or_create(name="Instructors")[0])
    person.user_permissions.add(Permission.objects.get(codename="view_note"))
    LogEntry.objects.create(user=person, object_repr="Instructors", action_flag=ADDITION)
    _authoring_rows(person, cards[0], now)
    _exam_rows(person, now)
    for team in member_of:
        teams.team_join(user=person, invite=teams.invite_create(team=team), share_details=True)
    for team_name in lead_of:
        team = team_with(person, [], name=team_name)
        assign(team)
    for membership in Membership.objects.filter(user=person):
        for assignment in membership.team.assignments.all():
            refresh.figures_refresh(assignment_id=assignment.pk)
    # After the teams: an assigned exam date replans, which renews the gaps.
    PlanGap.objects.create(user=person, state=states[1], reason="no_room", exam_at=now + timedelta(days=20))
    return person


def _authoring_rows(person, card, now):
    """A report they sent and one they resolved, a note they write, a version
    they saved, a repaired character they settled, an upload."""
    from studyapp.authoring.models import NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob

    note = card.note
    NoteAuthor.objects.create(note=note, user=person)
    version = NoteVersion.objects.create(
        note=note, number=1000 + person.pk, source=note.source, source_hash=note.source_hash, origin="editor",
        author=person, applied=False,
    )  # fmt: skip
    ProblemReport.objects.create(card=card, reporter=person, kind="typo", status="resolved", resolved_by=person, resolved_at=now)  # fmt: skip
    RepairDoubt.objects.create(note=note, version=version, line=1, column=1, char="a", candidates=["a", "b"], decided_by=person, decided_at=now)  # fmt: skip
    UploadJob.objects.create(user=person)


def _exam_rows(person, now):
    """A practice attempt with an answer, and a blueprint they wrote."""
    from studyapp.exams import services as exams
    from studyapp.exams.models import Blueprint

    attempt = exams.attempt_start(user=person, kind="diagnostic", count=2, now=now)
    first = attempt.items.get(position=1)
    exams.attempt_answer(
        user=person, attempt_id=attempt.pk, position=1, chosen=first.option_order[:1], time_ms=5, now=now
    )
    Blueprint.objects.create(code=f"TST-{person.username}", name="Test exam", created_by=person, domains=[])


def counts(user_id: int) -> dict[str, int]:
    return {
        model._meta.label: model.objects.filter(**{column: user_id}).count()
        for model, column in models_pointing_at_users().items()
    }


@pytest.fixture
def people(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_deck()
    bob = user("bob")
    bobs_team = team_with(bob, [], name="Bob's cohort")
    assign(bobs_team)
    alice = learner_with_everything("alice", lead_of=("Alone",), member_of=(bobs_team,))
    carol = learner_with_everything("carol", member_of=(bobs_team,))
    return alice, bob, carol


def test_every_table_that_points_at_a_user_is_in_the_download():
    missing = set(models_pointing_at_users()) - covered_models()
    assert not missing, f"add a personal_data section for {sorted(m._meta.label for m in missing)}"


def test_the_download_holds_every_row_of_theirs_and_none_of_anyone_elses(client, people):
    alice, _bob, carol = people
    client.force_login(alice)
    response = client.get(reverse("data_download_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document = json.loads(response.content)
    sections = document["sections"]
    by_model = {section_model._meta.label: name for name, section_model in _section_models().items()}
    for label, count in counts(alice.pk).items():
        assert len(sections[by_model[label]]) == count, label
    assert len(sections["review_logs"]) == 7 and len(sections["card_states"]) == 9
    assert sections["account"][0]["username"] == "alice" and "password" not in sections["account"][0]
    assert {row["team__name"] for row in sections["team_memberships"]} == {"Alone", "Bob's cohort"}
    # Nothing of carol's.
    text = response.content.decode()
    assert "carol" not in text
    assert all(row["user_id"] == alice.pk for row in sections["review_logs"] + sections["card_states"])
    assert carol.pk not in {row.get("user_id") for rows in sections.values() for row in rows}


def _section_models():
    from studyapp.accounts.personal_data import sections

    return {s.name: s.model for s in sections() if s.model is not None}


def test_the_csv_download_has_one_file_per_section_with_every_row(client, people):
    alice = people[0]
    client.force_login(alice)
    response = client.get(reverse("data_download_csv"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    collected = personal_data_collect(user=alice)
    assert sorted(archive.namelist()) == sorted(f"{name}.csv" for name in collected)
    for name, rows in collected.items():
        table = list(csv.reader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))
        assert len(table) - 1 == len(rows), name
    logs = list(csv.DictReader(io.StringIO(archive.read("review_logs.csv").decode("utf-8-sig"))))
    assert {row["user_id"] for row in logs} == {str(alice.pk)}


def test_downloads_are_for_the_signed_in_learner_only(client, db):
    for name in ("data_download_json", "data_download_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.post(reverse(name)).status_code == 405


def test_deleting_asks_for_the_password_and_says_what_happens_to_teams(client, people):
    alice = people[0]
    client.force_login(alice)
    body = client.get(reverse("account_delete")).content.decode()
    assert "Your team “Alone” will be closed" in body
    response = client.post(reverse("account_delete"), {"password": "wrong-password"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_removes_every_row_of_theirs_and_nothing_of_anyone_elses(client, people):
    alice, bob, carol = people
    before_others = {who.pk: counts(who.pk) for who in (bob, carol)}
    assert all(counts(alice.pk).values())  # alice has rows in every table
    client.force_login(alice)
    response = client.post(reverse("account_delete"), {"password": "alice-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("account_deleted")
    assert not any(counts(alice.pk).values())
    assert not User.objects.filter(pk=alice.pk).exists()
    assert {who: counts(who) for who in before_others} == before_others
    # Her team alone is closed; bob's team goes on without her.
    assert not Team.objects.filter(name="Alone").exists()
    assert list(
        Membership.objects.filter(team__name="Bob's cohort")
        .values_list("user__username", flat=True)
        .order_by("user__username")
    ) == ["bob", "carol"]
    # Logged out, and told so.
    assert "_auth_user_id" not in client.session
    assert "have been deleted" in client.get(reverse("account_deleted")).content.decode()


def test_a_lead_who_deletes_their_account_leaves_the_team_to_its_longest_member(client, people):
    _alice, bob, carol = people
    dave = user("dave")
    team = Team.objects.get(name="Bob's cohort")
    teams.team_join(user=dave, invite=teams.invite_create(team=team))
    # alice joined before carol and dave: she is the longest member.
    alice_membership = Membership.objects.get(team=team, user__username="alice")
    Membership.objects.filter(pk=alice_membership.pk).update(joined_at=timezone.now() - timedelta(days=30))
    client.force_login(bob)
    body = client.get(reverse("account_delete")).content.decode()
    assert "will be led by alice" in body
    client.post(reverse("account_delete"), {"password": "bob-password-1"})
    assert Membership.objects.get(team=team, role="lead").user.username == "alice"
    assert Membership.objects.filter(team=team).count() == 3
    _ = carol


def test_wrong_passwords_on_the_delete_page_are_throttled(client, people, settings):
    settings.LOGIN_THROTTLE_PER_USERNAME_AND_IP = (2, 300)
    alice = people[0]
    client.force_login(alice)
    statuses = [client.post(reverse("account_delete"), {"password": "nope"}).status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    assert User.objects.filter(pk=alice.pk).exists()
    assert client.post(reverse("account_delete"), {"password": "alice-password-1"}).status_code == 429


def test_a_formula_in_a_team_name_stays_text_in_the_csv_download(client, db):
    from studyapp.teams.services import team_create

    learner = User.objects.create_user("nao", "nao@example.com", "nao-password-1")
    team_create(user=learner, name='=HYPERLINK("https://evil.example","Team")')
    client.force_login(learner)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("data_download_csv")).content))
    rows = list(csv.DictReader(io.StringIO(archive.read("team_memberships.csv").decode("utf-8-sig"))))
    assert rows[0]["team__name"] == '\'=HYPERLINK("https://evil.example","Team")'
