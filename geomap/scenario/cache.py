"""A cache of parsed scenarios, keyed by the content of every file they were read from.

Parsing and checking a scenario (YAML with positions, GeoJSON, cross-checks, the projection)
is the largest part of drawing one map; the parsed :class:`Scenario` is kept in the user's
cache folder and reused while every file it was read from has the same content (a digest of
each file's bytes, not its time stamp) and every snapshot folder lists the same files. An edit
anywhere, a new or removed snapshot, another geomap version or changed geomap code: the
scenario is parsed again.
Only scenarios without problems are kept; the folder is safe to delete at any time.

What a project builds from its scenario (the projected basemap, the territory model) is kept the
same way by :func:`remember`, under the project's digest of every file's content.

``GEOMAP_CACHE_DIR`` chooses the folder (default: ``$XDG_CACHE_HOME/geomap`` or
``~/.cache/geomap``); ``GEOMAP_CACHE_DIR=off`` turns the cache off. The folder is kept under
``GEOMAP_CACHE_MAX_MB`` (default :data:`DEFAULT_MAX_MB`): after an entry is written, the entries
used least recently are removed until the folder is under four fifths of it (an entry read is
marked used); once a process, after its first entry written.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geomap import __version__
from geomap.io import files

FORMAT = 2  # bump when what is stored changes shape
DEFAULT_MAX_MB = 500
"""Size the cache folder is kept under (``GEOMAP_CACHE_MAX_MB``): every code change starts new
entries (each day's estimate about 50 KB, a series' label pixels about 2 MB)."""


def cache_folder() -> Path | None:
    """Where entries are kept, or None when the cache is off."""
    chosen = os.environ.get("GEOMAP_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geomap"


@functools.cache
def _code_stamp() -> str:
    """geomap's own modules (name, size, time): a changed parser never meets an old entry."""
    package = Path(__file__).resolve().parents[1]
    stamps = []
    for module in sorted(package.rglob("*.py")):
        status = module.stat()
        stamps.append(f"{module.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return ";".join(stamps)


def _entry_path(folder: Path, path: Path, check_everything: bool) -> Path:
    # paths in the scenario (and in its messages) are as given, relative to the working folder
    key = (
        "\n".join((__version__, sys.version, _code_stamp(), os.getcwd(), os.fspath(path)))
        + f"\n{check_everything}"
    )
    return folder / f"scenario-{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def _unchanged(depends: dict[str, Any]) -> bool:
    """Every file has the same content and every folder the same snapshot files."""
    for name, expected in depends.items():
        if name.endswith(os.sep):  # a listed folder
            from geomap.scenario.snapshots import snapshot_files

            try:
                if [p.name for p in snapshot_files(name[: -len(os.sep)])] != expected:
                    return False
            except Exception:
                return False
            continue
        try:
            status = os.stat(name)
            if not stat.S_ISREG(status.st_mode):
                return False
            with open(name, "rb") as handle:
                if files.content_digest(handle.read()) != expected:
                    return False
        except OSError:
            return False
    return True


def load_cached(path: Path, check_everything: bool, parse: Callable[..., Any]) -> Any:
    """``parse(path, check_everything=...)``, or its result from the cache when still true."""
    folder = cache_folder()
    if folder is None:
        return parse(path, check_everything=check_everything)
    entry = _entry_path(folder, path, check_everything)
    try:
        stored = _loads(entry.read_bytes())
        if stored["format"] == FORMAT and _unchanged(stored["depends"]):
            _used(entry)
            return stored["scenario"]
    except Exception:
        pass
    record: dict[str, Any] = {}
    files.READS.append(record)
    try:
        scenario = parse(path, check_everything=check_everything)
    finally:
        files.READS.remove(record)
    _store(entry, {"format": FORMAT, "depends": record, "scenario": scenario})
    return scenario


class _Pickler(pickle.Pickler):
    """Shapely geometries are set aside (each once, however often it is referred to) and stored
    together as WKB with their precision grids (``set_precision``), which pickling a geometry
    loses and the territory model's later overlays depend on."""

    def __init__(self, buffer, geometries: list):
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.geometries = geometries
        self.numbers: dict[int, int] = {}
        self.shapely = sys.modules.get("shapely")

    def persistent_id(self, obj):
        if self.shapely is None or not isinstance(obj, self.shapely.Geometry):
            return None
        number = self.numbers.get(id(obj))
        if number is None:
            number = self.numbers[id(obj)] = len(self.geometries)
            self.geometries.append(obj)  # kept alive, so no other object takes its id
        return number


class _Unpickler(pickle.Unpickler):
    def __init__(self, buffer, geometries):
        super().__init__(buffer)
        self.geometries = geometries

    def persistent_load(self, number):
        return self.geometries[number]


def _dumps(value: Any) -> bytes:
    geometries: list = []
    buffer = io.BytesIO()
    _Pickler(buffer, geometries).dump(value)
    stored: dict[str, Any] = {"pickle": buffer.getvalue(), "wkb": [], "grids": []}
    if geometries:
        import numpy as np
        import shapely

        array = np.array(geometries, dtype=object)
        stored["wkb"] = list(shapely.to_wkb(array))
        stored["grids"] = [float(grid) for grid in shapely.get_precision(array)]
    return pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes) -> Any:
    """What :func:`_dumps` stored, every geometry the same as it was (coordinates, vertex order
    and precision grid), read in one pass: the coordinates are already on their grid, so the
    grid is put back point by point, without re-noding anything."""
    stored = pickle.loads(data)
    geometries = ()
    if stored["wkb"]:
        import numpy as np
        import shapely

        geometries = shapely.from_wkb(np.array(stored["wkb"], dtype=object))
        grids = np.array(stored["grids"], dtype=float)
        for grid in np.unique(grids[grids > 0]):
            chosen = grids == grid
            geometries[chosen] = shapely.set_precision(geometries[chosen], grid, mode="pointwise")
    return _Unpickler(io.BytesIO(stored["pickle"]), geometries).load()


def _store(entry: Path, stored: dict) -> None:
    """Write the entry whole or not at all; a cache that cannot be written is no error."""
    with contextlib.suppress(Exception):  # a folder, a disk or a value that will not take it
        entry.parent.mkdir(parents=True, exist_ok=True)
        data = _dumps(stored)
        handle, temp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, entry)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        if entry.parent not in _PRUNED:  # once a process: not a folder listing per frame
            _PRUNED.add(entry.parent)
            prune(entry.parent)


_PRUNED: set[Path] = set()
"""Folders pruned by this process: the folder is checked after the first entry written."""


def _used(entry: Path) -> None:
    """Mark an entry as just used (its time stamp), so that pruning keeps it longest."""
    with contextlib.suppress(OSError):
        os.utime(entry)


def max_bytes() -> int:
    """The size the cache folder is kept under (``GEOMAP_CACHE_MAX_MB``, else the default)."""
    try:
        megabytes = float(os.environ.get("GEOMAP_CACHE_MAX_MB", DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(max(megabytes, 0) * 1024 * 1024)


def prune(folder: Path) -> int:
    """Remove the entries of ``folder`` used least recently while it holds more than
    :func:`max_bytes`, down to four fifths of it; returns how many were removed. Only geomap's
    own entries (``*.pickle``) are touched; an entry another process removes first is skipped."""
    limit = max_bytes()
    entries = []
    with contextlib.suppress(OSError):
        for item in os.scandir(folder):
            if item.name.endswith(".pickle") and not item.name.startswith(".tmp-"):
                with contextlib.suppress(OSError):
                    status = item.stat()
                    entries.append((status.st_mtime_ns, item.name, status.st_size))
    total = sum(size for _, _, size in entries)
    if total <= limit:
        return 0
    removed = 0
    for _, name, size in sorted(entries):
        if total <= limit * 4 // 5:
            break
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
            removed += 1
        total -= size
    return removed


@functools.cache
def _pyproj_stamp() -> str:
    """The installed pyproj (its package file's size and time), found without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pyproj")
        status = os.stat(spec.origin)
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return "no pyproj"
    return f"{spec.origin}:{status.st_size}:{status.st_mtime_ns}"


_PROJECTED: dict[str, tuple] = {}


def kept_xy(projection: str, lon, lat, inverse: bool = False):
    """:func:`~geomap.domain.projection.project_xy` of these coordinates (or, ``inverse``,
    :func:`~geomap.domain.projection.unproject_xy`), kept in the cache under the projection,
    the exact coordinates and the installed pyproj: a map drawn again never imports pyproj."""
    import numpy as np

    from geomap.domain import projection as plane

    lon = np.ascontiguousarray(lon, dtype=float)
    lat = np.ascontiguousarray(lat, dtype=float)
    way = "inverse" if inverse else "forward"
    head = f"{projection}\n{way}\n{_pyproj_stamp()}\n{lon.shape}\n{lat.shape}\n".encode()
    key = hashlib.sha256(head + lon.tobytes() + b"\0" + lat.tobytes()).hexdigest()[:32]
    found = _PROJECTED.get(key)
    if found is None:
        convert = plane.unproject_xy if inverse else plane.project_xy
        found = remember(key, "projected", lambda: convert(projection, lon, lat))
        if len(_PROJECTED) >= 64:
            _PROJECTED.clear()
        _PROJECTED[key] = found
    return found[0].copy(), found[1].copy()


def remember(digest: str, name: str, build: Callable[[], Any]) -> Any:
    """``build()``, kept in the cache under ``digest`` (of the content of every file it is built
    from) and ``name``, and geomap's code; built again whenever any of them differs."""
    folder = cache_folder()
    if folder is None:
        return build()
    key = "\n".join((__version__, sys.version, _code_stamp(), digest, name))
    entry = folder / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"
    try:
        stored = _loads(entry.read_bytes())
        if stored["format"] == FORMAT and stored["key"] == key:
            _used(entry)
            return stored["value"]
    except Exception:
        pass
    value = build()
    _store(entry, {"format": FORMAT, "key": key, "value": value})
    return value
