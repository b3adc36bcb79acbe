"""Strict YAML with positions.

Every scalar is read as a string (no implicit typing: ``no`` stays "no", ``2017-11`` stays
"2017-11"); dates and numbers are parsed explicitly by the code that expects them. Duplicate keys,
anchors and aliases, tags and more than one document are refused. Every value remembers where it
was written.

The values are built straight from the parser's event stream, in one pass and without recursion:
an alias (the heart of a "billion laughs" file) is refused at the first anchor, before anything is
expanded, and a file nested thousands of levels deep is refused at level :data:`MAX_DEPTH` (the C
composer of PyYAML would recurse until the process crashes).
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from geomap.errors import InputError, Location, ProblemLog
from geomap.io.files import read_text

try:  # the C parser is much faster; the pure-Python one behaves the same
    from yaml import CBaseLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as _BaseLoader

MAX_DEPTH = 32
MAX_VALUES = 100_000
"""Keys and values read from one file at most: a snapshot has a few thousand. Each value costs
a few hundred bytes in memory, so this keeps a hostile 8 MB file of tiny items to a bounded size."""
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALAR = yaml.ScalarEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent
_NOT_YAML_TEXT = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""Characters that YAML does not allow anywhere in a file (control characters, lone surrogates)."""


class YStr(str):
    """A string read from YAML, with its location."""

    loc: Location

    def __new__(cls, value: str, loc: Location) -> YStr:
        obj = str.__new__(cls, value)
        obj.loc = loc
        return obj

    def __reduce__(self):  # pickled (the scenario cache) as plain text: positions are for
        return (str, (str(self),))  # messages while parsing, and a cached scenario had none


class YList(list):
    """A sequence read from YAML, with its location."""

    loc: Location


class YMap(dict):
    """A mapping read from YAML, with its location and the location of each key."""

    loc: Location
    key_locs: dict[str, Location]

    def key_loc(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: str) -> Location:
        value = self.get(key)
        return getattr(value, "loc", self.key_loc(key))


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _location(path: str, mark: Any) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


def _offset_location(path: str, text: str, offset: int) -> Location:
    line_start = text.rfind("\n", 0, offset) + 1
    return Location(path, text.count("\n", 0, offset) + 1, offset - line_start + 1)


class _Open:
    """A mapping or sequence being filled, and (for a mapping) the key waiting for its value."""

    __slots__ = ("container", "key")

    def __init__(self, container: YMap | YList):
        self.container = container
        self.key: YStr | None = None


class _Builder:
    """Builds located values from parser events; refuses what strict YAML does not allow."""

    def __init__(self, path: str, log: ProblemLog):
        self.path = path
        self.log = log
        self.stack: list[_Open] = []
        self.root: Any = None
        self.documents = 0
        self.values = 0

    def feed(self, event: yaml.Event) -> None:
        kind = event.__class__
        if kind is _SCALAR and event.anchor is None and (event.tag is None or event.tag == "!"):
            # the common case, in short: a plain scalar (the checks below, in the same order)
            mark = event.start_mark
            loc = Location(self.path, mark.line + 1, mark.column + 1)
            self._count(loc)
            self._attach(YStr(event.value, loc))
            return
        if kind is _MAPPING_END or kind is _SEQUENCE_END:
            self.stack.pop()
            return
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise InputError.at(
                    _location(self.path, event.start_mark),
                    "a second YAML document starts here; a file holds one document only",
                )
            return
        if not isinstance(event, yaml.NodeEvent):  # stream and document ends
            return
        loc = _location(self.path, event.start_mark)
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise InputError.at(loc, "YAML anchors and aliases are not supported")
        self._count(loc)
        if isinstance(event, yaml.ScalarEvent):
            self._check_tag(event.tag, _STR, loc)
            self._attach(YStr(event.value, loc))
        elif isinstance(event, yaml.SequenceStartEvent):
            self._check_tag(event.tag, _SEQ, loc)
            items = YList()
            items.loc = loc
            self._attach(items)
            self.stack.append(_Open(items))
        else:
            self._check_tag(event.tag, _MAP, loc)
            mapping = YMap()
            mapping.loc = loc
            mapping.key_locs = {}
            self._attach(mapping)
            self.stack.append(_Open(mapping))

    def _count(self, loc: Location) -> None:
        """One more value at ``loc``: refused past :data:`MAX_DEPTH` or :data:`MAX_VALUES`."""
        if len(self.stack) > MAX_DEPTH:
            raise InputError.at(loc, f"nesting is deeper than {MAX_DEPTH} levels")
        self.values += 1
        if self.values > MAX_VALUES:
            raise InputError.at(
                loc, f"the file holds more than {MAX_VALUES} keys and values; split it up"
            )

    @staticmethod
    def _check_tag(tag: str | None, plain: str, loc: Location) -> None:
        if tag is not None and tag not in ("!", plain):
            raise InputError.at(loc, f"YAML tags like '{_short_tag(tag)}' are not supported")

    def _attach(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.container, YList):
            top.container.append(value)
            return
        if top.key is None:
            if not isinstance(value, YStr):
                raise InputError.at(value.loc, "mapping keys must be plain text")
            top.key = value
            return
        key, top.key = top.key, None
        mapping = top.container
        if key in mapping:
            first = mapping.key_locs[key]
            self.log.add(key.loc, f"duplicate key '{key}' (first defined at line {first.line})")
            return
        mapping[key] = value
        mapping.key_locs[key] = key.loc


def parse_yaml(text: str, path: str, log: ProblemLog | None = None) -> Any:
    """Parse YAML text strictly; raises :class:`InputError` with the location of every problem.

    With a ``log``, duplicate keys (after which the value is still usable: the first one counts)
    are added to it instead, so that the caller can report them with its own problems.
    """
    bad = _NOT_YAML_TEXT.search(text)
    if bad is not None:
        raise InputError.at(
            _offset_location(path, text, bad.start()),
            f"character U+{ord(bad.group()):04X} is not allowed in YAML (a control or invalid "
            "character); delete it",
        )
    duplicates = ProblemLog()
    builder = _Builder(path, duplicates)
    loader = _BaseLoader(text)
    try:
        feed = builder.feed
        for event in iter(loader.get_event, None):  # None once the stream has ended
            feed(event)
    except InputError as error:
        duplicates.extend(error)
        duplicates.raise_if_any()
    except yaml.MarkedYAMLError as error:
        duplicates.add(*_syntax_problem(error, text, path))
        duplicates.raise_if_any()
    except yaml.YAMLError as error:
        duplicates.add(Location(path), f"malformed YAML: {error}")
        duplicates.raise_if_any()
    finally:
        loader.dispose()
    if log is None:
        duplicates.raise_if_any()
    else:
        log.problems.extend(duplicates.problems)
    return builder.root


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, path: str) -> tuple[Location, str]:
    mark = error.problem_mark or error.context_mark
    where = _location(path, mark) if mark else Location(path)
    if mark is not None and _character_at(text, mark.line, mark.column) == "\t":
        return where, "malformed YAML: a tab is used for indentation; indent with spaces"
    if (
        error.context == "while scanning a quoted scalar"
        and error.problem == "found unexpected end of stream"
        and error.context_mark is not None
    ):
        opened = _location(path, error.context_mark)
        return opened, "malformed YAML: the quote that opens here is never closed"
    if "maximum nesting depth" in (error.problem or ""):  # PyYAML >= 6.0.4 stops at 1000 levels
        return where, f"nesting is deeper than {MAX_DEPTH} levels"
    problem = error.problem or "malformed YAML"
    if error.context:
        problem = f"{problem} ({error.context})"
    return where, f"malformed YAML: {problem}"


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def load_yaml(path: str | os.PathLike[str], log: ProblemLog | None = None) -> Any:
    """Read and parse a YAML file strictly (see :func:`parse_yaml`)."""
    text = read_text(path)
    return parse_yaml(text, Location.of_file(path).path, log)
