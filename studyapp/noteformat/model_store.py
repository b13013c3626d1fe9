"""The repair's character model kept prepared on disk.

Building the model from wordfreq's word list takes seconds of CPU (about 10
on a loaded server: the first damaged upload after a start waited for it).
Its tables are saved once, in one file, and every later process loads them
with one read in a fraction of a second (docs/note-format.md,
Encoding repair). The file's name carries a fingerprint of everything the
tables are built from, so a changed word list, vocabulary or model order
builds a new file instead of reading a stale one.

Pure Python, no Django: ``manage.py migrate`` builds the file (the notes
app's post_migrate hook), and the repair builds it itself when it is
missing."""

from __future__ import annotations

import hashlib
import os
import struct
import sys
import tempfile
from array import array
from pathlib import Path

# The file: MAGIC, then the sum of the single characters' counts and the byte
# lengths of four parts: the n-grams joined by
# NUL (no n-gram holds one: control characters are never word characters),
# their counts as doubles, the contexts joined by NUL, their numbers of
# continuations as 64-bit integers; all in this machine's byte order, which
# is in the fingerprint. Plain data: reading it runs no code, unlike pickle.
MAGIC = b"studyapp-charmodel-2\n"
_HEADER = struct.Struct("<4Qd")
_SEPARATOR = "\x00"
FORMAT_VERSION = 2

# Where the tables live unless STUDYAPP_REPAIR_MODEL_DIR says otherwise: the
# repository's git-ignored var/ folder.
DEFAULT_FOLDER = Path(__file__).resolve().parent.parent.parent / "var" / "repair-model"

Tables = tuple[dict[str, float], dict[str, int], float]


def folder() -> Path:
    return Path(os.environ.get("STUDYAPP_REPAIR_MODEL_DIR") or DEFAULT_FOLDER)


def path_for(recipe: str) -> Path:
    """The file of the tables built from ``recipe`` (a text naming every input)."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}:{sys.byteorder}:{recipe}".encode())
    return folder() / f"charmodel-{digest.hexdigest()[:16]}.bin"


def tables_load(path: Path) -> Tables | None:
    """The saved tables, or None when the file is missing or not what this
    code wrote (truncated, another format): the caller builds them again."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        return _unpack(data)
    except (ValueError, struct.error, UnicodeDecodeError):
        return None


def _unpack(data: bytes) -> Tables:
    if not data.startswith(MAGIC):
        raise ValueError("not a model file")
    *sizes, total = _HEADER.unpack_from(data, len(MAGIC))
    parts, offset = [], len(MAGIC) + _HEADER.size
    for size in sizes:
        parts.append(data[offset : offset + size])
        offset += size
    if offset != len(data):
        raise ValueError("truncated or overlong")
    grams, counts, contexts, types = parts
    count_values, type_values = array("d"), array("q")
    count_values.frombytes(counts)
    type_values.frombytes(types)
    gram_keys = grams.decode("utf-8").split(_SEPARATOR)
    context_keys = contexts.decode("utf-8").split(_SEPARATOR)
    if len(gram_keys) != len(count_values) or len(context_keys) != len(type_values):
        raise ValueError("keys and values do not pair up")
    counted = dict(zip(gram_keys, count_values, strict=True))
    return counted, dict(zip(context_keys, type_values, strict=True)), total


def _pack(tables: Tables) -> bytes:
    counts, types, total = tables
    parts = [
        _SEPARATOR.join(counts).encode("utf-8"),
        array("d", counts.values()).tobytes(),
        _SEPARATOR.join(types).encode("utf-8"),
        array("q", types.values()).tobytes(),
    ]
    return MAGIC + _HEADER.pack(*map(len, parts), total) + b"".join(parts)


def tables_save(path: Path, tables: Tables) -> bool:
    """Write the tables atomically (another process may be loading or
    writing the same file); False when the folder cannot be written, which
    only costs the next process a build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".charmodel-", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_pack(tables))
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a server running as another user
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    return True
