"""JSON with positions: every object remembers the line and column where it starts.

Used for GeoJSON place files, so that a bad feature is reported at its own line. Large basemap
layers are read with the fast C parser instead (:func:`load_json`).
"""

from __future__ import annotations

import bisect
import json
import os
from json import decoder, scanner
from typing import Any

from geomap.errors import InputError, Location
from geomap.files import read_text


class JMap(dict):
    """A JSON object with the location of its opening brace."""

    loc: Location


class _PositionedDecoder(json.JSONDecoder):
    def __init__(self, path: str, text: str):
        super().__init__()
        self._path = path
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

        def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
            start = s_and_end[1] - 1
            obj, end = decoder.JSONObject(
                s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo
            )
            located = JMap(obj)
            located.loc = self.location(start)
            return located, end

        self.parse_object = parse_object
        self.scan_once = scanner.py_make_scanner(self)

    def location(self, offset: int) -> Location:
        line = bisect.bisect_right(self._line_starts, offset)
        return Location(self._path, line, offset - self._line_starts[line - 1] + 1)


def _decode_error(path: str, error: json.JSONDecodeError) -> InputError:
    return InputError.at(Location(path, error.lineno, error.colno), f"malformed JSON: {error.msg}")


def load_json_with_positions(path: str | os.PathLike[str]) -> Any:
    """Parse a JSON file; every object in the result is a :class:`JMap` carrying its location."""
    text = read_text(path)
    shown = Location.of_file(path).path
    try:
        return _PositionedDecoder(shown, text).decode(text)
    except json.JSONDecodeError as error:
        raise _decode_error(shown, error) from None
    except RecursionError:
        raise InputError.at(Location(shown), "JSON is nested too deeply") from None


def load_json(path: str | os.PathLike[str], *, max_bytes: int = 64 * 1024 * 1024) -> Any:
    """Parse a JSON file quickly (no positions inside; errors still carry line and column)."""
    text = read_text(path, max_bytes=max_bytes)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _decode_error(Location.of_file(path).path, error) from None
    except RecursionError:
        raise InputError.at(Location.of_file(path), "JSON is nested too deeply") from None
