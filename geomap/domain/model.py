"""The data geomap works with: factions, places, sourced assertions and resolved states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from geomap.errors import Location

STATUSES = ("held", "contested", "besieged")
"""``held``: the holder controls the place; ``contested``: fighting inside it, ``by`` is the other
side; ``besieged``: the holder is inside, encircled by ``by``."""


@dataclass(frozen=True)
class Faction:
    id: str
    name: str
    colour: str
    short: str
    location: Location | None = None


@dataclass(frozen=True)
class Place:
    """A named place: a point (town, dam, crossing…) or an area (province, zone)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str
    rank: int
    geometry: Any = field(compare=False, repr=False)  # shapely geometry, lon/lat (EPSG:4326)
    location: Location | None = None

    @property
    def lonlat(self) -> tuple[float, float]:
        point = self.geometry.representative_point()
        return (point.x, point.y)

    @property
    def is_area(self) -> bool:
        """A Polygon or MultiPolygon (a province or zone): shaded ground, never a marker."""
        return self.geometry.geom_type != "Point"


@dataclass(frozen=True)
class Citation:
    """A public source: who published what, and when."""

    id: str
    publisher: str
    title: str
    date: str
    url: str | None = None
    location: Location | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "publisher": self.publisher,
            "title": self.title,
            "date": self.date,
            "url": self.url,
        }

    def __str__(self) -> str:
        return f"{self.publisher}, “{self.title}”, {self.date}"


@dataclass(frozen=True)
class Assertion:
    """One sourced claim in a snapshot: on ``date``, ``holder`` held ``place_id``."""

    place_id: str
    date: date
    holder: str
    status: str = "held"
    by: str | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Snapshot:
    """One YAML file: what was asserted on one day."""

    date: date
    path: str
    assertions: tuple[Assertion, ...]
    location: Location | None = None


@dataclass(frozen=True)
class PlaceState:
    """Who held a place on a date, since when (the day this state began, not the day it was last
    restated), and on whose word (the sources that dated its start). ``asserted`` is the latest
    assertion on or before the date: how fresh the claim is."""

    place_id: str
    holder: str | None
    status: str
    by: str | None
    since: date | None
    sources: tuple[str, ...]
    note: str | None = None
    asserted: date | None = None

    @property
    def known(self) -> bool:
        return self.holder is not None


UNKNOWN_STATUS = "unknown"
