"""Writing output files: atomically, reproducibly, and never over a file geomap did not write."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from geomap.errors import InputError, Location
from geomap.output.formats import CREATOR, FORMATS, MAP_FORMATS, format_of, savefig_metadata

__all__ = [  # CREATOR and savefig_metadata live in the format registry; here for writers
    "CREATOR",
    "check_writable",
    "format_for",
    "png_bytes",
    "savefig_metadata",
    "write_atomically",
    "written_by_geomap",
]

_MARKER = re.compile(rb"geomap \d+\.\d+")
"""The creator mark (``CREATOR``) that geomap writes into every image, PDF, GIF and MP4."""


def written_by_geomap(path: Path) -> bool:
    """True if ``path`` is an image, PDF or video carrying geomap's creator mark.

    Both must hold: a text file that merely mentions geomap (a README, a script) is not ours.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
            if format_of(head) is None:
                from geomap.output.gis import written_by_geomap_gis

                return written_by_geomap_gis(path)
            if _MARKER.search(head):
                return True
            handle.seek(max(0, path.stat().st_size - 64 * 1024))
            return _MARKER.search(handle.read()) is not None
    except OSError:
        return False


def check_writable(path: Path, force: bool) -> None:
    """Refuse to replace a file geomap did not write (unless ``force``) or a folder."""
    if path.is_dir():
        raise InputError.at(Location.of_file(path), "is a folder; give a file name to write")
    if path.exists() and not force and not written_by_geomap(path):
        raise InputError.at(
            Location.of_file(path),
            "exists and was not written by geomap; refusing to overwrite it (use --force)",
        )
    if not path.parent.is_dir():
        raise InputError.at(Location.of_file(path.parent), "output folder does not exist")


def write_atomically(path: Path, write: Callable[[Path], None], suffix: str = ".part") -> Path:
    """Call ``write(temp_path)`` on a temporary file beside ``path``, then rename it into place.
    ``suffix`` ends the temporary name (some writers go by it).

    A failure or an interruption (Ctrl-C) leaves no partial file: the temporary file is removed.
    """
    path = Path(path)
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=suffix
        )
    except OSError as error:
        raise InputError.at(
            Location.of_file(path), f"cannot write here: {error.strerror}"
        ) from None
    os.close(handle)
    temp = Path(temp_name)
    try:
        write(temp)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as error:
        raise InputError.at(
            Location.of_file(path), f"cannot write the file: {error.strerror or error}"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return path


def format_for(path: Path, fmt: str | None) -> str:
    """The output format: ``fmt`` if given, else the file's suffix, else PNG."""
    if fmt:
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in MAP_FORMATS and FORMATS[suffix].suffix == path.suffix.lower():
        return suffix
    if suffix:
        raise InputError.at(
            Location.of_file(path),
            f"unknown output format '.{suffix}' (expected one of: {', '.join(MAP_FORMATS)})",
        )
    return "png"


def png_bytes(rgba, dpi: float) -> bytes:
    """A PNG of an RGBA frame, stored as RGB (maps are opaque), with geomap's creator mark and
    its resolution. The rows go unfiltered into one deflate stream at its fastest level, by
    zlib-ng through imagecodecs (``geomap[fast-png]``: several times faster than zlib on map
    frames) or by the standard library's zlib otherwise; the pixels are the same either way."""
    import struct
    import zlib

    import numpy as np

    pixels = np.asarray(rgba)
    height, width = pixels.shape[:2]
    rows = np.empty((height, 1 + 3 * width), np.uint8)  # each row: filter type 0, then RGB
    rows[:, 0] = 0
    rgb = rows[:, 1:].reshape(height, width, 3)
    for channel in range(3):  # one channel at a time: several times faster than all at once
        rgb[..., channel] = pixels[..., channel]
    try:
        from imagecodecs import zlibng_encode as compress
    except ImportError:
        compress = zlib.compress
    pixels_per_metre = round(dpi / 0.0254)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            chunk(b"tEXt", b"Software\0" + CREATOR.encode("latin-1")),
            chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1)),
            chunk(b"IDAT", bytes(compress(rows, 1))),
            chunk(b"IEND", b""),
        )
    )
