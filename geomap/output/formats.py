"""Every output format geomap writes, in one registry: a new format is one entry here.

Each entry says what the format is called, the file suffix, the bytes that identify its files
(so geomap knows a file it may overwrite), the metadata that marks its files as geomap's and
keeps them byte-identical run after run, and the function that writes it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from geomap import __version__

CREATOR = f"geomap {__version__}"
MAP, ANIMATION, PAGE = "map", "animation", "page"


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    role: str  # MAP: a map, comparison or chart (--format); ANIMATION: a series (--animate);
    # PAGE: the interactive page of geomap html
    signatures: tuple[bytes, ...]  # a file of this format starts with one of these...
    offset: int = 0  # ...at this byte
    metadata: dict = field(default_factory=dict)  # matplotlib's savefig(metadata=...)
    writer: str = "geomap.render.canvas:save_figure"  # "module:function", imported when used
    needs: tuple[str, str] | None = None  # (module, extra): pip install 'geomap[extra]'

    def write(self, *args, **kwargs) -> Any:
        return self.function()(*args, **kwargs)

    def function(self) -> Callable:
        module, name = self.writer.split(":")
        return getattr(importlib.import_module(module), name)

    def check_available(self, option: str) -> None:
        """Raise a one-line error naming the extra to install when the writer's optional
        dependency is missing (before any work is done)."""
        if self.needs is None:
            return
        module, extra = self.needs
        try:
            importlib.import_module(module)
        except ImportError:
            from geomap.errors import InputError

            raise InputError.at(
                None, f"{option} needs {module}: pip install 'geomap[{extra}]'"
            ) from None

    def identifies(self, head: bytes) -> bool:
        return head[self.offset :].startswith(self.signatures)


FORMATS: dict[str, Format] = {
    entry.name: entry
    for entry in (
        Format("png", ".png", MAP, (b"\x89PNG\r\n\x1a\n",), metadata={"Software": CREATOR}),
        Format(
            "svg", ".svg", MAP, (b"<?xml", b"<svg"), metadata={"Creator": CREATOR, "Date": None}
        ),
        Format(
            "pdf",
            ".pdf",
            MAP,
            (b"%PDF-",),
            metadata={"Creator": CREATOR, "CreationDate": None, "ModDate": None},
        ),
        Format(
            "gif",
            ".gif",
            ANIMATION,
            (b"GIF87a", b"GIF89a"),
            writer="geomap.output.animate:write_gif",
        ),
        Format(
            "mp4",
            ".mp4",
            ANIMATION,
            (b"ftyp",),
            offset=4,
            writer="geomap.output.animate:write_mp4",
            needs=("imageio_ffmpeg", "mp4"),
        ),
        Format(
            "html", ".html", PAGE, (b"<!DOCTYPE html>",), writer="geomap.products.html:write_html"
        ),
    )
}

MAP_FORMATS = tuple(name for name, entry in FORMATS.items() if entry.role == MAP)
ANIMATION_FORMATS = tuple(name for name, entry in FORMATS.items() if entry.role == ANIMATION)


def format_of(head: bytes) -> Format | None:
    """The format whose signature ``head`` (a file's first bytes) carries."""
    return next((entry for entry in FORMATS.values() if entry.identifies(head)), None)


def savefig_metadata(fmt: str) -> dict:
    """Metadata that marks geomap's files and keeps them byte-identical run after run."""
    entry = FORMATS.get(fmt)
    return dict(entry.metadata) if entry is not None else {}
