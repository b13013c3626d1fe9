"""The files of an upload, checked as they are read: ``.md`` files, or
``.zip`` archives of a folder of them.

Every upload is hostile until read. The request's size is refused before it
is read (``studyapp/request_size.py``); here, an archive's directory is read
one record at a time up to its entry limit, and every entry is measured while
it is unpacked, never trusting the sizes the archive declares
(``zip_entries.py``). What is wrong with one file — a path outside the
archive's folder, a link or a device, encryption, a compression other than
stored or deflate, a zip inside the zip, a note over the size limit or that
unpacks far larger than it is packed, damage — refuses that file only: it is
listed with the reason and the others are imported. What is wrong with the
upload as a whole (not a zip at all, too many entries or notes, too much
unpacked in all) refuses it whole, and nothing of it is kept. The note files
are yielded one at a time, so that the caller stores each before the next is
read: memory holds one note at a time. No Django models here: the views and
the tests call it directly."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyapp.authoring.zip_entries import ArchiveRefused, EntryRefused, members, read_member
from studyapp.notes.services import MAX_NOTE_BYTES

# Everything sent in one upload (the request is refused before it is read past this).
MAX_UPLOAD_BYTES = 20_000_000
# Note files in one upload, archives unpacked.
MAX_FILES = 1000
# Entries of one archive, of any kind (folders, other files).
MAX_ARCHIVE_ENTRIES = 5000
# What one upload may unpack to, in all.
MAX_UNPACKED_BYTES = 50_000_000
# Unpacked size over packed size, per entry, measured while unpacking.
# Markdown packs 3 to 10 times; a zip bomb, hundreds or thousands of times.
MAX_RATIO = 100
# Below this size a file cannot do harm, whatever its ratio (tiny files pack oddly).
RATIO_FLOOR = 64 * 1024
# Refusals listed in the message of an upload refused for holding no note.
_LISTED = 10

_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_NOT_FILES = (
    (stat.S_ISLNK, gettext_lazy("a symbolic link")),
    (stat.S_ISCHR, gettext_lazy("a character device")),
    (stat.S_ISBLK, gettext_lazy("a block device")),
    (stat.S_ISFIFO, gettext_lazy("a named pipe")),
    (stat.S_ISSOCK, gettext_lazy("a socket")),
)
_ENTRY_REASONS = {
    "encrypted": gettext_lazy("it is encrypted"),
    "method": gettext_lazy(
        "it is compressed with %(method)s; only stored or deflate entries are read "
        "(zip it again with the usual settings)"
    ),
    "too_large": gettext_lazy("it is larger than %(most)d bytes, the most a note may have"),
    "bomb": gettext_lazy("it unpacks more than %(ratio)d times larger than it is packed: a zip bomb?"),
    "not_as_declared": gettext_lazy("it is damaged: its size or checksum is not what the archive's directory says"),
    "damaged": gettext_lazy("it is damaged"),
}


class UploadRefused(Exception):
    """The whole upload is refused; the message says why, naming the file."""


@dataclass
class Entry:
    name: str
    data: bytes


class Unpacked:
    """The note files of an upload, read as they are iterated (once). After
    the iteration, ``skipped`` lists the files that are not notes and
    ``refused`` the notes that could not be read ({"path", "reason"})."""

    def __init__(self, files: list):
        if not files:
            raise UploadRefused(_("Choose one or more .md files or a .zip archive."))
        sent = sum(f.size or 0 for f in files)
        if sent > MAX_UPLOAD_BYTES:
            raise UploadRefused(too_large_message(sent))
        self.files = files
        self.skipped: list[str] = []
        self.refused: list[dict] = []
        self.count = 0
        self.unpacked_bytes = 0

    def __iter__(self) -> Iterator[Entry]:
        for upload in self.files:
            name = PurePosixPath(str(upload.name).replace("\\", "/")).name or "upload"
            lower = name.lower()
            if lower.endswith(".md"):
                data = upload.read(MAX_NOTE_BYTES + 1)
                if len(data) > MAX_NOTE_BYTES:
                    self.refuse(name, _ENTRY_REASONS["too_large"] % {"most": MAX_NOTE_BYTES})
                    continue
                yield self.counted(name, data)
            elif lower.endswith(".zip"):
                yield from self._archive(upload, name)
            else:
                raise UploadRefused(
                    _("%(name)s is neither a .md note nor a .zip archive of notes.") % {"name": name[:200]}
                )
        if not self.count:
            raise UploadRefused(self._nothing_to_import())

    def refuse(self, path: str, reason: str, *, unpacked: int = 0) -> None:
        self.refused.append({"path": _storable(path)[:500], "reason": str(reason)})
        self._spend(unpacked)

    def counted(self, name: str, data: bytes) -> Entry:
        self.count += 1
        if self.count > MAX_FILES:
            raise UploadRefused(
                _("More than %(n)d note files in one upload: upload them in several parts.") % {"n": MAX_FILES}
            )
        self._spend(len(data))
        return Entry(_storable(name), data)

    def _spend(self, unpacked: int) -> None:
        # What refused entries unpacked counts too: many entries sharing one
        # compressed stream would otherwise each cost a megabyte of work for free.
        self.unpacked_bytes += unpacked
        if self.unpacked_bytes > MAX_UNPACKED_BYTES:
            raise UploadRefused(
                _("The upload unpacks to more than %(mb)d MB: upload it in several parts.")
                % {"mb": MAX_UNPACKED_BYTES // 1_000_000}
            )

    def _archive(self, upload, archive: str) -> Iterator[Entry]:
        try:
            found = members(upload, most=MAX_ARCHIVE_ENTRIES)
        except ArchiveRefused as refused:
            if refused.code == "too_many":
                message = _("%(archive)s has more than %(n)d entries.") % {
                    "archive": archive,
                    "n": MAX_ARCHIVE_ENTRIES,
                }
            else:
                message = _("%(archive)s is not a zip archive that can be read.") % {"archive": archive}
            raise UploadRefused(message) from None
        for member in sorted(found, key=lambda m: m.name):
            path = f"{archive}/{member.name}"
            problem = _entry_problem(member)
            if problem:
                self.refuse(path, problem)
                continue
            if member.is_dir:
                continue
            base = PurePosixPath(member.name).name
            if member.name.startswith("__MACOSX/") or base.startswith("._") or not base.lower().endswith(".md"):
                self.skipped.append(_storable(path)[:500])
                continue
            try:
                data = read_member(upload, member, most=MAX_NOTE_BYTES, ratio=MAX_RATIO, ratio_floor=RATIO_FLOOR)
            except EntryRefused as refused:
                self.refuse(path, _ENTRY_REASONS[refused.code] % refused.params, unpacked=refused.produced)
                continue
            yield self.counted(path, data)

    def _nothing_to_import(self) -> str:
        if not self.refused:
            return _("The upload holds no .md note files.")
        listed = "; ".join(f"{r['path'][:200]}: {r['reason']}" for r in self.refused[:_LISTED])
        more = len(self.refused) - _LISTED
        if more > 0:
            listed += " " + _("(and %(n)d more)") % {"n": more}
        return _("No note of the upload could be read: %(refused)s.") % {"refused": listed}


def upload_unpack(files: list) -> Unpacked:
    """``files``: uploaded files (``name``, ``size``, file-like). Iterating
    the result reads the note files, in the order given (an archive's in name
    order), and raises UploadRefused if the upload must be refused whole."""
    return Unpacked(files)


def _storable(name: str) -> str:
    """A name PostgreSQL can store (no NUL, no lone surrogate), as it is shown."""
    return _UNSTORABLE.sub("\ufffd", name)


def too_large_message(size: int) -> str:
    return _("The upload is %(size).1f MB; at most %(limit)d MB may be uploaded at once.") % {
        "size": size / 1_000_000,
        "limit": MAX_UPLOAD_BYTES // 1_000_000,
    }


def _entry_problem(member) -> str:
    """Why an entry is refused before it is read, or ""."""
    problem = _unsafe_path(member.name)
    if problem:
        return problem
    kind = next((what for test, what in _NOT_FILES if test(member.unix_mode)), None)
    if kind:
        return _("it is %(kind)s") % {"kind": kind}
    if member.name.lower().endswith(".zip"):
        return _("it is a zip inside the zip: upload it on its own")
    return ""


def _unsafe_path(name: str) -> str:
    if "\x00" in name:
        return _("its name has a NUL character")
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return _("it is an absolute path")
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return _("it points outside the archive's folder")
    return ""
