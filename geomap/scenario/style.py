"""The look of a map: colours, sizes and symbols, read from a style YAML (no matplotlib here)."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

from geomap.errors import Location, ProblemLog
from geomap.io.schema import check_keys, did_you_mean, expect_map, expect_text, type_name
from geomap.io.yamlfile import load_yaml

_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
MARKER_SHAPES = ("o", "s", "^", "D", "p", "h", "v", "*")
SVG_TEXT = ("text", "paths")


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
    # SVG text: "text" keeps it as editable <text> (the reader's DejaVu Sans or another sans-serif
    # draws it); "paths" draws glyph outlines (looks the same everywhere, cannot be edited)
    svg_text: str = "text"

    def marker_size(self, rank: int) -> float:
        sizes = self.marker_sizes
        return sizes.get(rank, sizes[max(sizes)] if rank > max(sizes) else sizes[min(sizes)])

    def marker_shape(self, kind: str) -> str:
        return self.marker_shapes.get(kind, "o")


STYLE_KEYS = tuple(Style.__dataclass_fields__)
_WHOLE_NUMBERS = {
    # key: (smallest, largest) allowed
    "dpi": (30, 1200),
    "label_max_rank": (1, 9),
    "stale_after_days": (0, 100_000),  # 0: never fade
}
_SIZE_PX = (200, 20_000)
_TABLES = ("colours", "font_sizes", "line_widths", "marker_sizes", "marker_shapes")


def load_style(path: str | os.PathLike[str] | None) -> Style:
    """The default style, overridden by whatever ``path`` sets."""
    style = Style()
    if path is None:
        return style
    log = ProblemLog()
    where = Location(Location.of_file(path).path, 1, 1)
    document = load_yaml(path, log)
    mapping = expect_map(document, log, where, "a style")
    if mapping is None:
        log.raise_if_any()
    check_keys(mapping, STYLE_KEYS, log, "style")
    changes: dict[str, Any] = {}
    for key, value in mapping.items():
        loc = getattr(value, "loc", mapping.key_loc(key))
        if key == "size_px":
            numbers = _numbers(value, log, loc, key, count=2, whole=True, limits=_SIZE_PX)
            if numbers:
                changes[key] = (int(numbers[0]), int(numbers[1]))
        elif key in _WHOLE_NUMBERS:
            numbers = _numbers([value], log, loc, key, 1, whole=True, limits=_WHOLE_NUMBERS[key])
            if numbers:
                changes[key] = int(numbers[0])
        elif key == "svg_text":
            if value not in SVG_TEXT:
                shown = f"'{value}'" if isinstance(value, str) else type_name(value)
                log.add(loc, f"svg_text must be one of {', '.join(SVG_TEXT)}, not {shown}")
            else:
                changes[key] = str(value)
        elif key == "font_family":
            family = expect_text(value, log, loc, "font_family")
            if family:
                changes[key] = family.strip()
        elif key in _TABLES:
            entries = expect_map(value, log, loc, f"'{key}'")
            if entries is not None:
                changes[key] = {**getattr(style, key), **_entries(key, entries, log, style)}
    log.raise_if_any()
    return replace(style, **changes)


def _entry_names(key: str, style: Style) -> tuple[str, ...]:
    if key == "marker_shapes":
        from geomap.scenario.places import KINDS

        return KINDS
    if key == "marker_sizes":
        return tuple(str(rank) for rank in range(1, 10))
    return tuple(getattr(style, key))


def _entries(key: str, entries: dict, log: ProblemLog, style: Style) -> dict:
    result: dict = {}
    names = _entry_names(key, style)
    for name, value in entries.items():
        loc = getattr(value, "loc", entries.key_loc(name))
        if name not in names:
            what = "rank" if key == "marker_sizes" else "name"
            log.add(
                entries.key_loc(name),
                f"unknown {what} '{name}' in '{key}'{did_you_mean(name, names)}"
                f" (expected one of: {', '.join(names)})",
            )
            continue
        if key == "colours":
            if not (isinstance(value, str) and _HEX_COLOUR.match(value)):
                log.add(loc, f"colour '{name}' must be a quoted hex colour like \"#cc0000\"")
            else:
                result[name] = value.lower()
        elif key == "marker_shapes":
            if value not in MARKER_SHAPES:
                shown = f"'{value}'" if isinstance(value, str) else type_name(value)
                log.add(
                    loc,
                    f"marker shape of '{name}' must be one of {' '.join(MARKER_SHAPES)}, "
                    f"not {shown}",
                )
            else:
                result[name] = str(value)
        else:
            numbers = _numbers([value], log, loc, f"{key}.{name}", count=1)
            if numbers:
                result[int(name) if key == "marker_sizes" else name] = numbers[0]
    return result


def _numbers(
    value: Any,
    log: ProblemLog,
    loc: Location,
    what: str,
    count: int,
    *,
    whole: bool = False,
    limits: tuple[float, float] | None = None,
) -> list[float]:
    """``count`` positive, finite numbers (whole ones if ``whole``), within ``limits``."""
    kind = "whole number" if whole else "number"
    if not isinstance(value, list) or len(value) != count:
        log.add(loc, f"{what} must be {count} {kind}s, not {type_name(value)}")
        return []
    try:
        numbers = [float(v) for v in value]
    except (TypeError, ValueError):
        numbers = []
    if not numbers or not all(math.isfinite(n) for n in numbers):
        shown = ", ".join(str(v) if isinstance(v, str) else type_name(v) for v in value)
        shown = f"'{shown}'" if count == 1 else f"[{shown}]"
        log.add(loc, f"{what} must be {'a ' + kind if count == 1 else kind + 's'}, not {shown}")
        return []
    if whole and not all(n.is_integer() for n in numbers):
        log.add(loc, f"{what} must be {'a whole number' if count == 1 else 'whole numbers'}")
        return []
    if any(n <= 0 for n in numbers) and (limits is None or limits[0] > 0):
        log.add(loc, f"{what} must be positive")
        return []
    if limits is not None and not all(limits[0] <= n <= limits[1] for n in numbers):
        log.add(loc, f"{what} must be from {limits[0]} to {limits[1]}")
        return []
    return numbers
