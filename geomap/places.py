"""Places from GeoJSON: points (towns, dams, crossings…) and polygons (provinces, zones)."""

from __future__ import annotations

import math
import os
from typing import Any

from geomap.errors import InputError, Location, ProblemLog
from geomap.jsonfile import load_json_with_positions
from geomap.model import Place
from geomap.schema import KEBAB_ID, did_you_mean, type_name

KINDS = (
    "city",
    "town",
    "village",
    "border-crossing",
    "dam",
    "airbase",
    "oilfield",
    "refinery",
    "province",
    "zone",
)
GEOMETRY_TYPES = ("Point", "Polygon", "MultiPolygon")
PLACE_KEYS = ("id", "name", "aliases", "kind", "country", "rank", "geonameid", "coord_source")
_WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}


def load_places(paths: list[str | os.PathLike[str]]) -> dict[str, Place]:
    """Every place of the given GeoJSON files by id; all problems are raised together."""
    log = ProblemLog()
    places: dict[str, Place] = {}
    for path in paths:
        try:
            document = load_json_with_positions(path)
        except InputError as error:
            log.extend(error)
            continue
        for place in _places_of(document, Location.of_file(path), log):
            if place.id in places:
                first = places[place.id].location
                where = f"line {first.line}" if first.path == place.location.path else str(first)
                log.add(place.location, f"place id '{place.id}' is used twice (first at {where})")
                continue
            places[place.id] = place
    log.raise_if_any()
    return places


def _places_of(document: Any, file_loc: Location, log: ProblemLog) -> list[Place]:
    where = getattr(document, "loc", file_loc)
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        log.add(where, "expected a GeoJSON FeatureCollection")
        return []
    crs = document.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        if name not in _WGS84_NAMES:
            log.add(
                getattr(crs, "loc", where),
                f"unsupported CRS '{name}': place coordinates must be longitude/latitude "
                "(WGS 84, EPSG:4326)",
            )
            return []
    features = document.get("features")
    if not isinstance(features, list):
        log.add(where, "the FeatureCollection has no 'features' list")
        return []
    places = []
    for feature in features:
        place = _place_of(feature, where, log)
        if place is not None:
            places.append(place)
    return places


def _place_of(feature: Any, parent: Location, log: ProblemLog) -> Place | None:
    where = getattr(feature, "loc", parent)
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        log.add(where, "expected a GeoJSON Feature")
        return None
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        log.add(where, "feature has no 'properties' object")
        return None
    problems_before = len(log.problems)
    for key in properties:
        if key not in PLACE_KEYS:
            log.add(where, f"unknown property '{key}' in place{did_you_mean(key, PLACE_KEYS)}")
    place_id = properties.get("id", feature.get("id"))
    if place_id is None:
        log.add(where, "feature has no id (set 'id' in its properties)")
        return None
    if not isinstance(place_id, str) or not KEBAB_ID.match(place_id):
        log.add(where, f"place id {place_id!r} must be kebab-case text like 'deir-ez-zor'")
        return None
    if "id" in feature and "id" in properties and feature["id"] != properties["id"]:
        log.add(where, f"feature id '{feature['id']}' differs from its property id '{place_id}'")
    name = properties.get("name")
    if not isinstance(name, str) or not name.strip():
        log.add(where, f"place '{place_id}' has no name")
    aliases = properties.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        log.add(where, f"aliases of '{place_id}' must be a list of names")
        aliases = []
    kind = properties.get("kind")
    if kind not in KINDS:
        log.add(
            where,
            f"place '{place_id}' has unknown kind {kind!r}{did_you_mean(str(kind), KINDS)}"
            f" (expected one of: {', '.join(KINDS)})",
        )
    country = properties.get("country")
    if not isinstance(country, str) or len(country) != 2 or not country.isupper():
        log.add(where, f"place '{place_id}' needs a two-letter country code like 'SY'")
    rank = properties.get("rank", 3)
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= 9:
        log.add(where, f"rank of '{place_id}' must be a whole number from 1 to 9, not {rank!r}")
    geometry = _geometry_of(feature.get("geometry"), where, place_id, log)
    if len(log.problems) > problems_before or geometry is None:
        return None
    return Place(
        id=place_id,
        name=name.strip(),
        aliases=tuple(a.strip() for a in aliases if a.strip()),
        kind=kind,
        country=country,
        rank=rank,
        geometry=geometry,
        location=where,
    )


def _coordinates_ok(coordinates: Any) -> bool | None:
    """True if every position is a finite lon/lat pair in range; None if the nesting is wrong."""
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], int | float):
        if len(coordinates) < 2 or not all(
            isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c)
            for c in coordinates
        ):
            return None
        lon, lat = coordinates[0], coordinates[1]
        return -180 <= lon <= 180 and -90 <= lat <= 90
    if isinstance(coordinates, list):
        results = [_coordinates_ok(c) for c in coordinates]
        if any(r is None for r in results):
            return None
        return all(results)
    return None


def _geometry_of(geometry: Any, where: Location, place_id: str, log: ProblemLog) -> Any:
    if not isinstance(geometry, dict):
        log.add(where, f"place '{place_id}' has no geometry (found {type_name(geometry)})")
        return None
    where = getattr(geometry, "loc", where)
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        log.add(
            where,
            f"geometry of '{place_id}' must be one of {', '.join(GEOMETRY_TYPES)}, not {kind!r}",
        )
        return None
    coordinates = geometry.get("coordinates")
    in_range = _coordinates_ok(coordinates)
    if in_range is None or (isinstance(coordinates, list) and not coordinates):
        log.add(where, f"geometry of '{place_id}' has malformed or empty coordinates")
        return None
    if not in_range:
        log.add(
            where,
            f"coordinates of '{place_id}' are outside longitude -180..180 / latitude -90..90 "
            "(are longitude and latitude swapped, or is this not EPSG:4326?)",
        )
        return None
    import shapely
    from shapely.geometry import shape

    try:
        shaped = shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as error:
        log.add(where, f"geometry of '{place_id}' is malformed: {error}")
        return None
    if shaped.is_empty:
        log.add(where, f"geometry of '{place_id}' is empty")
        return None
    if not shaped.is_valid:
        reason = shapely.is_valid_reason(shaped)
        log.add(where, f"geometry of '{place_id}' is invalid: {reason}")
        return None
    return shaped
