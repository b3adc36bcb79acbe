"""Reading a user's text file safely: size limit, UTF-8, no binaries, clear messages."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from geomap.errors import InputError, Location

READS: list[dict[str, object]] = []
"""Open records of the files read (path -> content digest) and folders listed (path -> names),
filled while a scenario is parsed so that its cache entry knows what it depends on."""

MAX_TEXT_BYTES = 8 * 1024 * 1024
"""Larger input files are refused before they are read (snapshots are a few kB)."""


def _read_at_most(handle, expected: int, limit: int) -> bytes:
    """Up to ``limit`` bytes: the ``expected`` size in one read (``read(n)`` allocates ``n``
    bytes up front, so asking for the limit would cost 8 MB for a 1 kB file), then in chunks if
    the file turns out longer (it grew, or it is a /proc file whose size reads as 0)."""
    chunks = [handle.read(min(expected + 1, limit))]
    total = len(chunks[0])
    while total < limit:
        chunk = handle.read(min(1 << 16, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks) if len(chunks) > 1 else chunks[0]


def content_digest(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=20).hexdigest()


def note_listing(folder: str | os.PathLike[str], names: list[str]) -> None:
    """Record that ``folder`` was listed and held ``names`` (for the scenario cache)."""
    for record in READS:
        record[os.fspath(folder) + os.sep] = names


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The text of ``path`` decoded as UTF-8, or an :class:`InputError` saying what is wrong."""
    path = Path(path)
    where = Location.of_file(path)
    try:
        if path.is_dir():
            raise InputError.at(where, "is a folder, expected a file")
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise InputError.at(where, "is not a regular file (a pipe, socket or device)")
        size = status.st_size
        if size > max_bytes:
            raise InputError.at(
                where,
                f"file is too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)",
            )
        with path.open("rb") as handle:
            data = _read_at_most(handle, size, max_bytes + 1)
    except FileNotFoundError:
        raise InputError.at(where, "file not found") from None
    except PermissionError:
        raise InputError.at(where, "cannot read the file: permission denied") from None
    except IsADirectoryError:
        raise InputError.at(where, "is a folder, expected a file") from None
    except OSError as error:
        raise InputError.at(where, f"cannot read the file: {error.strerror or error}") from None
    for record in READS:
        record[os.fspath(path)] = content_digest(data)
    if len(data) > max_bytes:
        raise InputError.at(where, f"file is too large (the limit is {max_bytes / 1e6:.0f} MB)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError.at(where, "is UTF-16 text; save the file as UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError.at(where, "is a binary file, expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError.at(
            Location(where.path, line, column),
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")
