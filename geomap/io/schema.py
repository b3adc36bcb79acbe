"""Small checks shared by the loaders: expected keys, types and suggestions for typos."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from geomap.errors import Location, ProblemLog

KEBAB_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None or (isinstance(value, str) and not value.strip()):
        return "nothing"
    return "text"


def location_of(value: Any, fallback: Location) -> Location:
    return getattr(value, "loc", fallback)


def check_keys(
    mapping: dict, allowed: Iterable[str], log: ProblemLog, what: str, required: Iterable[str] = ()
) -> None:
    """Report unknown keys (with a suggestion) and missing required keys."""
    allowed = tuple(allowed)
    for key in mapping:
        if key not in allowed:
            log.add(
                mapping.key_loc(key) if hasattr(mapping, "key_loc") else None,
                f"unknown key '{key}' in {what}{did_you_mean(key, allowed)}",
            )
    for key in required:
        if key not in mapping:
            log.add(getattr(mapping, "loc", None), f"{what} has no '{key}'")


def expect_map(value: Any, log: ProblemLog, fallback: Location, what: str) -> dict | None:
    if isinstance(value, dict):
        return value
    log.add(location_of(value, fallback), f"{what} must be a mapping, not {type_name(value)}")
    return None


def expect_text(value: Any, log: ProblemLog, fallback: Location, what: str) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, str):
        log.add(location_of(value, fallback), f"{what} is empty")
        return None
    log.add(location_of(value, fallback), f"{what} must be text, not {type_name(value)}")
    return None


def expect_text_list(value: Any, log: ProblemLog, fallback: Location, what: str) -> list[str]:
    """One text or a list of texts (``source: a`` and ``source: [a, b]`` both work)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        texts = []
        for item in value:
            text = expect_text(item, log, location_of(value, fallback), f"each item of {what}")
            if text is not None:
                texts.append(text)
        return texts
    log.add(location_of(value, fallback), f"{what} must be text or a list, not {type_name(value)}")
    return []


def expect_int(value: Any, log: ProblemLog, fallback: Location, what: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        log.add(location_of(value, fallback), f"{what} must be a whole number")
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        log.add(location_of(value, fallback), f"{what} must be a whole number, not '{value}'")
        return None
