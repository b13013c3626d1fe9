"""An archive's entries are judged one by one, by what they really hold:
only stored and deflate entries are read, sizes are measured while
unpacking (never taken from the headers), and an entry that is refused —
over-compressible, lying about its size, compressed otherwise, escaping its
folder, a zip in the zip — is listed in the report while the good notes of
the same archive are imported. What concerns the archive itself (too many
entries, however few it declares) refuses it whole, storing nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bench import hostile_zips as zips
from studyapp.authoring import services, uploads
from studyapp.authoring.models import UploadFile, UploadJob
from studyapp.notes.models import Note
from tests.authoring.test_uploads import note, nothing_stored, upload

pytestmark = pytest.mark.django_db
MB = 1 << 20


@pytest.fixture
def as_ines(client, ines):
    client.force_login(ines)
    return client


def zipped(members: list[zips.Member], name: str = "notes.zip", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, zips.build(members, **kwargs), content_type="application/zip")


def good_notes() -> list[zips.Member]:
    return [zips.member("notes/GOOD-1.md", note("GOOD-1")), zips.member("notes/GOOD-2.md", note("GOOD-2"))]


def imported_with_refusals(client, response) -> tuple[list[str], dict[str, str], str]:
    assert response.status_code == 302, response.content.decode()[:2000]
    job = UploadJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    refused = {r["path"]: r["reason"] for r in job.report["refused"]}
    return sorted(Note.objects.values_list("note_id", flat=True)), refused, page


def test_an_over_compressible_note_is_refused_alone_and_the_good_notes_are_imported(as_ines):
    bomb = zips.member("notes/bomb.md", b"a" * 900_000)
    response = upload(as_ines, zipped([*good_notes(), bomb]))
    ids, refused, page = imported_with_refusals(as_ines, response)
    assert ids == ["GOOD-1", "GOOD-2"]
    assert "zip bomb?" in refused["notes.zip/notes/bomb.md"]
    assert 'id="upload-refused"' in page and "notes.zip/notes/bomb.md" in page and "zip bomb?" in page


@pytest.mark.parametrize("method", [zips.DEFLATED, zips.STORED])
def test_an_entry_that_declares_900_bytes_and_holds_more_is_refused_alone(as_ines, method):
    real = 256 * MB if method == zips.DEFLATED else 2 * MB
    liar = zips.lying_member("notes/liar.md", method=method, real_size=real)
    response = upload(as_ines, zipped([*good_notes(), liar]))
    ids, refused, _ = imported_with_refusals(as_ines, response)
    assert ids == ["GOOD-1", "GOOD-2"] and list(refused) == ["notes.zip/notes/liar.md"]


@pytest.mark.parametrize(("method", "named"), [(zips.BZIP2, "bzip2"), (zips.LZMA, "LZMA")])
def test_entries_compressed_otherwise_than_deflate_are_refused_by_name(as_ines, method, named):
    honest = zips.member("notes/other.md", note("OTHER-1"), method=method)
    liar = zips.lying_member("notes/liar.md", method=method, real_size=4 * MB)
    response = upload(as_ines, zipped([*good_notes(), honest, liar]))
    ids, refused, page = imported_with_refusals(as_ines, response)
    assert ids == ["GOOD-1", "GOOD-2"]
    assert set(refused) == {"notes.zip/notes/other.md", "notes.zip/notes/liar.md"}
    assert all(f"compressed with {named}; only stored or deflate" in reason for reason in refused.values())


def test_stored_entries_are_read(as_ines):
    stored = [zips.member("a/ST-1.md", note("ST-1"), method=zips.STORED)]
    ids, refused, _ = imported_with_refusals(as_ines, upload(as_ines, zipped(stored)))
    assert ids == ["ST-1"] and refused == {}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.md", "points outside the archive's folder"),
        ("notes/../../evil.md", "points outside the archive's folder"),
        ("/etc/evil.md", "is an absolute path"),
        ("notes/inner.zip", "a zip inside the zip"),
    ],
)
def test_an_entry_that_escapes_its_folder_or_nests_a_zip_is_refused_alone(as_ines, name, reason):
    response = upload(as_ines, zipped([*good_notes(), zips.member(name, note("EVIL-1"))]))
    ids, refused, _ = imported_with_refusals(as_ines, response)
    assert ids == ["GOOD-1", "GOOD-2"] and reason in refused[f"notes.zip/{name}"]


def test_a_symbolic_link_beside_good_notes_is_refused_alone(as_ines):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("ok.md", note("OK-1"))
        link = zipfile.ZipInfo("link.md")
        link.create_system, link.external_attr = 3, (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    ids, refused, _ = imported_with_refusals(as_ines, upload(as_ines, SimpleUploadedFile("l.zip", buffer.getvalue())))
    assert ids == ["OK-1"] and "is a symbolic link" in refused["l.zip/link.md"]


def test_a_damaged_entry_is_refused_alone(as_ines):
    broken = zips.member("notes/broken.md", note("BROKEN-1"))
    broken.crc ^= 1
    ids, refused, _ = imported_with_refusals(as_ines, upload(as_ines, zipped([*good_notes(), broken])))
    assert ids == ["GOOD-1", "GOOD-2"] and "damaged" in refused["notes.zip/notes/broken.md"]


def test_more_entries_than_the_limit_refuse_the_archive_whatever_it_declares(as_ines, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ARCHIVE_ENTRIES", 3)
    entries = [zips.member(f"n/{i}.md", note(f"N-{i}")) for i in range(4)]
    response = upload(as_ines, zipped(entries, count=1))  # the end record says 1
    assert response.status_code == 400 and "has more than 3 entries" in response.content.decode()
    assert nothing_stored()


def test_an_archive_of_only_refused_entries_is_refused_naming_them(as_ines):
    response = upload(as_ines, zipped([zips.member("../a.md", note("A-1")), zips.member("b.md", b"b" * 900_000)]))
    body = response.content.decode()
    assert response.status_code == 400 and "No note of the upload could be read" in body
    assert "notes.zip/../a.md" in body and "notes.zip/b.md" in body
    assert nothing_stored()


def test_a_zip64_archive_is_read(as_ines):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("Z64-1.md", "w", force_zip64=True) as entry,
    ):
        entry.write(note("Z64-1"))
    ids, refused, _ = imported_with_refusals(as_ines, upload(as_ines, SimpleUploadedFile("z.zip", buffer.getvalue())))
    assert ids == ["Z64-1"] and refused == {}


def test_the_files_are_stored_one_at_a_time_as_they_are_read(ines):
    """The upload's notes are never all in memory: each is stored before the next is read."""
    stored_before_read = []
    files = [SimpleUploadedFile(f"S-{i}.md", note(f"S-{i}")) for i in range(3)]
    unpacked = uploads.upload_unpack(files)

    def entries():
        for entry in unpacked:
            stored_before_read.append(UploadFile.objects.count())
            yield entry

    services.upload_job_create(user=ines, entries=entries())
    assert stored_before_read == [0, 1, 2]


def test_the_job_page_lists_refusals_in_japanese(as_ines):
    bomb = zips.member("notes/bomb.md", b"a" * 900_000)
    response = upload(as_ines, zipped([*good_notes(), bomb]))
    page = as_ines.get(response["Location"], headers={"Accept-Language": "ja"}).content.decode()
    assert "取り込まなかったファイル" in page


def test_an_entry_named_with_a_nul_is_refused_alone_and_its_name_stored_safely(as_ines):
    response = upload(as_ines, zipped([*good_notes(), zips.member("notes/a\x00b.md", note("NUL-1"))]))
    ids, refused, _ = imported_with_refusals(as_ines, response)
    assert ids == ["GOOD-1", "GOOD-2"] and "NUL character" in refused["notes.zip/notes/a\ufffdb.md"]


def test_what_refused_entries_unpack_counts_towards_the_uploads_limit(as_ines, monkeypatch):
    """Entries refused after unpacking a megabyte each (as thousands of
    entries sharing one compressed stream would be) cannot make the reader
    unpack without end."""
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 3_000_000)
    words = " ".join(f"word{i * 7919 % 10007}" for i in range(300_000)).encode()  # 2.6 MB, packs ~4 times
    big = zips.member("notes/big-0.md", words)
    copies = [zips.Member(f"notes/big-{i}.md", big.packed, big.method, big.crc, big.size) for i in range(1, 5)]
    response = upload(as_ines, zipped([*good_notes(), big, *copies]))
    assert response.status_code == 400 and "unpacks to more than" in response.content.decode()
    assert nothing_stored()


class _Unseekable(io.RawIOBase):
    """Where zipfile writes sizes after each entry (a data descriptor), as
    macOS's Archive Utility and streaming zippers do."""

    def __init__(self):
        self.buffer = io.BytesIO()

    def writable(self):
        return True

    def write(self, data):
        return self.buffer.write(data)


def test_an_archive_with_data_descriptors_is_read(as_ines):
    out = _Unseekable()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("notes/DD-1.md", note("DD-1"))
    raw = out.buffer.getvalue()
    assert raw[6] & 0x08, "the entry has a data descriptor"
    ids, refused, _ = imported_with_refusals(as_ines, upload(as_ines, SimpleUploadedFile("dd.zip", raw)))
    assert ids == ["DD-1"] and refused == {}


def test_a_japanese_windows_name_is_shown_as_written(as_ines):
    """Windows' "Send to > Compressed folder" writes names in Shift_JIS, without the UTF-8 flag."""
    name = "ノート/JP-1.md".encode("cp932")
    response = upload(as_ines, zipped([zips.member(name, note("JP-1")), zips.member("../x.md", b"x")]))
    ids, refused, page = imported_with_refusals(as_ines, response)
    assert ids == ["JP-1"] and "notes.zip/ノート/JP-1.md" in page
