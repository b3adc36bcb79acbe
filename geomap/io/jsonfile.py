"""JSON with positions: every object and array (but arrays of numbers) remembers the line and
column where it starts.

Used for GeoJSON place files, so that a bad feature is reported at its own line. The text is parsed
by the C parser of the standard library; the positions come from one regular-expression pass that
finds every ``{`` and ``[`` outside strings, matched to the parsed values in document order. So a
hostile file within the size limit costs seconds at worst, not minutes (the pure-Python parser
with position hooks took 90 s and a gigabyte for 8 MB of coordinates).

Large basemap layers are read without positions (:func:`load_json`), and located again only when
something in them is wrong (:func:`locate`).
"""

from __future__ import annotations

import bisect
import json
import os
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from geomap.errors import InputError, Location, ProblemLog
from geomap.io.files import read_text

MAX_LOCATED = 200_000
"""Objects and arrays (but arrays of numbers) that one file read with positions may hold: a
places file has three objects per place. Each costs a few hundred bytes, so this keeps a hostile
8 MB file of ``{}`` or ``[]`` to a bounded size."""
_MAX_INT_DIGITS = 40
_NUMBERS = (int, float)
_OPENERS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|([\[{])')
"""A string (skipped whole, so brackets inside it do not count) or an opening bracket."""


def _parse_int(text: str) -> int | float:
    """Whole numbers as ``int``; absurdly long ones as ``float`` (inf), never a ValueError."""
    return int(text) if len(text) <= _MAX_INT_DIGITS else float(text)


class JMap(dict):
    """A JSON object with the location of its opening brace."""

    loc: Location


class JList(list):
    """A JSON array (unless it holds only numbers) with the location of its opening bracket."""

    loc: Location


def _decode_error(path: str, text: str, error: json.JSONDecodeError) -> InputError:
    if not text.strip():
        return InputError.at(Location(path), "is empty, expected JSON")
    return InputError.at(Location(path, error.lineno, error.colno), f"malformed JSON: {error.msg}")


class _Positions:
    """Offsets of every opening bracket in document order, and offset -> line and column."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.offsets = array("q", (m.start(1) for m in _OPENERS.finditer(text) if m.group(1)))
        self.line_starts = array("q", [0])
        self.line_starts.extend(m.end() for m in re.finditer("\n", text))
        self.next = 0
        self.skipped = 0

    def skip(self, count: int) -> None:
        """Pass over ``count`` arrays of numbers (positions): they are not located."""
        self.next += count
        self.skipped += count

    def take(self) -> Location:
        if self.next - self.skipped >= MAX_LOCATED:
            raise InputError.at(
                Location(self.path),
                f"the file holds more than {MAX_LOCATED} JSON objects and arrays; split it up",
            )
        offset = self.offsets[self.next]
        self.next += 1
        line = bisect.bisect_right(self.line_starts, offset)
        return Location(self.path, line, offset - self.line_starts[line - 1] + 1)


def _attach_locations(document: Any, positions: _Positions, log: ProblemLog) -> Any:
    """Give every object and array of ``document`` its location, except arrays of numbers
    (positions, of which there can be millions). A pre-order walk with a stack of iterators: no
    recursion, and memory in proportion to the depth, not the width."""
    root = [document]
    stack: list[Iterator[tuple[Any, Any]]] = [iter([(root, 0)])]
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            continue
        parent, key = step
        node = parent[key]
        if isinstance(node, JMap):
            node.loc = positions.take()
            pairs = node.__dict__.pop("pairs", None)
            if pairs is None:
                stack.append(_children(node, node))
                continue
            seen: set[str] = set()  # duplicate keys: report them, walk every value as written
            for name, _ in pairs:
                if name in seen:
                    log.add(node.loc, f"duplicate key '{name}' in this object")
                seen.add(name)
            values = [value for _, value in pairs]
            stack.append(_children(values, range(len(values))))
        elif isinstance(node, list):
            if _numbers_only(node):
                positions.skip(1)  # a position: nothing inside to locate
                continue
            located = JList(node)
            located.loc = positions.take()
            parent[key] = located
            if all(type(item) is list and _numbers_only(item) for item in located):
                positions.skip(len(located))  # a line or ring of positions
            else:
                stack.append(_children(located, range(len(located))))
    return root[0]


def _children(container: Any, keys: Iterable) -> Iterator[tuple[Any, Any]]:
    return ((container, key) for key in keys)


def _count_objects(text: str) -> int:
    """The number of ``{`` outside strings."""
    return sum(1 for match in _OPENERS.finditer(text) if match.group(1) == "{")


def _numbers_only(items: list) -> bool:
    return bool(items) and all(type(item) in _NUMBERS for item in items)


def _loads(text: str, **hooks: Any) -> Any:
    """``json.loads``; whole numbers too long for ``int`` become ``float`` (inf), not a crash."""
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return json.loads(text, parse_int=_parse_int, **hooks)


def _object(pairs: list[tuple[str, Any]]) -> JMap:
    located = JMap(pairs)
    if len(located) < len(pairs):
        located.pairs = pairs
    return located


def _decode_with_positions(path: str | os.PathLike[str], max_bytes: int | None) -> tuple:
    text = read_text(path) if max_bytes is None else read_text(path, max_bytes=max_bytes)
    shown = Location.of_file(path).path
    if text.count("{") > MAX_LOCATED and _count_objects(text) > MAX_LOCATED:
        raise InputError.at(
            Location(shown),
            f"the file holds more than {MAX_LOCATED} JSON objects and arrays; split it up",
        )
    try:
        document = _loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise _decode_error(shown, text, error) from None
    except RecursionError:
        raise InputError.at(Location(shown), "JSON is nested too deeply") from None
    log = ProblemLog()
    return _attach_locations(document, _Positions(shown, text), log), log


def load_json_with_positions(path: str | os.PathLike[str], log: ProblemLog | None = None) -> Any:
    """Parse a JSON file; objects and arrays of them are :class:`JMap` and :class:`JList`, which
    carry their locations.

    Duplicate keys in an object are errors (plain JSON would silently keep the last one): they are
    added to ``log`` when one is given, else raised.
    """
    document, duplicates = _decode_with_positions(path, None)
    if log is None:
        duplicates.raise_if_any()
    else:
        log.problems.extend(duplicates.problems)
    return document


def load_json(path: str | os.PathLike[str], *, max_bytes: int = 64 * 1024 * 1024) -> Any:
    """Parse a JSON file quickly (no positions inside; errors still carry line and column)."""
    text = read_text(path, max_bytes=max_bytes)
    shown = Location.of_file(path).path
    try:
        return _loads(text)
    except json.JSONDecodeError as error:
        raise _decode_error(shown, text, error) from None
    except RecursionError:
        raise InputError.at(Location(shown), "JSON is nested too deeply") from None


def locate(
    path: str | os.PathLike[str], steps: Sequence[Sequence[str | int]], *, max_bytes: int
) -> list[Location]:
    """The location of the object at each key path (like ``("features", 3, "geometry")``).

    Reads the file again with positions, so only call it when there is a problem to report; a
    path that does not lead to a located value gives the location of the nearest one above it.
    """
    try:
        document, _duplicates = _decode_with_positions(path, max_bytes)
    except InputError:
        document = None
    file_loc = Location.of_file(path)
    found = []
    for keys in steps:
        node, where = document, getattr(document, "loc", file_loc)
        for key in keys:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
            where = getattr(node, "loc", where)
        found.append(where)
    return found
