"""Zip archives built byte by byte, so that a test or a benchmark can make
one lie: any compression method, any declared size and checksum, in the
local header and the central directory alike; and the set of hostile
uploads measured by tests/authoring/test_upload_memory.py and
bench/hostile_inputs.py."""

from __future__ import annotations

import bz2
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

STORED, DEFLATED, BZIP2, LZMA = 0, 8, 12, 14
_MB = 1 << 20


@dataclass
class Member:
    name: str | bytes
    packed: bytes  # the entry's data as it is in the archive
    method: int
    crc: int
    size: int  # the uncompressed size the headers declare


def member(name: str | bytes, data: bytes, method: int = DEFLATED) -> Member:
    """An honest entry."""
    return Member(name, _compressed(method, [data]), method, zlib.crc32(data), len(data))


def lying_member(name: str, *, method: int, real_size: int, declared_size: int = 900) -> Member:
    """An entry of ``real_size`` zero bytes (compressed a megabyte at a time,
    never held whole) whose headers declare ``declared_size`` bytes."""
    chunks = (b"\0" * min(_MB, real_size - start) for start in range(0, real_size, _MB))
    return Member(name, _compressed(method, chunks), method, zlib.crc32(b"\0" * declared_size), declared_size)


def build(members: list[Member], *, count: int | None = None) -> bytes:
    """The archive; ``count``: the number of entries its end record declares."""
    out = bytearray()
    directory = bytearray()
    for m in members:
        # A name given in bytes is written as it is, without the UTF-8 flag.
        name, flags = (m.name, 0) if isinstance(m.name, bytes) else (m.name.encode("utf-8"), 0x800)
        offset = len(out)
        common = struct.pack("<HHHHHIII", 20, flags, m.method, 0, 0x21, m.crc, len(m.packed), m.size)
        out += b"PK\x03\x04" + common + struct.pack("<HH", len(name), 0) + name + m.packed
        directory += (
            b"PK\x01\x02"
            + struct.pack("<H", 0x0314)  # made on Unix
            + common
            + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, (0o100644 << 16), offset)
            + name
        )
    n = len(members) if count is None else count
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, n, n, len(directory), len(out), 0)
    return bytes(out + directory + end)


LIARS = {"deflate": DEFLATED, "bzip2": BZIP2, "lzma": LZMA}


def hostile_uploads(folder: Path, good: list[Member], hidden: int, liars: int = 1) -> list[Path]:
    """A warm-up archive of the ``good`` notes, then, per method, the good
    notes and ``liars`` entries declaring 900 bytes that unpack to ``hidden``
    each (one compressed entry, repeated under other names)."""
    paths = [folder / "warm.zip"]
    paths[0].write_bytes(build(good))
    for label, method in LIARS.items():
        liar = lying_member(f"notes/{label}.md", method=method, real_size=hidden)
        named = [replace(liar, name=f"notes/{label}-{i}.md") for i in range(1, liars)]
        paths.append(folder / (f"{label}.zip" if liars == 1 else f"{label}-{liars}.zip"))
        paths[-1].write_bytes(build([*good, liar, *named]))
    return paths


def _compressed(method: int, chunks) -> bytes:
    if method == STORED:
        return b"".join(chunks)
    if method == DEFLATED:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    elif method == BZIP2:
        packer = bz2.BZ2Compressor()
    else:
        # The zipfile module's own LZMA compressor: its header and properties included.
        packer = zipfile._get_compressor(zipfile.ZIP_LZMA)
    parts = [packer.compress(chunk) for chunk in chunks]
    return b"".join(parts) + packer.flush()
