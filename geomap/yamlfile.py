"""Strict YAML with positions.

Every scalar is read as a string (no implicit typing: ``no`` stays "no", ``2017-11`` stays
"2017-11"); dates and numbers are parsed explicitly by the code that expects them. Duplicate keys,
anchors and aliases, and tags are refused. Every value remembers where it was written.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from geomap.errors import InputError, Location, ProblemLog
from geomap.files import read_text

try:  # the C parser is much faster; the pure-Python one behaves the same
    from yaml import CBaseLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import BaseLoader as _BaseLoader

MAX_DEPTH = 32
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class YStr(str):
    """A string read from YAML, with its location."""

    loc: Location

    def __new__(cls, value: str, loc: Location) -> YStr:
        obj = super().__new__(cls, value)
        obj.loc = loc
        return obj


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


class _Builder:
    def __init__(self, path: str, log: ProblemLog):
        self.path = path
        self.log = log
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        loc = _location(self.path, node.start_mark)
        if id(node) in self.seen:
            raise InputError.at(loc, "YAML anchors and aliases are not supported")
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise InputError.at(loc, f"nesting is deeper than {MAX_DEPTH} levels")
        if node.tag not in _PLAIN_TAGS:
            raise InputError.at(loc, f"YAML tags like '{_short_tag(node.tag)}' are not supported")
        if isinstance(node, yaml.ScalarNode):
            return YStr(node.value, loc)
        if isinstance(node, yaml.SequenceNode):
            items = YList(self.build(item, depth + 1) for item in node.value)
            items.loc = loc
            return items
        mapping = YMap()
        mapping.loc = loc
        mapping.key_locs = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, depth + 1)
            if not isinstance(key, str):
                raise InputError.at(key.loc, "mapping keys must be plain text")
            value = self.build(value_node, depth + 1)
            if key in mapping:
                first = mapping.key_locs[key]
                self.log.add(key.loc, f"duplicate key '{key}' (first defined at line {first.line})")
                continue
            mapping[key] = value
            mapping.key_locs[key] = key.loc
        return mapping


def parse_yaml(text: str, path: str) -> Any:
    """Parse YAML text strictly; raises :class:`InputError` with the location of every problem."""
    if "&" in text or "*" in text or "!" in text:
        _refuse_aliases_and_tags(text, path)
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _location(path, mark) if mark else Location(path)
        problem = error.problem or "malformed YAML"
        if error.context:
            problem = f"{problem} ({error.context})"
        raise InputError.at(where, f"malformed YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise InputError.at(Location(path), f"malformed YAML: {error}") from None
    finally:
        loader.dispose()
    if node is None:
        return None
    log = ProblemLog()
    value = _Builder(path, log).build(node)
    log.raise_if_any()
    return value


def _refuse_aliases_and_tags(text: str, path: str) -> None:
    """Refuse anchors, aliases and tags from the event stream, before anything is composed."""
    loader = _BaseLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise InputError.at(
                    _location(path, event.start_mark), "YAML anchors and aliases are not supported"
                )
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in ("!", "?") and tag not in _PLAIN_TAGS:
                raise InputError.at(
                    _location(path, event.start_mark),
                    f"YAML tags like '{_short_tag(tag)}' are not supported",
                )
    except yaml.YAMLError:
        return  # malformed YAML: parse_yaml reports it with its position
    finally:
        loader.dispose()


def load_yaml(path: str | os.PathLike[str]) -> Any:
    """Read and parse a YAML file strictly (see :func:`parse_yaml`)."""
    text = read_text(path)
    return parse_yaml(text, Location.of_file(path).path)
