"""The one error type for bad user input, and the locations it points at.

Loaders collect every problem they find and raise :class:`InputError` once; the command line
turns it into ``file:line:col: message`` lines and exit status 1, in one place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (``\\n``), so that a name
    quoted from a user's file cannot break the one-problem-per-line output."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    text = os.fspath(path)
    try:
        relative = os.path.relpath(os.path.abspath(text))
    except (ValueError, OSError):  # another drive, or the working folder is gone
        return str(Path(text))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return str(Path(text))
    return relative


@dataclass(frozen=True, order=True)
class Location:
    """A place in a user's file: 1-based line and column; 0 means 'the whole file'."""

    path: str
    line: int = 0
    column: int = 0

    @classmethod
    def of_file(cls, path: str | os.PathLike[str]) -> Location:
        return cls(display_path(path))

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; ``location`` is None for problems with no file."""

    location: Location | None
    message: str

    def sort_key(self) -> tuple:
        if self.location is None:
            return ("", 0, 0, self.message)
        return (self.location.path, self.location.line, self.location.column, self.message)

    def __str__(self) -> str:
        if self.location is None:
            return one_line(self.message)
        return one_line(f"{self.location}: {self.message}")


class InputError(Exception):
    """Something in the user's input is wrong; carries every problem found, sorted by location."""

    def __init__(self, problems: Iterable[Problem]):
        unique = {(p.location, p.message): p for p in problems}
        self.problems: tuple[Problem, ...] = tuple(sorted(unique.values(), key=Problem.sort_key))
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, location: Location | None, message: str) -> InputError:
        return cls([Problem(location, message)])


class ProblemLog:
    """Collects problems while loading, so that every problem is reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, location: Location | None, message: str) -> None:
        self.problems.append(Problem(location, message))

    def extend(self, error: InputError) -> None:
        self.problems.extend(error.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
