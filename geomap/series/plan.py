"""A series of maps: its dates, its file names and which frames are already up to date (pure)."""

from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath

from geomap import __version__
from geomap.domain.dates import STEPS, Period, step_dates
from geomap.domain.timeline import Timeline
from geomap.errors import InputError, Location

EVERY = (*STEPS, "change")
NAME_FIELDS = ("date", "index", "format")
DEFAULT_NAME = "geomap-{date}.{format}"
MANIFEST_NAME = ".geomap-manifest.json"


def series_dates(timeline: Timeline, start: Period, end: Period, every: str) -> list[date]:
    """The as-of dates of a series: the first is ``start``'s, the last is ``end``'s, for every step.

    A partial date means its period's last day, as everywhere: ``--from 2015-01`` is the map of
    31 January 2015 and ``--to 2017-11`` the map of 30 November 2017. Steps (``month`` …) are
    counted from the first date; ``change`` gives the first date, every day in between on which
    something was asserted, and the last date. Both ends must lie inside the covered range.
    """
    if end.last_day < start.last_day:
        raise InputError.at(None, f"--to {end.text} is before --from {start.text}")
    # checked against the covered range; a period running past its end means its last day
    first, last = timeline.as_of(start), timeline.as_of(end)
    if every == "change":
        between = [d for d in timeline.change_days if first < d < last]
        return [first, *between, last] if last > first else [first]
    return list(step_dates(first, last, every))


def check_name_template(template: str) -> None:
    """Refuse templates that could write outside the output folder or name every frame alike."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise InputError.at(None, f"name template '{template}' is malformed: {error}") from None
    unknown = sorted(fields - set(NAME_FIELDS))
    if unknown:
        raise InputError.at(
            None,
            f"name template '{template}' uses unknown field '{{{unknown[0]}}}' "
            f"(available: {', '.join('{' + f + '}' for f in NAME_FIELDS)})",
        )
    if not fields & {"date", "index"}:
        raise InputError.at(None, f"name template '{template}' must contain {{date}} or {{index}}")


def frame_name(template: str, day: date, index: int, fmt: str) -> str:
    """The file name of one frame; never a path that leaves the output folder."""
    name = template.format(date=day.isoformat(), index=f"{index:04d}", format=fmt)
    hostile = (
        not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or PureWindowsPath(name).drive
    )
    if hostile:
        raise InputError.at(
            None,
            f"name template '{template}' gives '{name}', which is not a plain file name "
            "inside the output folder",
        )
    if not name.lower().endswith(f".{fmt}"):
        raise InputError.at(
            None, f"name template '{template}' gives '{name}', which does not end in .{fmt}"
        )
    return name


@dataclass(frozen=True)
class Frame:
    index: int
    day: date
    path: Path
    key: str  # digest of everything that decides the frame's content


def frame_key(parts: dict) -> str:
    """A digest of a frame's inputs: the same inputs give the same key, so the frame is reused."""
    text = json.dumps({"geomap": __version__, **parts}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(folder: Path, manifest: dict[str, str]) -> None:
    from geomap.output.files import write_atomically

    text = json.dumps(dict(sorted(manifest.items())), indent=1) + "\n"
    write_atomically(folder / MANIFEST_NAME, lambda temp: temp.write_text(text, encoding="utf-8"))


def output_folder(out: str | None) -> Path:
    folder = Path(out) if out else Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise InputError.at(Location.of_file(folder), "is a file; --out must be a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError.at(
            Location.of_file(folder), f"cannot create the output folder: {error.strerror}"
        ) from None
    return folder
