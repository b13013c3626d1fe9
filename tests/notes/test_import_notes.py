"""The import_notes command: reports, exit codes, atomicity and idempotence."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.notes.models import Card, Note, Option, TriggerWord
from tests import samples
from tests.conftest import NOTES, SEED

pytestmark = pytest.mark.django_db


def run_import(*paths, fmt="json", dry_run=False):
    """Run the command; return (exit code, parsed JSON or text)."""
    from io import StringIO

    out = StringIO()
    args = [str(p) for p in paths] + ["--format", fmt]
    if dry_run:
        args.append("--dry-run")
    code = 0
    try:
        call_command("import_notes", *args, stdout=out)
    except CommandError as exc:
        code = exc.returncode
    text = out.getvalue()
    return code, (json.loads(text) if fmt == "json" else text)


def test_the_seed_imports_as_it_is(seed_bytes):
    code, report = run_import(SEED)
    assert code == 0
    (note,) = report["notes"]
    assert note["status"] == "created"
    assert note["id"] == "SAP-56"
    assert note["correct"] == ["A", "E"]
    assert note["repaired"] is True
    assert isinstance(note["uncertain"], list)
    for item in note["uncertain"]:
        assert set(item) >= {"line", "char", "candidates"}
        assert item["char"] in item["candidates"]
    counts = note["counts"]
    assert counts["trigger_words"] == 3
    assert counts["options"] == 5
    assert counts["correct_options"] == 2
    assert counts["comparison_rows"] == 4
    assert counts["best_practices"] == 3
    assert counts["pitfalls"] == 2
    assert counts["tags"] == 5
    assert counts["cards"] == Card.objects.filter(note__note_id="SAP-56").count()


def test_the_seed_exports_as_proper_japanese(seed_bytes):
    from io import StringIO

    run_import(SEED)
    out = StringIO()
    call_command("export_notes", "SAP-56", "--format", "md", stdout=out)
    text = out.getvalue()
    for phrase in [
        "状況の読み解き",
        "勝負を決めるキーワード",
        "なぜその答えか",
        "比較と公式資料",
        "学習メモ",
        "選択肢の分析",
    ]:
        assert phrase in text
    assert "ã" not in text and "â" not in text


def test_the_shipped_notes_all_import():
    code, report = run_import(NOTES)
    assert code == 0, [n for n in report["notes"] if n["status"] == "failed"]
    assert report["summary"]["created"] >= 12
    ids = {n["id"] for n in report["notes"]}
    assert "SAP-56" in ids
    domains = set(Note.objects.values_list("domain", flat=True))
    assert len(domains) >= 4


def test_json_output_holds_only_json(write_note):
    path = write_note("a.md", samples.CANONICAL)
    code, report = run_import(path)  # json.loads would raise on anything else
    assert code == 0
    assert report["summary"]["created"] == 1


@pytest.mark.parametrize(
    "broken",
    [samples.NO_ID, samples.BAD_YAML, samples.UNCLOSED_FRONT_MATTER, samples.CORRECT_LETTER_WITHOUT_OPTION],
    ids=["no-id", "bad-yaml", "unclosed", "correct-without-option"],
)
def test_a_broken_note_fails_alone_and_stores_nothing(write_note, broken):
    good = write_note("good.md", samples.with_id(samples.CANONICAL, "GOOD-1"))
    bad = write_note("bad.md", samples.with_id(broken, "BAD-1"))
    code, report = run_import(good, bad)
    assert code == 1
    statuses = {n["path"]: n["status"] for n in report["notes"]}
    assert statuses == {str(good): "created", str(bad): "failed"}
    failed = next(n for n in report["notes"] if n["status"] == "failed")
    assert failed["errors"] and all(e["line"] >= 1 for e in failed["errors"])
    assert list(Note.objects.values_list("note_id", flat=True)) == ["GOOD-1"]


def test_text_output_names_path_and_line(write_note):
    bad = write_note("bad.md", samples.NO_ID)
    code, text = run_import(bad, fmt="text")
    assert code == 1
    assert f"{bad}:1: error: front matter has no 'id'" in text
    assert "failed" in text


def test_a_missing_path_is_a_usage_error(tmp_path):
    code, _ = run_import(tmp_path / "nope.md", fmt="text")
    assert code == 2


def test_dry_run_writes_nothing(write_note):
    path = write_note("a.md", samples.CANONICAL)
    code, report = run_import(path, dry_run=True)
    assert code == 0
    assert report["notes"][0]["status"] == "created"
    assert Note.objects.count() == 0


def test_two_files_with_one_id_fail_the_second(write_note):
    first = write_note("a.md", samples.CANONICAL)
    second = write_note("b.md", samples.CANONICAL.replace("S3 Cross-Region", "S3 CRR"))
    code, report = run_import(first, second)
    assert code == 1
    assert [n["status"] for n in report["notes"]] == ["created", "failed"]
    assert "also used by" in report["notes"][1]["errors"][0]["message"]


def test_an_unchanged_folder_reimports_as_unchanged_without_writing(write_note, tmp_path):
    write_note("notes/a.md", samples.CANONICAL)
    write_note("notes/b.md", samples.with_id(samples.ENGLISH_HEADINGS, "TST-2"))
    run_import(tmp_path / "notes")
    with CaptureQueriesContext(connection) as queries:
        code, report = run_import(tmp_path / "notes")
    assert code == 0
    assert [n["status"] for n in report["notes"]] == ["unchanged", "unchanged"]
    assert report["notes"][0]["correct"] == ["A", "C"]
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []


def test_crlf_copy_of_a_stored_note_is_unchanged(write_note):
    run_import(write_note("a.md", samples.CANONICAL))
    before = list(Card.objects.values_list("id", "updated_at"))
    code, report = run_import(write_note("b.md", samples.CANONICAL.replace("\n", "\r\n")))
    assert report["notes"][0]["status"] == "unchanged"
    assert list(Card.objects.values_list("id", "updated_at")) == before


def test_parts_are_replaced_on_update(write_note):
    path = write_note("a.md", samples.CANONICAL)
    run_import(path)
    path.write_text(samples.SIX_OPTIONS_THREE_CORRECT, encoding="utf-8")
    code, report = run_import(path)
    assert report["notes"][0]["status"] == "updated"
    note = Note.objects.get(note_id="TST-1")
    assert list(Option.objects.filter(note=note, is_correct=True).values_list("letter", flat=True)) == ["A", "C", "F"]
    assert TriggerWord.objects.filter(note=note).count() == 2


def test_a_note_another_import_created_meanwhile_is_updated_not_duplicated():
    from studyapp.notes.services import Catalog, NoteReport, note_import

    stale = Catalog.load()  # read before the other import stores TST-1
    note_import(raw=samples.CANONICAL.encode(), report=NoteReport(path="first.md"))
    edited = samples.CANONICAL.replace("レプリケーションには KMS 権限が必要。", "KMS の権限が要る。")
    report = note_import(raw=edited.encode(), report=NoteReport(path="second.md"), catalog=stale)
    assert report.status == "updated" and report.errors == []
    assert Note.objects.filter(note_id="TST-1").count() == 1
    assert "KMS の権限が要る。" in Note.objects.get(note_id="TST-1").source
