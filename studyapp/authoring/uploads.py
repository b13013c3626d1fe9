"""The files of an upload, checked before anything is stored: ``.md`` files,
or ``.zip`` archives of a folder of them.

Every upload is hostile until read. Limits on the size sent, on the number
of files, on each file's size and on the size an archive unpacks to, and on
its compression ratio (a zip bomb unpacks a few kilobytes into gigabytes),
are checked on the archive's directory before a byte is unpacked, and again
while unpacking (a directory may lie). An archive with a path outside its
folder (``../``, an absolute path, a drive letter), a symbolic link, a
device or an encrypted entry is refused whole. Nothing of a refused upload
is kept. No Django models here: the views and the tests call it directly."""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyapp.notes.services import MAX_NOTE_BYTES

# Everything sent in one upload (the request is refused before it is read past this).
MAX_UPLOAD_BYTES = 20_000_000
# Note files in one upload, archives unpacked.
MAX_FILES = 1000
# Entries of one archive, of any kind (folders, other files).
MAX_ARCHIVE_ENTRIES = 5000
# What one upload may unpack to, in all.
MAX_UNPACKED_BYTES = 50_000_000
# Unpacked size over packed size, per entry and per archive. Markdown packs
# 3 to 10 times; a zip bomb, hundreds or thousands of times.
MAX_RATIO = 100
# Below this size a file cannot do harm, whatever its ratio (tiny files pack oddly).
RATIO_FLOOR = 64 * 1024

_DRIVE = re.compile(r"^[A-Za-z]:")
_NOT_FILES = (
    (stat.S_ISLNK, gettext_lazy("a symbolic link")),
    (stat.S_ISCHR, gettext_lazy("a character device")),
    (stat.S_ISBLK, gettext_lazy("a block device")),
    (stat.S_ISFIFO, gettext_lazy("a named pipe")),
    (stat.S_ISSOCK, gettext_lazy("a socket")),
)


class UploadRefused(Exception):
    """The whole upload is refused; the message says why, naming the file."""


@dataclass
class Entry:
    name: str
    data: bytes


@dataclass
class Unpacked:
    entries: list[Entry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not note files (kept out, listed in the report)
    unpacked_bytes: int = 0

    def add(self, name: str, data: bytes) -> None:
        if len(self.entries) >= MAX_FILES:
            raise UploadRefused(
                _("More than %(n)d note files in one upload: upload them in several parts.") % {"n": MAX_FILES}
            )
        self.unpacked_bytes += len(data)
        if self.unpacked_bytes > MAX_UNPACKED_BYTES:
            raise UploadRefused(
                _("The upload unpacks to more than %(mb)d MB: upload it in several parts.")
                % {"mb": MAX_UNPACKED_BYTES // 1_000_000}
            )
        self.entries.append(Entry(name, data))


def upload_unpack(files: list) -> Unpacked:
    """``files``: uploaded files (``name``, ``size``, file-like). Returns the
    note files to import, in the order given (an archive's in name order)."""
    if not files:
        raise UploadRefused(_("Choose one or more .md files or a .zip archive."))
    sent = sum(f.size or 0 for f in files)
    if sent > MAX_UPLOAD_BYTES:
        raise UploadRefused(too_large_message(sent))
    unpacked = Unpacked()
    for upload in files:
        name = PurePosixPath(str(upload.name).replace("\\", "/")).name or "upload"
        lower = name.lower()
        if lower.endswith(".md"):
            _check_note_size(name, upload.size or 0)
            data = upload.read(MAX_NOTE_BYTES + 1)
            _check_note_size(name, len(data))
            unpacked.add(name, data)
        elif lower.endswith(".zip"):
            _unpack_zip(upload, name, unpacked)
        else:
            raise UploadRefused(_("%(name)s is neither a .md note nor a .zip archive of notes.") % {"name": name[:200]})
    if not unpacked.entries:
        raise UploadRefused(_("The upload holds no .md note files."))
    return unpacked


def too_large_message(size: int) -> str:
    return _("The upload is %(size).1f MB; at most %(limit)d MB may be uploaded at once.") % {
        "size": size / 1_000_000,
        "limit": MAX_UPLOAD_BYTES // 1_000_000,
    }


def _check_note_size(name: str, size: int) -> None:
    if size > MAX_NOTE_BYTES:
        raise UploadRefused(
            _("%(name)s is larger than %(limit)d bytes, the most a note may have.")
            % {"name": name[:200], "limit": MAX_NOTE_BYTES}
        )


def _unpack_zip(upload, archive: str, unpacked: Unpacked) -> None:
    try:
        with zipfile.ZipFile(upload) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ARCHIVE_ENTRIES:
                raise UploadRefused(
                    _("%(archive)s has more than %(n)d entries.") % {"archive": archive, "n": MAX_ARCHIVE_ENTRIES}
                )
            notes = _checked_entries(infos, archive, upload.size or 0, unpacked)
            for info in notes:
                _check_note_size(f"{archive}/{info.filename}", info.file_size)
                with zf.open(info) as member:
                    data = member.read(MAX_NOTE_BYTES + 1)
                if len(data) != info.file_size:
                    raise UploadRefused(
                        _("%(archive)s is damaged: %(name)s is not the size its directory says.")
                        % {"archive": archive, "name": info.filename[:200]}
                    )
                unpacked.add(f"{archive}/{info.filename}", data)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
        raise UploadRefused(
            _("%(archive)s is not a zip archive that can be read (%(reason)s).")
            % {"archive": archive, "reason": str(exc)[:200] or type(exc).__name__}
        ) from None


def _checked_entries(infos: list[zipfile.ZipInfo], archive: str, packed: int, unpacked: Unpacked) -> list:
    """The note entries, once every entry has passed: no unsafe path, link,
    device or encryption anywhere; sizes and ratios within the limits."""
    notes = []
    declared = 0
    for info in infos:
        name = info.filename
        shown = {"archive": archive, "name": name[:200]}
        problem = _unsafe_path(name)
        if problem:
            raise UploadRefused(_("%(archive)s is refused: %(name)s %(problem)s.") % {**shown, "problem": problem})
        mode = info.external_attr >> 16
        kind = next((what for test, what in _NOT_FILES if test(mode)), None)
        if kind:
            raise UploadRefused(_("%(archive)s is refused: %(name)s is %(kind)s.") % {**shown, "kind": kind})
        if info.flag_bits & 0x1:
            raise UploadRefused(_("%(archive)s is refused: %(name)s is encrypted.") % shown)
        if info.is_dir():
            continue
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UploadRefused(
                _(
                    "%(archive)s is refused: %(name)s unpacks %(ratio)d times larger than it is packed "
                    "(at most %(limit)d): a zip bomb?"
                )
                % {**shown, "ratio": info.file_size // max(info.compress_size, 1), "limit": MAX_RATIO}
            )
        declared += info.file_size
        base = PurePosixPath(name).name
        if name.startswith("__MACOSX/") or base.startswith("._") or not base.lower().endswith(".md"):
            unpacked.skipped.append(f"{archive}/{name}"[:500])
            continue
        notes.append(info)
    if declared > MAX_UNPACKED_BYTES - unpacked.unpacked_bytes:
        raise UploadRefused(
            _("%(archive)s unpacks to more than %(mb)d MB: upload it in several parts.")
            % {"archive": archive, "mb": MAX_UNPACKED_BYTES // 1_000_000}
        )
    if declared > RATIO_FLOOR and declared > MAX_RATIO * max(packed, 1):
        raise UploadRefused(
            _("%(archive)s unpacks %(ratio)d times larger than it is (at most %(limit)d): a zip bomb?")
            % {"archive": archive, "ratio": declared // max(packed, 1), "limit": MAX_RATIO}
        )
    return sorted(notes, key=lambda i: i.filename)


def _unsafe_path(name: str) -> str:
    if "\x00" in name:
        return _("has a NUL character in its name")
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return _("is an absolute path")
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return _("points outside the archive's folder")
    return ""
