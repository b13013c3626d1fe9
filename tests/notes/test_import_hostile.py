"""Hostile note files in a real import run, on SQLite and on PostgreSQL: each
fails (or is skipped) on its own with a path:line message, within bounded
time and memory, and the good notes of the same run still import."""

import os
import signal
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest

from studyapp.notes import services
from studyapp.notes.models import Note
from studyapp.notes.services import MAX_NOTE_BYTES, notes_import
from tests import samples
from tests.notes.test_import_notes import run_import
from tests.support.bounded import outcome, run_bounded

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(write_note):
    return write_note("notes/good.md", samples.with_id(samples.CANONICAL, "GOOD-1"))


def statuses(report: dict) -> dict[str, str]:
    return {Path(n["path"]).name: n["status"] for n in report["notes"]}


def failed(report: dict, name: str) -> dict:
    return next(n for n in report["notes"] if Path(n["path"]).name == name)


@contextmanager
def hang_guard(seconds: int = 120):
    """Fail instead of hanging for ever (a FIFO opened for reading blocks
    until a writer comes). Not a time window on the work: it only ends a hang."""

    def hung(signum, frame):
        raise TimeoutError("the import blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- characters PostgreSQL cannot store, and the rest of the class ----------


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.replace("マネージド機能", "マネージド\x00機能"),
        lambda t: t.replace("運用負荷が高い。", "運用負荷が\x1bが高い。"),
        lambda t: t.replace("運用負荷が高い。", "運用負荷が\x9dが高い。"),
        lambda t: t.replace('category: "Storage"', 'category: "Sto\\0rage"'),
        lambda t: t.replace('title: "S3 Cross-Region Replication"', 'title: "S3 \\ud800"'),
    ],
    ids=["nul-in-body", "escape-control", "c1-control", "nul-yaml-escape", "surrogate-yaml-escape"],
)
def test_a_note_with_an_unstorable_character_fails_alone_at_its_line(write_note, good, damage):
    # On PostgreSQL a NUL aborted the whole run with a traceback; SQLite stored it.
    text = damage(samples.with_id(samples.CANONICAL, "BAD-1"))
    bad = write_note("notes/bad.md", text.encode("utf-8", "surrogatepass"))
    code, report = run_import(bad.parent)
    assert code == 1
    assert statuses(report) == {"bad.md": "failed", "good.md": "created"}
    (error,) = failed(report, "bad.md")["errors"]
    assert error["line"] > 1
    assert "not allowed in a note" in error["message"] or "contains" in error["message"]
    assert list(Note.objects.values_list("note_id", flat=True)) == ["GOOD-1"]


def test_text_output_names_path_line_and_column(write_note):
    bad = write_note("bad.md", samples.CANONICAL.replace("マネージド機能", "マネージド\x00機能"))
    code, text = run_import(bad, fmt="text")
    assert code == 1
    line = samples.CANONICAL[: samples.CANONICAL.index("マネージド機能")].count("\n") + 1
    assert f"{bad}:{line}: error: column 37: a NUL character (U+0000) is not allowed in a note" in text


def test_an_alias_bomb_fails_alone_at_its_line(write_note, good):
    bomb = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
        f"l{i}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
    )
    text = samples.with_id(samples.CANONICAL, "BAD-1").replace("tags:", bomb + "tags: *i\nx:", 1)
    bad = write_note("notes/bad.md", text)
    code, report = run_import(bad.parent)
    assert code == 1
    assert statuses(report) == {"bad.md": "failed", "good.md": "created"}
    (error,) = failed(report, "bad.md")["errors"]
    first_anchor = text[: text.index("&a")].count("\n") + 1
    assert error == {
        "line": first_anchor,
        "message": "front matter: anchors and aliases (&name, *name) are not allowed",
    }


# -- size and type before reading --------------------------------------------


def test_an_oversized_file_is_refused_without_reading_it(write_note, good, tmp_path):
    big = tmp_path / "notes" / "big.md"
    with open(big, "wb") as f:
        f.truncate(20 * MAX_NOTE_BYTES)  # sparse: 20 MB that take no disk
    tracemalloc.start()
    try:
        run = notes_import(paths=[big.parent])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Reading it whole cost 105 MB; the limit is checked on fstat first, and
    # the whole run (the good note included) stays far below the file's size.
    assert peak < 5 * MAX_NOTE_BYTES
    report = {Path(r.path).name: r for r in run.notes}
    assert report["good.md"].status == "created"
    assert report["big.md"].status == "failed"
    assert [(p.line, p.message) for p in report["big.md"].errors] == [
        (0, f"file is {20 * MAX_NOTE_BYTES} bytes; a note may have at most {MAX_NOTE_BYTES}")
    ]


def test_at_most_the_limit_and_one_byte_is_read_from_a_file_that_grows(write_note, monkeypatch):
    path = write_note("grows.md", b"x" * (3 * MAX_NOTE_BYTES))
    real_fstat, real_read = os.fstat, os.read
    requested = []

    def small_fstat(fd):
        # The file was small when fstat looked; it grew before the reads.
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    def counting_read(fd, size):
        requested.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(services.os, "fstat", small_fstat)
    monkeypatch.setattr(services.os, "read", counting_read)
    with pytest.raises(services.NoteFileError, match="more than"):
        services.read_note_file(path)
    assert sum(requested) <= MAX_NOTE_BYTES + 1


def test_a_device_named_on_the_command_line_fails_without_reading():
    code, report = run_import(Path("/dev/null"))
    assert code == 1
    (note,) = report["notes"]
    assert note["errors"] == [{"line": 0, "message": "a character device, not a note file"}]


def test_dev_zero_is_refused_in_bounded_memory():
    # Read whole, /dev/zero filled memory until the process died: in a child
    # process with a memory limit.
    process = run_bounded(
        """
        import os
        from pathlib import Path
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
        os.environ["DEBUG"] = "true"
        import django
        django.setup()
        from studyapp.notes.services import NoteFileError, read_note_file
        try:
            read_note_file(Path("/dev/zero"))
        except NoteFileError as exc:
            print(exc, exc.skip)
        """,
        memory_mb=1024,
    )
    assert process.returncode == 0, outcome(process)
    assert process.stdout.strip() == "a character device, not a note file True"


def test_a_fifo_in_a_folder_is_skipped_with_a_message(good):
    fifo = good.parent / "pipe.md"
    os.mkfifo(fifo)
    with hang_guard():
        code, report = run_import(good.parent)
    assert code == 0
    assert statuses(report) == {"good.md": "created", "pipe.md": "skipped"}
    assert failed(report, "pipe.md")["warnings"] == [
        {"line": 0, "message": "a named pipe (FIFO), not a note file; skipped"}
    ]
    assert report["summary"]["skipped"] == 1


def test_a_fifo_named_on_the_command_line_fails_and_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with hang_guard():
        code, report = run_import(fifo)
    assert code == 1
    assert report["notes"][0]["errors"] == [{"line": 0, "message": "a named pipe (FIFO), not a note file"}]


def test_an_unreadable_folder_is_reported_not_skipped(good, write_note, monkeypatch):
    locked = write_note("notes/locked/inside.md", samples.with_id(samples.CANONICAL, "IN-1")).parent
    real_scandir = os.scandir

    def scandir(path):
        # As for a folder without read permission (the suite may run as root).
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(services.os, "scandir", scandir)
    code, report = run_import(good.parent)
    assert code == 1
    assert statuses(report) == {"locked": "failed", "good.md": "created"}
    assert failed(report, "locked")["errors"] == [{"line": 0, "message": "cannot read folder: Permission denied"}]


def test_an_unreadable_file_is_reported(good, write_note, monkeypatch):
    secret = write_note("notes/secret.md", samples.with_id(samples.CANONICAL, "SECRET-1"))
    real_open = os.open

    def deny(path, *args, **kwargs):
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(services.os, "open", deny)
    code, report = run_import(good.parent)
    assert code == 1
    assert failed(report, "secret.md")["errors"] == [{"line": 0, "message": "cannot read file: Permission denied"}]
    assert statuses(report)["good.md"] == "created"


def test_a_file_name_that_is_not_utf8_is_reported_and_stored_readably(tmp_path):
    # Its name decoded with surrogate escapes, which neither database (nor a
    # terminal) can take: the run crashed.
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.md")).write_text(samples.CANONICAL, encoding="utf-8")
    code, report = run_import(folder)
    assert code == 0
    (note,) = report["notes"]
    assert note["path"].endswith("caf\\xe9.md")
    assert Note.objects.get(note_id="TST-1").source_path.endswith("caf\\xe9.md")


def test_a_hostile_edit_does_not_compare_every_new_card_with_every_old_one(write_note, monkeypatch):
    from studyapp.notes import card_sync

    def note_with_pitfalls(word: str) -> str:
        pitfalls = "".join(f"> - {word} pitfall number {i} is a trap.\n" for i in range(200))
        return samples.CANONICAL.replace("> - Transfer Acceleration は複製ではない。\n", pitfalls)

    path = write_note("many.md", note_with_pitfalls("first"))
    assert run_import(path)[0] == 0
    compared = []
    real = card_sync.SequenceMatcher
    monkeypatch.setattr(card_sync, "SequenceMatcher", lambda *a, **k: compared.append(1) or real(*a, **k))
    path.write_text(note_with_pitfalls("second"), encoding="utf-8")
    code, report = run_import(path)
    assert code == 0 and report["notes"][0]["status"] == "updated"
    # 200 new pitfalls x 200 left-over ones: 40,000 comparisons before.
    assert len(compared) == 0
