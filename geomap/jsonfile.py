"""JSON with positions: every object and array remembers the line and column where it starts.

Used for GeoJSON place files, so that a bad feature is reported at its own line. Large basemap
layers are read with the fast C parser instead (:func:`load_json`), and read again with positions
only when something in them is wrong (:func:`locate`).
"""

from __future__ import annotations

import bisect
import json
import os
from collections.abc import Sequence
from json import decoder, scanner
from typing import Any

from geomap.errors import InputError, Location, ProblemLog
from geomap.files import read_text

_MAX_INT_DIGITS = 40


def _parse_int(text: str) -> int | float:
    """Whole numbers as ``int``; absurdly long ones as ``float`` (inf), never a ValueError."""
    return int(text) if len(text) <= _MAX_INT_DIGITS else float(text)


class JMap(dict):
    """A JSON object with the location of its opening brace."""

    loc: Location


class JList(list):
    """A JSON array with the location of its opening bracket."""

    loc: Location


class _PositionedDecoder(json.JSONDecoder):
    def __init__(self, path: str, text: str, log: ProblemLog):
        super().__init__(parse_int=_parse_int)
        self._path = path
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

        def keep_pairs(pairs):
            return pairs

        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
            start = s_and_end[1] - 1
            pairs, end = decoder.JSONObject(
                s_and_end, strict, scan_once, object_hook, keep_pairs, memo
            )
            located = JMap(pairs)
            located.loc = self.location(start)
            if len(located) < len(pairs):
                seen: set[str] = set()
                for key, _value in pairs:
                    if key in seen:
                        log.add(located.loc, f"duplicate key '{key}' in this object")
                    seen.add(key)
            return located, end

        def parse_array(s_and_end, scan_once):
            start = s_and_end[1] - 1
            items, end = decoder.JSONArray(s_and_end, scan_once)
            located = JList(items)
            located.loc = self.location(start)
            return located, end

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.scan_once = scanner.py_make_scanner(self)

    def location(self, offset: int) -> Location:
        line = bisect.bisect_right(self._line_starts, offset)
        return Location(self._path, line, offset - self._line_starts[line - 1] + 1)


def _decode_error(path: str, text: str, error: json.JSONDecodeError) -> InputError:
    if not text.strip():
        return InputError.at(Location(path), "is empty, expected JSON")
    return InputError.at(Location(path, error.lineno, error.colno), f"malformed JSON: {error.msg}")


def _decode_with_positions(path: str | os.PathLike[str], max_bytes: int | None) -> tuple:
    text = read_text(path) if max_bytes is None else read_text(path, max_bytes=max_bytes)
    shown = Location.of_file(path).path
    log = ProblemLog()
    try:
        document = _PositionedDecoder(shown, text, log).decode(text)
    except json.JSONDecodeError as error:
        raise _decode_error(shown, text, error) from None
    except RecursionError:
        raise InputError.at(Location(shown), "JSON is nested too deeply") from None
    return document, log


def load_json_with_positions(path: str | os.PathLike[str], log: ProblemLog | None = None) -> Any:
    """Parse a JSON file; objects and arrays are :class:`JMap` and :class:`JList` with locations.

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
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise _decode_error(shown, text, error) from None
    except RecursionError:
        raise InputError.at(Location(shown), "JSON is nested too deeply") from None


def locate(
    path: str | os.PathLike[str], steps: Sequence[Sequence[str | int]], *, max_bytes: int
) -> list[Location]:
    """The location of the object at each key path (like ``("features", 3, "geometry")``).

    Reads the file again with positions, so only call it when there is a problem to report; a
    path that does not lead to an object gives the location of the nearest object above it.
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
