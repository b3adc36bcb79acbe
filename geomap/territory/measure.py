"""Kilometres and people of an estimate: areas measured in an equal-area projection after going
back to longitude/latitude (not in the conformal map plane), people counted from the settlements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import shapely

from geomap.territory.cells import GRID_M, polygonal

if TYPE_CHECKING:  # the model imports this module
    from geomap.territory.model import Territory, TerritoryModel


@dataclass(frozen=True)
class FactionArea:
    """Ground and people of one faction on one day; contested ground (and the people on it)
    counts half towards ``area_km2`` (``population``)."""

    faction: str
    held_km2: float
    contested_km2: float
    held_people: float = 0.0
    contested_people: float = 0.0

    @property
    def area_km2(self) -> float:
        return self.held_km2 + self.contested_km2 / 2

    @property
    def population(self) -> float:
        return self.held_people + self.contested_people / 2


def faction_areas(
    territory: Territory, projection: str, equal_area: str, people: Mapping | None = None
) -> dict[str, FactionArea]:
    """Held and contested km² (and people) per faction (contested ground counts for both)."""
    people = people or {}
    held = {f: area_km2(g, projection, equal_area) for f, g in territory.held.items()}
    contested: dict[str, float] = {}
    contested_people: dict[str, float] = {}
    for (holder, by), geometry in territory.contested.items():
        km2 = area_km2(geometry, projection, equal_area)
        for faction in (holder, by):
            contested[faction] = contested.get(faction, 0.0) + km2
            contested_people[faction] = contested_people.get(faction, 0.0) + people.get(
                (holder, by), 0.0
            )
    return {
        faction: FactionArea(
            faction,
            held.get(faction, 0.0),
            contested.get(faction, 0.0),
            people.get(faction, 0.0),
            contested_people.get(faction, 0.0),
        )
        for faction in territory.factions
    }


def equal_area_crs(extent_lonlat: tuple[float, float, float, float]) -> str:
    """A Lambert azimuthal equal-area projection centred on ``extent_lonlat``."""
    west, south, east, north = extent_lonlat
    return (
        f"+proj=laea +lat_0={(south + north) / 2:.4f} +lon_0={(west + east) / 2:.4f} "
        "+datum=WGS84 +units=m +no_defs"
    )


@lru_cache(maxsize=8)
def _transformers(projection: str, equal_area: str):
    from pyproj import Transformer

    return (
        Transformer.from_crs(projection, "EPSG:4326", always_xy=True),
        Transformer.from_crs("EPSG:4326", equal_area, always_xy=True),
    )


def to_lonlat(geometry, projection: str, densify_m: float = 2000.0):
    """A geometry from the map's plane back to longitude/latitude, its straight edges densified
    first (a straight edge in the plane is a curve in any other projection)."""
    to_geographic, _ = _transformers(projection, "EPSG:4326")
    return _transform(shapely.segmentize(geometry, densify_m), to_geographic)


def area_km2(geometry, projection: str, equal_area: str, densify_m: float = 2000.0) -> float:
    """The area of a geometry given in map metres, measured in ``equal_area`` via lon/lat."""
    if geometry is None or geometry.is_empty:
        return 0.0
    to_geographic, to_equal_area = _transformers(projection, equal_area)
    lonlat = _transform(shapely.segmentize(geometry, densify_m), to_geographic)
    return float(_transform(lonlat, to_equal_area).area) / 1e6


def _transform(geometry, transformer):
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, apply)


def areas_in(
    model: TerritoryModel, territory: Territory, country: str | None = None
) -> dict[str, FactionArea]:
    """Held and contested km² and people of every faction present, measured in
    the model's ``equal_area``; with ``country``, only inside that country's outline."""
    if country is not None:
        from geomap.territory.model import Territory

        outline = model.countries.get(country, shapely.Polygon())
        territory = Territory(
            {
                k: polygonal(shapely.intersection(g, outline, grid_size=GRID_M))
                for k, g in territory.held.items()
            },
            {
                k: polygonal(shapely.intersection(g, outline, grid_size=GRID_M))
                for k, g in territory.contested.items()
            },
        )
    people = people_in(model, territory, country)
    areas = faction_areas(territory, model.projection, model.equal_area, people)
    if country is not None:  # only the factions with ground or people in that country
        areas = {f: a for f, a in areas.items() if a.held_km2 or a.contested_km2}
    return areas


def people_in(model: TerritoryModel, territory: Territory, country: str | None = None) -> dict:
    """Population of the settlements inside each class (a faction, or (holder, attacker)),
    optionally only the settlements of ``country``."""
    if not len(model._people):
        return {}
    xy = model._settlement_xy
    people = model._people
    if country is not None:
        mask = model._settlement_country == country
        xy, people = xy[mask], people[mask]
    result: dict = {}
    for key, geometry in [*territory.held.items(), *territory.contested.items()]:
        if geometry.is_empty or not len(xy):
            continue
        # a settlement on an edge counts for the class that covers it (intersects)
        inside = shapely.intersects_xy(geometry, xy[:, 0], xy[:, 1])
        if inside.any():
            result[key] = float(people[inside].sum())
    return result
