"""A note whose id changes (SAP-56 -> SAP-56R, declared with previous_ids)
stays one note, and every learner keeps their history on the same cards."""

import pytest
from django.urls import reverse
from fsrs import Rating

from studyapp.accounts.models import Profile
from studyapp.notes.models import Card, Note, PreviousId
from studyapp.notes.services import NoteReport, note_import, notes_import
from studyapp.study import services
from studyapp.study.models import CardState, ReviewLog
from tests import samples
from tests.conftest import NOTES

pytestmark = pytest.mark.django_db

SAP_56 = (NOTES / "SAP-56.md").read_text(encoding="utf-8")


def renamed(text: str = SAP_56, old: str = "SAP-56", new: str = "SAP-56R", previous: str | None = None) -> str:
    """The note under a new id, declaring the old one (unless previous="")."""
    previous = f'["{old}"]' if previous is None else previous
    declaration = f"\nprevious_ids: {previous}" if previous else ""
    return text.replace(f'id: "{old}"', f'id: "{new}"{declaration}', 1).replace(f"({old})", f"({new})")


def import_text(text: str, path: str = "note.md", **kw) -> NoteReport:
    return note_import(raw=text.encode("utf-8"), report=NoteReport(path=path), **kw)


def run(write_note, *files: tuple[str, str], dry_run=False):
    paths = [write_note(name, text) for name, text in files]
    return notes_import(paths=paths, dry_run=dry_run)


def learner_history(user) -> tuple[list, list]:
    states = list(
        CardState.objects.filter(user=user)
        .order_by("pk")
        .values_list("pk", "card_id", "state", "stability", "difficulty", "due", "reps", "version")
    )
    logs = list(ReviewLog.objects.filter(user=user).order_by("pk").values_list("pk", "card_id", "rating", "state_id"))
    return states, logs


def study_some(user, answers=3):
    services.study_queue_sync(user=user, profile=user.profile)
    for _ in range(answers):
        state = CardState.objects.filter(user=user, state=CardState.State.NEW).order_by("new_rank").first()
        services.card_grade(
            user=user, profile=user.profile, state_id=state.pk, version=state.version, rating=Rating.Good
        )


def snapshot() -> dict:
    """Everything a failed import must leave as it was."""
    return {
        "notes": list(Note.objects.order_by("pk").values_list("pk", "note_id", "source_hash", "is_published")),
        "cards": list(Card.objects.order_by("pk").values_list("pk", "note_id", "key", "retired_at")),
        "previous": list(PreviousId.objects.values_list("old_id", "note_id")),
    }


@pytest.fixture
def studied(alice):
    """SAP-56 imported, and alice studied three of its cards."""
    report = import_text(SAP_56, path="notes/SAP-56.md")
    assert report.status == "created", report.errors
    study_some(alice)
    return alice


def test_a_declared_rename_keeps_one_note_and_every_learners_history(studied, client):
    note_pk = Note.objects.get().pk
    card_pks = set(Card.objects.values_list("pk", flat=True))
    states, logs = learner_history(studied)
    assert len(logs) == 3

    report = import_text(renamed(), path="notes/SAP-56R.md")

    assert (report.status, report.renamed_from, report.errors) == ("updated", "SAP-56", [])
    note = Note.objects.get()
    assert (note.pk, note.note_id) == (note_pk, "SAP-56R")
    assert set(Card.objects.values_list("pk", flat=True)) == card_pks
    assert all(key.startswith("SAP-56R:") for key in Card.objects.values_list("key", flat=True))
    assert Card.objects.filter(retired_at__isnull=False).count() == 0
    assert report.cards.created == 0 and report.cards.retired == 0
    # The learner's states and logs are the same rows, on the same cards, unchanged.
    assert learner_history(studied) == (states, logs)

    # The study queue shows each card once: no second note, no new states.
    services.study_queue_sync(user=studied, profile=studied.profile)
    assert CardState.objects.filter(user=studied).count() == Card.objects.count() == len(states)


def test_the_old_id_leads_to_the_renamed_note(studied, client, bob):
    import_text(renamed(), path="notes/SAP-56R.md")
    response = client.get(reverse("note_detail", args=["SAP-56"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("note_detail", args=["SAP-56R"])
    assert client.get(response["Location"]).status_code == 200
    # Not to a note the visitor may not see.
    Note.objects.update(is_published=False)
    client.force_login(bob)
    assert client.get(reverse("note_detail", args=["SAP-56"])).status_code == 404
    assert client.get(reverse("note_detail", args=["NEVER-1"])).status_code == 404


def test_a_learner_studying_the_old_note_studies_the_renamed_one(studied):
    profile = studied.profile
    services.study_scope_set(user=studied, profile=profile, kind=Profile.Scope.NOTE, value="SAP-56")
    in_scope = CardState.objects.filter(user=studied, in_scope=True).count()
    import_text(renamed(), path="notes/SAP-56R.md")
    profile.refresh_from_db()
    assert (profile.scope_kind, profile.scope_value) == (Profile.Scope.NOTE, "SAP-56R")
    services.study_queue_sync(user=studied, profile=profile)
    assert CardState.objects.filter(user=studied, in_scope=True).count() == in_scope > 0


def test_renaming_again_is_unchanged_and_the_old_file_is_refused(studied, write_note):
    first = run(write_note, ("SAP-56R.md", renamed()))
    assert [r.status for r in first.notes] == ["updated"]
    again = run(write_note, ("SAP-56R.md", renamed()))
    assert [r.status for r in again.notes] == ["unchanged"]
    before = snapshot()
    stale = run(write_note, ("SAP-56.md", SAP_56))
    (report,) = stale.notes
    assert report.status == "failed"
    assert "was renamed to SAP-56R" in report.errors[0].message
    assert snapshot() == before


@pytest.mark.parametrize("order", ["old-first", "new-first"])
def test_the_old_file_and_the_renamed_one_in_one_run_leave_one_note(studied, write_note, order):
    files = [("a.md", SAP_56), ("b.md", renamed())]
    if order == "new-first":
        files = [("a.md", renamed()), ("b.md", SAP_56)]
    result = run(write_note, *files)
    assert [r.status for r in result.notes].count("failed") == 1
    failed = next(r for r in result.notes if r.status == "failed")
    assert failed.errors and failed.errors[0].line >= 1
    assert Note.objects.count() == 1


def test_a_new_id_that_is_already_a_note_is_an_error_and_nothing_is_written(studied):
    other = import_text(samples.with_id(samples.CANONICAL, "SAP-56R"), path="other.md")
    assert other.status == "created"
    before = snapshot()
    states = learner_history(studied)

    report = import_text(renamed(), path="notes/SAP-56R.md")

    assert report.status == "failed"
    (error,) = report.errors
    assert "SAP-56R is already a note" in error.message
    assert error.line == renamed().split("\n").index('previous_ids: ["SAP-56"]') + 1
    assert snapshot() == before
    assert learner_history(studied) == states


def test_an_unknown_previous_id_is_a_warning_and_the_note_is_new(db):
    text = renamed(samples.CANONICAL, old="TST-1", new="TST-9", previous='["TST-0"]')
    report = import_text(text)
    assert report.status == "created"
    assert any("previous id TST-0 is not a note studyapp knows" in w.message for w in report.warnings)
    assert list(Note.objects.values_list("note_id", flat=True)) == ["TST-9"]


def test_two_files_claiming_one_previous_id_fail_the_second(studied, write_note):
    result = run(
        write_note,
        ("a.md", renamed(new="SAP-56R")),
        ("b.md", renamed(new="SAP-56S")),
    )
    assert [r.status for r in result.notes] == ["updated", "failed"]
    assert "previous id SAP-56 is also claimed by" in result.notes[1].errors[0].message
    assert list(Note.objects.values_list("note_id", flat=True)) == ["SAP-56R"]


def test_previous_ids_naming_two_notes_is_an_error(studied):
    import_text(samples.with_id(samples.CANONICAL, "OTHER-1"), path="other.md")
    before = snapshot()
    report = import_text(renamed(previous='["SAP-56", "OTHER-1"]'))
    assert report.status == "failed"
    assert "2 different notes" in report.errors[0].message
    assert snapshot() == before


def test_a_dry_run_reports_the_rename_and_writes_nothing(studied, write_note):
    before = snapshot()
    result = run(write_note, ("SAP-56R.md", renamed()), dry_run=True)
    (report,) = result.notes
    assert (report.status, report.renamed_from) == ("updated", "SAP-56")
    assert snapshot() == before


def test_a_dry_run_reports_a_refused_rename(studied, write_note):
    import_text(samples.with_id(samples.CANONICAL, "SAP-56R"), path="other.md")
    result = run(write_note, ("SAP-56R.md", renamed()), dry_run=True)
    assert result.notes[0].status == "failed"


def test_the_import_command_says_what_was_renamed(studied, write_note):
    from io import StringIO

    from django.core.management import call_command

    path = write_note("SAP-56R.md", renamed())
    out = StringIO()
    call_command("import_notes", str(path), stdout=out)
    assert "[renamed from SAP-56]" in out.getvalue()


def test_renaming_back_restores_the_old_id(studied):
    import_text(renamed(), path="n.md")
    back = renamed(renamed(), old="SAP-56R", new="SAP-56", previous='["SAP-56R"]')
    back = back.replace('previous_ids: ["SAP-56"]\n', "")
    report = import_text(back, path="n.md")
    assert (report.status, report.renamed_from) == ("updated", "SAP-56R"), report.errors
    assert list(Note.objects.values_list("note_id", flat=True)) == ["SAP-56"]
    assert list(PreviousId.objects.values_list("old_id", flat=True)) == ["SAP-56R"]
    assert all(key.startswith("SAP-56:") for key in Card.objects.values_list("key", flat=True))


def test_a_chain_of_renames_keeps_one_note(studied):
    import_text(renamed(), path="n.md")
    third = renamed(renamed(), old="SAP-56R", new="SAP-56-v3", previous='["SAP-56", "SAP-56R"]')
    third = third.replace('previous_ids: ["SAP-56"]\n', "")
    report = import_text(third, path="n.md")
    assert report.renamed_from == "SAP-56R", report.errors
    assert list(Note.objects.values_list("note_id", flat=True)) == ["SAP-56-v3"]
    assert sorted(PreviousId.objects.values_list("old_id", flat=True)) == ["SAP-56", "SAP-56R"]


def test_a_long_new_id_keeps_every_card(studied):
    long_id = "SAP-56-" + "x" * 57
    report = import_text(renamed(new=long_id), path="n.md")
    assert report.renamed_from == "SAP-56", report.errors
    assert report.cards.created == 0 and report.cards.retired == 0
    keys = list(Card.objects.values_list("key", flat=True))
    assert all(key.startswith(f"{long_id}:") and len(key) <= 200 for key in keys)
    assert len(set(keys)) == len(keys)


def test_an_undeclared_id_change_at_the_same_path_warns_and_suggests_previous_ids(db, write_note):
    run(write_note, ("SAP-56.md", SAP_56))
    text = renamed(previous="")
    result = run(write_note, ("SAP-56.md", text))
    (report,) = result.notes
    assert report.status == "created"
    (warning,) = [w for w in report.warnings if "previous_ids" in w.message]
    assert "brought note SAP-56 before" in warning.message
    assert "previous_ids: [SAP-56]" in warning.message
    assert warning.line == text.split("\n").index('id: "SAP-56R"') + 1


def test_no_same_path_warning_when_the_change_is_declared_or_the_old_note_unpublished(db, write_note):
    run(write_note, ("SAP-56.md", SAP_56))
    result = run(write_note, ("SAP-56.md", renamed()))
    assert not [w for w in result.notes[0].warnings if "brought note" in w.message]
    run(write_note, ("X.md", samples.CANONICAL))
    Note.objects.filter(note_id="TST-1").update(is_published=False)
    result = run(write_note, ("X.md", samples.with_id(samples.CANONICAL, "TST-2")))
    assert not [w for w in result.notes[0].warnings if "brought note" in w.message]


def test_previous_ids_are_read_from_a_list_or_a_string_and_checked():
    from studyapp.noteformat.parser import parse_note

    def previous(value):
        text = samples.CANONICAL.replace('id: "TST-1"', f'id: "TST-1"\nprevious_ids: {value}')
        result = parse_note(text)
        return result.note.meta.previous_ids, [w.message for w in result.warnings if "previous" in w.message]

    assert previous('["A-1", "B-2"]') == (["A-1", "B-2"], [])
    assert previous("A-1, B-2") == (["A-1", "B-2"], [])
    assert previous("[A-1, A-1]") == (["A-1"], [])
    ids, warnings = previous('["TST-1", "bad id!", {x: 1}]')
    assert ids == [] and len(warnings) == 3
    ids, warnings = previous("{a: 1}")
    assert ids == [] and warnings == ["'previous_ids' should be a list of note ids; ignored"]
