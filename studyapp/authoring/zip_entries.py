"""Reading a zip archive that may lie, in bounded memory.

Python's ``zipfile`` builds an object for every entry of the central
directory before one can be counted, reads the directory whole, and hands
bzip2 and LZMA chunks to decompressors that expand them whole (a 4 kB chunk
of bzip2 can hold hundreds of megabytes). Here the directory is read one
record at a time and counting stops at the limit; an entry is read only if it
is stored or deflated, in chunks, its output counted as it comes
(``zlib.decompressobj`` with ``max_length``) and cut at the limit or as soon
as it outgrows its packed size more than the ratio allows. Sizes written in
the archive are used to find the data, never to decide how much is safe to
read; an entry whose real size or CRC differs from its directory's is damaged.

A problem with one entry raises ``EntryRefused`` (the caller refuses that
entry and goes on); a problem with the archive itself (no directory, more
entries than allowed) raises ``ArchiveRefused``. No Django here."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

STORED, DEFLATED = 0, 8
METHOD_NAMES = {
    1: "Shrink",
    6: "Implode",
    9: "Deflate64",
    12: "bzip2",
    14: "LZMA",
    93: "Zstandard",
    95: "XZ",
    98: "PPMd",
}
READ_CHUNK = 64 * 1024

_EOCD = struct.Struct("<4sHHHHIIH")  # end of central directory
_EOCD64_LOCATOR = struct.Struct("<4sIQI")
_EOCD64 = struct.Struct("<4sQHHIIQQQQ")
_CENTRAL = struct.Struct("<4sBBBBHHHHIIIHHHHHII")
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_MAX_COMMENT = 65535
_FULL16, _FULL32 = 0xFFFF, 0xFFFFFFFF


class _Refused(Exception):
    """``code`` says why (the caller words it), ``params`` the figures."""

    # Bytes unpacked before the refusal: they cost the reader as much as kept ones.
    produced = 0

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code, self.params = code, params


class ArchiveRefused(_Refused):
    """The archive cannot be read at all: not_zip, damaged, too_many (n)."""


class EntryRefused(_Refused):
    """One entry cannot be read; the others may be: encrypted, method
    (method), too_large (most), bomb (ratio), not_as_declared, damaged."""


@dataclass(frozen=True)
class Member:
    name: str
    raw_name: bytes
    method: int
    flags: int
    crc: int
    packed: int  # as the directory says
    size: int  # as the directory says
    offset: int  # of the local header, in the file
    unix_mode: int  # 0 unless made on Unix

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


def members(fp, *, most: int) -> list[Member]:
    """The entries of the archive's central directory, in order; more than
    ``most`` refuse the archive before the rest are read."""
    fp.seek(0, 2)
    file_size = fp.tell()
    cd_start, cd_size, concat = _directory_location(fp, file_size)
    found: list[Member] = []
    position, end = cd_start, cd_start + cd_size
    fp.seek(position)
    while position < end:
        record = fp.read(_CENTRAL.size)
        if len(record) < _CENTRAL.size or record[:4] != b"PK\x01\x02":
            raise ArchiveRefused("damaged")
        fields = _CENTRAL.unpack(record)
        create_system, flags, method = fields[2], fields[5], fields[6]
        crc, packed, size = fields[9], fields[10], fields[11]
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        external, offset = fields[17], fields[18]
        variable = fp.read(name_len + extra_len + comment_len)
        if len(variable) < name_len + extra_len + comment_len:
            raise ArchiveRefused("damaged")
        position += _CENTRAL.size + len(variable)
        if len(found) >= most:
            raise ArchiveRefused("too_many", n=most)
        raw_name = variable[:name_len]
        size, packed, offset = _zip64_sizes(variable[name_len : name_len + extra_len], size, packed, offset)
        found.append(
            Member(
                name=_decoded(raw_name, flags),
                raw_name=raw_name,
                method=method,
                flags=flags,
                crc=crc,
                packed=packed,
                size=size,
                offset=offset + concat,
                unix_mode=(external >> 16) if create_system == 3 else 0,
            )
        )
    return found


def read_member(fp, member: Member, *, most: int, ratio: int, ratio_floor: int) -> bytes:
    """The entry's bytes, at most ``most`` of them. Refused: encrypted, a
    method other than stored or deflate, larger than ``most``, more than
    ``ratio`` times its packed size once above ``ratio_floor``, or damaged."""
    if member.flags & 0x1:
        raise EntryRefused("encrypted")
    if member.method not in (STORED, DEFLATED):
        raise EntryRefused("method", method=METHOD_NAMES.get(member.method, f"method {member.method}"))
    fp.seek(member.offset)
    header = fp.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise EntryRefused("damaged")
    name_len, extra_len = _LOCAL.unpack(header)[9:11]
    if fp.read(name_len) != member.raw_name:
        raise EntryRefused("damaged")
    fp.seek(extra_len, 1)
    if member.method == STORED:
        data = _stored(fp, member, most)
    else:
        data = _inflated(fp, member, most, ratio, ratio_floor)
    if zlib.crc32(data) != member.crc or len(data) != member.size:
        refused = EntryRefused("not_as_declared")
        refused.produced = len(data)
        raise refused
    return data


def _stored(fp, member: Member, most: int) -> bytes:
    if member.packed > most:
        raise EntryRefused("too_large", most=most)
    data = fp.read(member.packed)
    if len(data) < member.packed:
        raise EntryRefused("damaged")
    return data


def _inflated(fp, member: Member, most: int, ratio: int, ratio_floor: int) -> bytes:
    inflater = zlib.decompressobj(-15)
    parts: list[bytes] = []
    produced = consumed = 0
    left = member.packed  # read no further than the entry's packed bytes
    pending = b""
    try:
        while not inflater.eof:
            if not pending:
                if left <= 0:
                    raise EntryRefused("damaged")
                pending = fp.read(min(READ_CHUNK, left))
                if not pending:
                    raise EntryRefused("damaged")
                left -= len(pending)
                consumed += len(pending)
            try:
                out = inflater.decompress(pending, min(READ_CHUNK, most + 1 - produced))
            except zlib.error:
                raise EntryRefused("damaged") from None
            pending = inflater.unconsumed_tail
            produced += len(out)
            parts.append(out)
            if produced > most:
                raise EntryRefused("too_large", most=most)
            packed_so_far = max(consumed - len(pending), 1)
            if produced > ratio_floor and produced > ratio * packed_so_far:
                raise EntryRefused("bomb", ratio=ratio)
    except EntryRefused as refused:
        refused.produced = produced
        raise
    return b"".join(parts)


def _directory_location(fp, file_size: int) -> tuple[int, int, int]:
    """(start, size) of the central directory in the file, and how far every
    offset is shifted (bytes before the archive, as in a self-extractor)."""
    tail_size = min(file_size, _EOCD.size + _MAX_COMMENT)
    fp.seek(file_size - tail_size)
    tail = fp.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    while at >= 0 and at + _EOCD.size + _EOCD.unpack_from(tail, at)[7] != len(tail):
        at = tail.rfind(b"PK\x05\x06", 0, at)
    if at < 0 or at + _EOCD.size > len(tail):
        raise ArchiveRefused("not_zip")
    eocd_at = file_size - tail_size + at
    _, _, _, _, count, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, at)
    directory_end = eocd_at
    if count == _FULL16 or _FULL32 in (cd_size, cd_offset):
        locator_at = eocd_at - _EOCD64_LOCATOR.size
        record_at = locator_at - _EOCD64.size
        if record_at < 0:
            raise ArchiveRefused("damaged")
        fp.seek(record_at)
        record = fp.read(_EOCD64.size + _EOCD64_LOCATOR.size)
        if record[:4] != b"PK\x06\x06" or record[_EOCD64.size : _EOCD64.size + 4] != b"PK\x06\x07":
            raise ArchiveRefused("damaged")
        fields = _EOCD64.unpack_from(record)
        cd_size, cd_offset = fields[8], fields[9]
        directory_end = record_at
    cd_start = directory_end - cd_size
    concat = cd_start - cd_offset
    if cd_start < 0 or concat < 0:
        raise ArchiveRefused("damaged")
    return cd_start, cd_size, concat


def _zip64_sizes(extra: bytes, size: int, packed: int, offset: int) -> tuple[int, int, int]:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + length]
        if kind == 0x0001:
            values = [struct.unpack_from("<Q", body, i)[0] for i in range(0, len(body) - 7, 8)]
            if size == _FULL32 and values:
                size = values.pop(0)
            if packed == _FULL32 and values:
                packed = values.pop(0)
            if offset == _FULL32 and values:
                offset = values.pop(0)
            break
        at += 4 + length
    return size, packed, offset


def _decoded(raw: bytes, flags: int) -> str:
    """The name as the archiver meant it: UTF-8 when flagged (or when it
    reads as UTF-8), else Shift_JIS as Japanese Windows writes it, else the
    zip format's own code page."""
    if flags & 0x800:
        return raw.decode("utf-8", "replace")
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("cp437")
