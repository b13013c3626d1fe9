"""Uploading notes in the browser: .md files or a .zip of a folder, through
the importer, with its report; many files in a background task with a
progress bar; limits, hostile archives and unreadable files refused with a
clear message and nothing stored."""

import io
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studyapp.authoring import services, upload_views, uploads
from studyapp.authoring.models import NoteAuthor, NoteVersion, UploadFile, UploadJob
from studyapp.notes.models import Card, Note
from tests import samples

pytestmark = pytest.mark.django_db


def note(note_id: str) -> bytes:
    return samples.with_id(samples.CANONICAL, note_id).encode("utf-8")


def md(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def archive(entries: list[tuple], name: str = "notes.zip") -> SimpleUploadedFile:
    """``entries``: (name, data) or (ZipInfo, data)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries:
            zf.writestr(entry, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def special(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (mode | 0o777) << 16
    info.create_system = 3  # Unix
    return info


def upload(client, *files, publish=True):
    data = {"files": list(files)}
    if publish:
        data["publish"] = "on"
    return client.post(reverse("authoring_upload"), data)


def nothing_stored():
    return not (Note.objects.exists() or UploadJob.objects.exists() or UploadFile.objects.exists())


@pytest.fixture
def as_ines(client, ines):
    client.force_login(ines)
    return client


def test_one_note_is_imported_at_once_with_the_importers_report(as_ines, ines):
    response = upload(as_ines, md("TST-1.md", note("TST-1")))
    job = UploadJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("authoring_upload_job", args=[job.pk])
    assert (job.status, job.done, job.total) == ("done", 1, 1)
    body = as_ines.get(response["Location"]).content.decode()
    assert 'id="upload-report"' in body and "TST-1.md" in body and "created" in body
    assert "1 note: 1 created, 0 updated, 0 unchanged, 0 failed, 0 repaired" in body
    created = Note.objects.get(note_id="TST-1")
    assert created.is_published and Card.objects.filter(note=created).count() == 11
    assert NoteAuthor.objects.filter(note=created, user=ines).exists()
    assert NoteVersion.objects.get(note=created).origin == "upload"
    assert not UploadFile.objects.exists()  # the files are dropped once imported


def test_two_hundred_notes_in_a_zip_run_in_the_background_with_progress(as_ines, monkeypatch):
    steps = []
    save = UploadJob.save

    def recording(self, *args, **kwargs):
        if "done" in (kwargs.get("update_fields") or []):
            steps.append(self.done)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(UploadJob, "save", recording)
    enqueued = []
    task = upload_views.tasks.import_upload

    class Recorded:
        def enqueue(self, *args):
            enqueued.append(args)
            return task.enqueue(*args)

    monkeypatch.setattr(upload_views.tasks, "import_upload", Recorded())
    files = [(f"notes/UP-{i:03d}.md", note(f"UP-{i:03d}")) for i in range(200)]
    response = upload(as_ines, archive(files))
    assert enqueued, "200 notes go to the background task"
    job = UploadJob.objects.get()
    assert (job.status, job.done, job.total) == ("done", 200, 200)
    assert steps == list(range(services.UPLOAD_BATCH, 201, services.UPLOAD_BATCH))  # progress after every group
    body = as_ines.get(response["Location"]).content.decode()
    assert '<progress id="upload-progress" value="200" max="200"' in body
    assert "200 notes: 200 created" in body
    assert body.count('<td data-label="File">notes.zip/notes/UP-') == 200
    assert Note.objects.count() == 200


def test_the_progress_fragment_polls_until_the_job_is_done(as_ines, ines):
    job = UploadJob.objects.create(user=ines, status="running", total=200, done=50)
    body = as_ines.get(
        reverse("authoring_upload_job", args=[job.pk]), headers={"HX-Request": "true", "HX-Target": "upload-job"}
    ).content.decode()
    assert body.lstrip().startswith('<section id="upload-job"')
    assert 'hx-trigger="every 1s"' in body and 'value="50" max="200"' in body and "50 of 200 notes (25%)" in body
    UploadJob.objects.filter(pk=job.pk).update(status="done", done=200)
    body = as_ines.get(
        reverse("authoring_upload_job", args=[job.pk]), headers={"HX-Request": "true", "HX-Target": "upload-job"}
    ).content.decode()
    assert "hx-trigger" not in body and "Done." in body


def test_a_queued_job_says_it_waits_for_the_worker(as_ines, ines):
    job = UploadJob.objects.create(user=ines, total=30)
    assert "db_worker" in as_ines.get(reverse("authoring_upload_job", args=[job.pk])).content.decode()


def test_a_failed_note_is_reported_with_its_line_and_the_others_are_imported(as_ines):
    broken = samples.CORRECT_LETTER_WITHOUT_OPTION.replace("TST-1", "BAD-1").encode()
    upload(as_ines, md("good.md", note("TST-1")), md("bad.md", broken))
    line = next(i for i, text in enumerate(broken.decode().split("\n"), 1) if "論理的根拠" in text)
    body = as_ines.get(reverse("authoring_upload_job", args=[UploadJob.objects.get().pk])).content.decode()
    assert f"bad.md:{line}: error:" in body
    assert list(Note.objects.values_list("note_id", flat=True)) == ["TST-1"]


def test_unticked_publish_keeps_new_notes_from_learners(as_ines):
    upload(as_ines, md("TST-1.md", note("TST-1")), publish=False)
    assert not Note.objects.get().is_published


def test_a_non_utf8_file_that_cannot_be_repaired_is_refused_and_nothing_of_it_stored(as_ines):
    text = samples.CANONICAL.replace("A company must replicate", "A café must replicate")
    raw = text.encode("utf-8").replace("café".encode(), b"caf\xe9")
    upload(as_ines, md("latin.md", raw))
    job = UploadJob.objects.get()
    (row,) = job.report["notes"]
    line = next(i for i, t in enumerate(text.split("\n"), 1) if "café" in t)
    assert row["status"] == "failed"
    assert row["errors"][0]["line"] == line and "save the file as UTF-8" in row["errors"][0]["message"]
    assert not Note.objects.exists() and not Card.objects.exists()


def test_an_upload_may_not_change_a_note_of_another_instructor(client, ines, otto, ines_note, house_note):
    client.force_login(otto)
    edited = samples.CANONICAL.replace("最小限", "最大限").encode()
    house = samples.with_id(samples.CANONICAL, "TST-2").replace("最小限", "最大限").encode()
    upload(client, md("mine.md", edited), md("house.md", house))
    rows = {r["path"]: r for r in UploadJob.objects.get().report["notes"]}
    assert rows["mine.md"]["status"] == "failed"
    assert "you do not write it" in rows["mine.md"]["errors"][0]["message"]
    assert rows["house.md"]["status"] == "updated"
    ines_note.refresh_from_db()
    assert "最大限" not in ines_note.source


# ---------------------------------------------------------------- refused whole, nothing stored


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (lambda: [archive([("../evil.md", note("EV-1"))])], "points outside the archive"),
        (lambda: [archive([("notes/../../evil.md", note("EV-1"))])], "points outside the archive"),
        (lambda: [archive([("/etc/evil.md", note("EV-1"))])], "is an absolute path"),
        (lambda: [archive([("C:/evil.md", note("EV-1"))])], "is an absolute path"),
        (lambda: [archive([(special("link.md", stat.S_IFLNK), b"/etc/passwd")])], "is a symbolic link"),
        (lambda: [archive([(special("dev.md", stat.S_IFCHR), b"")])], "is a character device"),
        (lambda: [archive([(special("pipe.md", stat.S_IFIFO), b"")])], "is a named pipe"),
        (lambda: [archive([("bomb.md", b"a" * 900_000)])], "a zip bomb?"),
        (lambda: [SimpleUploadedFile("broken.zip", b"PK\x03\x04 not really a zip")], "is not a zip archive that can be read"),
        (lambda: [md("notes.txt", note("TX-1"))], "is neither a .md note nor a .zip archive"),
        (lambda: [archive([("readme.txt", b"hello")])], "holds no .md note files"),
        (lambda: [md("big.md", b"x" * 1_000_001)], "the most a note may have"),
        (lambda: [], "Choose one or more .md files"),
    ],
)  # fmt: skip
def test_hostile_or_oversized_uploads_are_refused_whole(as_ines, files, message):
    response = upload(as_ines, *files())
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="upload-error"' in body and message in body
    assert nothing_stored()


def test_an_encrypted_entry_is_refused(as_ines):
    data = io.BytesIO(archive([("a.md", note("EN-1"))]).read())
    raw = bytearray(data.getvalue())
    # Set the "encrypted" flag in the local header and in the central directory.
    raw[6] |= 0x1
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    response = upload(as_ines, SimpleUploadedFile("enc.zip", bytes(raw)))
    assert response.status_code == 400 and "is encrypted" in response.content.decode()
    assert nothing_stored()


def test_more_files_than_the_limit_are_refused(as_ines, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILES", 3)
    response = upload(as_ines, archive([(f"n{i}.md", note(f"N-{i}")) for i in range(4)]))
    assert response.status_code == 400 and "More than 3 note files" in response.content.decode()
    assert nothing_stored()


def test_an_archive_that_unpacks_too_large_is_refused(as_ines, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 50_000)
    response = upload(as_ines, archive([(f"n{i}.md", note(f"N-{i}")) for i in range(30)]))
    assert response.status_code == 400 and "unpacks to more than" in response.content.decode()
    assert nothing_stored()


def test_a_request_larger_than_the_limit_is_refused_before_it_is_read(as_ines, monkeypatch):
    monkeypatch.setattr(upload_views, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr(upload_views, "FORM_OVERHEAD", 0)
    response = upload(as_ines, md("TST-1.md", note("TST-1")))
    assert response.status_code == 413 and "at most" in response.content.decode()
    assert nothing_stored()


def test_an_entry_larger_than_its_directory_says_is_refused(as_ines):
    data = bytearray(archive([("a.md", note("LI-1"))]).read())
    central = data.rfind(b"PK\x01\x02")
    size = int.from_bytes(data[central + 24 : central + 28], "little")
    data[central + 24 : central + 28] = (size - 100).to_bytes(4, "little")  # uncompressed size in the directory
    response = upload(as_ines, SimpleUploadedFile("lie.zip", bytes(data)))
    assert response.status_code == 400
    assert nothing_stored()


def test_a_job_runs_once(ines):
    job = services.upload_job_create(user=ines, entries=[uploads.Entry("a.md", note("ON-1"))])
    services.upload_job_run(job_id=job.pk)
    services.upload_job_run(job_id=job.pk)
    assert NoteVersion.objects.count() == 1 and UploadJob.objects.get().done == 1


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FILES = 15


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_worker_imports_the_upload(client, ines, settings):
    """As in production: the upload waits for ``db_worker``, the page says so
    and polls, and the worker imports it (a single small file too: no upload
    is imported while the browser waits)."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    client.force_login(ines)
    files = [(f"n/W-{i:02d}.md", note(f"W-{i:02d}")) for i in range(FILES)]
    response = upload(client, archive(files))
    job = UploadJob.objects.get()
    assert job.status == "queued" and not Note.objects.exists()
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).exists()
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "db_worker" in page and 'hx-trigger="every 1s"' in page
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", FILES)
    assert Note.objects.count() == FILES


@pytest.mark.django_db(transaction=True)
def test_even_one_small_note_is_imported_by_the_worker_not_the_request(client, ines, settings):
    """The web worker never runs the importer (a damaged megabyte costs
    seconds of repair and the repair model's memory): one file waits too."""
    settings.TASKS = DATABASE_TASKS
    client.force_login(ines)
    upload(client, archive([("n/ONE-1.md", note("ONE-1"))]))
    job = UploadJob.objects.get()
    assert job.status == "queued" and not Note.objects.exists()
