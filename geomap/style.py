"""The look of a map: colours, sizes and symbols, read from a style YAML (no matplotlib here)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

from geomap.errors import Location, ProblemLog
from geomap.schema import check_keys, expect_map, type_name
from geomap.yamlfile import load_yaml

_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
MARKER_SHAPES = ("o", "s", "^", "D", "p", "h", "v", "*")


@dataclass(frozen=True)
class Style:
    size_px: tuple[int, int] = (1600, 1200)
    dpi: int = 150
    font_family: str = "DejaVu Sans"
    colours: dict[str, str] = field(
        default_factory=lambda: {
            "background": "#dfe9f2",
            "land": "#f4f1ea",
            "focus_land": "#fcfbf7",
            "border": "#6b6b6b",
            "province": "#b9b4aa",
            "river": "#5b9bd5",
            "lake": "#a9cbe8",
            "text": "#202020",
            "halo": "#ffffff",
            "country_label": "#8a8275",
        }
    )
    font_sizes: dict[str, float] = field(
        default_factory=lambda: {
            "title": 15,
            "subtitle": 9.5,
            "label": 7.2,
            "label_major": 8.4,
            "country": 11,
            "legend": 7.5,
            "credit": 6,
        }
    )
    line_widths: dict[str, float] = field(
        default_factory=lambda: {"border": 1.0, "province": 0.4, "river": 1.1, "marker_edge": 0.6}
    )
    marker_sizes: dict[int, float] = field(default_factory=lambda: {1: 9.0, 2: 7.0, 3: 6.0, 4: 5.0})
    marker_shapes: dict[str, str] = field(
        default_factory=lambda: {
            "city": "o",
            "town": "o",
            "village": "o",
            "border-crossing": "s",
            "dam": "D",
            "airbase": "^",
            "oilfield": "p",
            "refinery": "p",
        }
    )
    label_max_rank: int = 4
    stale_after_days: int = 400

    def marker_size(self, rank: int) -> float:
        sizes = self.marker_sizes
        return sizes.get(rank, sizes[max(sizes)] if rank > max(sizes) else sizes[min(sizes)])

    def marker_shape(self, kind: str) -> str:
        return self.marker_shapes.get(kind, "o")


STYLE_KEYS = tuple(Style.__dataclass_fields__)


def load_style(path: str | os.PathLike[str] | None) -> Style:
    """The default style, overridden by whatever ``path`` sets."""
    style = Style()
    if path is None:
        return style
    log = ProblemLog()
    where = Location(Location.of_file(path).path, 1, 1)
    document = load_yaml(path)
    mapping = expect_map(document, log, where, "a style")
    log.raise_if_any()
    check_keys(mapping, STYLE_KEYS, log, "style")
    changes: dict[str, Any] = {}
    for key, value in mapping.items():
        loc = getattr(value, "loc", mapping.key_loc(key))
        if key == "size_px":
            numbers = _numbers(value, log, loc, key, count=2)
            if numbers:
                changes[key] = (int(numbers[0]), int(numbers[1]))
        elif key in ("dpi", "label_max_rank", "stale_after_days"):
            numbers = _numbers([value], log, loc, key, count=1)
            if numbers:
                changes[key] = int(numbers[0])
        elif key == "font_family":
            changes[key] = str(value)
        elif key in ("colours", "font_sizes", "line_widths", "marker_sizes", "marker_shapes"):
            entries = expect_map(value, log, loc, f"'{key}'")
            if entries is not None:
                changes[key] = {**getattr(style, key), **_entries(key, entries, log)}
    log.raise_if_any()
    return replace(style, **changes)


def _entries(key: str, entries: dict, log: ProblemLog) -> dict:
    result: dict = {}
    for name, value in entries.items():
        loc = getattr(value, "loc", entries.key_loc(name))
        if key == "colours":
            if not _HEX_COLOUR.match(str(value)):
                log.add(loc, f"colour '{name}' must be a quoted hex colour like \"#cc0000\"")
            else:
                result[name] = str(value).lower()
        elif key == "marker_shapes":
            if value not in MARKER_SHAPES:
                log.add(loc, f"marker shape '{value}' must be one of {' '.join(MARKER_SHAPES)}")
            else:
                result[name] = str(value)
        else:
            numbers = _numbers([value], log, loc, f"{key}.{name}", count=1)
            if numbers:
                result[int(name) if key == "marker_sizes" else name] = numbers[0]
    return result


def _numbers(value: Any, log: ProblemLog, loc: Location, what: str, count: int) -> list[float]:
    if not isinstance(value, list) or len(value) != count:
        log.add(loc, f"{what} must be {count} number(s), not {type_name(value)}")
        return []
    try:
        numbers = [float(v) for v in value]
    except (TypeError, ValueError):
        log.add(loc, f"{what} must be numbers")
        return []
    if any(n <= 0 for n in numbers):
        log.add(loc, f"{what} must be positive")
        return []
    return numbers
