"""Where the places lie: the geometric checks of ``geomap validate`` (pure, lon/lat).

A slip in a coordinate or a country code does not break any file format, it just draws a wrong
map in silence; these checks make it loud:

- a point place outside every country of the basemap (by more than ``TOLERANCE_KM``), or more
  than that outside the country its ``country`` names; the message says when swapping lon/lat
  would put it inside;
- a place outside the scenario's ``extent_lonlat`` (it would not be on the map);
- an ``extent_lonlat`` that covers none of the places.

The places are checked against the countries that the basemap holds; a ``country`` code that
names no feature of the countries layer at all is an id problem, reported by
:func:`country_id_problems` on every load (not only by ``validate``): a countries layer whose ids
match no place's ``country`` (say Natural Earth's ``ISO_A2`` read as ``id``), a place whose
``country`` matches no feature, a focus country missing from the layer. Each would otherwise
draw a map without its shading and an empty ``area`` table, in silence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from geomap.domain.model import Place
from geomap.errors import Location, Problem, display_path

TOLERANCE_KM = 5.0  # coasts and borders are simplified to about 1 km; border posts sit on them
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    geometry: Any  # shapely, lon/lat


def km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def km_outside(geometry: Any, lon: float, lat: float) -> float:
    """How far the point lies outside ``geometry`` (0 inside), in km."""
    from shapely import Point
    from shapely.ops import nearest_points

    point = Point(lon, lat)
    if geometry.covers(point):
        return 0.0
    nearest = nearest_points(geometry, point)[0]
    return km_between(lon, lat, nearest.x, nearest.y)


def _label(country: Country) -> str:
    return country.id if country.name in ("", country.id) else f"{country.id} ({country.name})"


def country_problems(places: Iterable[Place], countries: Sequence[Country]) -> list[Problem]:
    """Point places outside every country, or outside the country they name."""
    from shapely import Point, STRtree

    if not countries:
        return []
    by_id = {c.id: c for c in countries}
    tree = STRtree([c.geometry for c in countries])
    problems = []

    def inside(lon: float, lat: float) -> list[Country]:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return []
        hits = tree.query(Point(lon, lat), predicate="intersects")
        return [countries[i] for i in sorted(hits)]

    for place in places:
        if place.is_area:
            continue
        lon, lat = place.geometry.x, place.geometry.y
        where = f"place '{place.id}' at {lon:g}, {lat:g}"
        named = by_id.get(place.country)
        hits = inside(lon, lat)
        swapped = inside(lat, lon)
        if named is not None:
            if named in hits:
                continue
            distance = km_outside(named.geometry, lon, lat)
            if distance <= TOLERANCE_KM:
                continue
            message = f"{where} is {distance:.0f} km outside {_label(named)}, the country it names"
            if hits:
                message += f"; it lies in {', '.join(_label(c) for c in hits)}"
            if named in swapped:
                message += f" (swapping lon/lat would put it inside {named.id})"
            problems.append(Problem(place.location, message))
            continue
        if hits:
            continue
        nearest = min(countries, key=lambda c: km_outside(c.geometry, lon, lat))
        distance = km_outside(nearest.geometry, lon, lat)
        if distance <= TOLERANCE_KM:
            continue
        message = (
            f"{where} is outside every country of the basemap "
            f"(nearest: {_label(nearest)}, {distance:.0f} km away)"
        )
        if swapped:
            message += f" (swapping lon/lat would put it inside {swapped[0].id})"
        problems.append(Problem(place.location, message))
    return problems


def _extent_text(extent: Sequence[float]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in extent) + "]"


def extent_problems(
    places: Sequence[Place], extent: Sequence[float], where: Location | None
) -> list[Problem]:
    """Places the map's ``extent_lonlat`` leaves out; one problem when it covers none of them."""
    from shapely.geometry import box

    if not places:
        return []
    frame = box(*extent)
    outside = [p for p in places if not p.geometry.intersects(frame)]
    if len(outside) == len(places):
        import shapely

        bounds = shapely.total_bounds([p.geometry for p in places])
        return [
            Problem(
                where,
                f"extent_lonlat {_extent_text(extent)} covers none of the {len(places)} places "
                f"(they lie within {_extent_text([round(float(v), 3) for v in bounds])}); "
                "fix it, or remove it to fit the map to the focus countries and places",
            )
        ]
    return [
        Problem(
            p.location,
            f"place '{p.id}' at {p.lonlat[0]:g}, {p.lonlat[1]:g} is outside extent_lonlat "
            f"{_extent_text(extent)}: it would not be on the map",
        )
        for p in outside
    ]


@dataclass(frozen=True)
class CountryIds:
    """What the countries layer offers for matching: each feature's id (None where it has none),
    the attribute names present, the id field used, the file, and where the scenario names it."""

    ids: Sequence[str | None]
    fields: Sequence[str]
    field: str
    path: Any
    location: Location | None


def examples(values: Iterable[str], limit: int = 5) -> str:
    """``'AA', 'BB', 'CC', ...``: a few of ``values``, sorted."""
    shown = sorted(set(values))
    text = ", ".join(f"'{value}'" for value in shown[:limit])
    return text + (", ..." if len(shown) > limit else "")


def country_id_problems(
    places: Iterable[Place],
    focus: Sequence[str],
    layer: CountryIds,
    focus_at: Location | None,
) -> list[Problem]:
    """Ids of the countries layer that match nothing: the whole layer (one problem, at the
    scenario's ``countries:``), or single places (at each place) and focus countries."""
    places = list(places)
    present = {value for value in layer.ids if value is not None}
    named = f"basemap layer 'countries' ({display_path(layer.path)})"
    file_name = getattr(layer.path, "name", layer.path)
    hint = f"name the field that holds the codes, like countries: {{path: {file_name}, id: ISO_A2}}"
    if not present:
        if layer.field not in layer.fields:
            return [
                Problem(
                    layer.location,
                    f"{named} has no field '{layer.field}' (fields: "
                    f"{', '.join(layer.fields) or 'none'}); {hint}",
                )
            ]
        return [
            Problem(layer.location, f"{named}: field '{layer.field}' is empty in every feature")
        ]
    wanted = {place.country for place in places}
    if wanted and not wanted & present:
        return [
            Problem(
                layer.location,
                f"{named}: no value of field '{layer.field}' matches a place's country "
                f"(the layer has {examples(present)}; the places have {examples(wanted)}); {hint}",
            )
        ]
    problems = [
        Problem(
            place.location,
            f"place '{place.id}' has country '{place.country}', which matches no feature of "
            f"basemap layer 'countries' (field '{layer.field}': {examples(present)})",
        )
        for place in places
        if place.country not in present
    ]
    problems += [
        Problem(
            getattr(code, "loc", focus_at),
            f"focus country '{code}' matches no feature of basemap layer 'countries' "
            f"(field '{layer.field}': {examples(present)})",
        )
        for code in focus
        if code not in present
    ]
    return problems
