"""Places from GeoJSON: points (towns, dams, crossings…) and polygons (provinces, zones)."""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any

from geomap.domain.model import Place
from geomap.errors import InputError, Location, ProblemLog
from geomap.io.jsonfile import load_json_with_positions
from geomap.io.schema import KEBAB_ID, did_you_mean
from geomap.io.vector import is_geojson

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
MAX_PROBLEMS_PER_FILE = 100
"""Checking stops there: a wrong file (say, some other JSON) gives a screenful, not millions."""
PLACE_KEYS = ("id", "name", "aliases", "kind", "country", "rank", "geonameid", "coord_source")
_WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}


def load_places(
    paths: list[str | os.PathLike[str]], fields: dict | None = None
) -> dict[str, Place]:
    """Every place of the given files by id; all problems are raised together.

    ``fields`` maps a path to its field mapping (geomap's property -> the file's field, plus
    ``layer`` for a GeoPackage), as a scenario's ``places: {path: ..., id: ..., ...}`` gives.
    """
    log = ProblemLog()
    places: dict[str, Place] = {}
    for path in paths:
        mapping = dict((fields or {}).get(path) or {})
        layer = mapping.pop("layer", None)
        try:
            document = (
                load_json_with_positions(path, log)
                if is_geojson(path)
                else _document_of_other_format(path, layer)
            )
        except InputError as error:
            log.extend(error)
            continue
        if mapping or not is_geojson(path):
            _rename_properties(document, mapping)
        start = len(log.problems)
        for place in _places_of(document, Location.of_file(path), log):
            if len(log.problems) - start >= MAX_PROBLEMS_PER_FILE:
                break
            if place.id in places:
                first = places[place.id].location
                where = f"line {first.line}" if first.path == place.location.path else str(first)
                log.add(place.location, f"place id '{place.id}' is used twice (first at {where})")
                continue
            places[place.id] = place
    log.raise_if_any()
    return places


def _rename_properties(document: Any, mapping: dict[str, str]) -> None:
    """Give each feature geomap's property names (``mapping``: geomap's name -> the file's);
    other properties are dropped, as a file with its own field names has many. ``aliases`` may be
    text separated by ``;``; a whole-number ``rank`` read as a float becomes an integer."""
    features = document.get("features") if isinstance(document, dict) else None
    for feature in features if isinstance(features, list) else []:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            continue
        renamed = {
            key: properties[source] for key, source in mapping.items() if source in properties
        }
        for key in [k for k in properties if k not in PLACE_KEYS or k in mapping]:
            del properties[key]
        properties.update(renamed)
        if isinstance(properties.get("aliases"), str):
            properties["aliases"] = [a.strip() for a in properties["aliases"].split(";")]
        if isinstance(properties.get("rank"), float) and properties["rank"].is_integer():
            properties["rank"] = int(properties["rank"])


def _document_of_other_format(path, layer: str | None = None) -> dict:
    """A Shapefile, GeoPackage ... of places as a GeoJSON-like FeatureCollection in lon/lat, for
    the same checks as a GeoJSON file (problems point at the file; messages name the place).
    Columns other than the place properties are dropped after any renaming (GIS files carry
    many, see :func:`_rename_properties`); ``aliases`` is text separated by ``;``."""
    import shapely

    from geomap.io.vector import read_vector

    data = read_vector(path, layer)
    features = []
    for row, geometry in zip(data.rows, data.geometries, strict=True):
        properties = {k: v for k, v in row.items() if v is not None}
        shape = None if geometry is None else json.loads(shapely.to_geojson(geometry))
        features.append({"type": "Feature", "properties": properties, "geometry": shape})
    return {"type": "FeatureCollection", "features": features}


def crs_problem(crs: Any) -> str | None:
    """Why a GeoJSON ``crs`` member is not longitude/latitude, or None when it is (or absent)."""
    if crs is None:
        return None
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if name in _WGS84_NAMES:
        return None
    shown = f"'{name}'" if isinstance(name, str) else "(no name)"
    return f"unsupported CRS {shown}: coordinates must be longitude/latitude (WGS 84, EPSG:4326)"


def _places_of(document: Any, file_loc: Location, log: ProblemLog) -> list[Place]:
    where = getattr(document, "loc", file_loc)
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        log.add(where, "expected a GeoJSON FeatureCollection")
        return []
    crs = document.get("crs")
    problem = crs_problem(crs)
    if problem is not None:
        log.add(getattr(crs, "loc", where), problem)
        return []
    features = document.get("features")
    if not isinstance(features, list):
        log.add(where, "the FeatureCollection has no 'features' list")
        return []
    places = []
    start = len(log.problems)
    for feature in features:
        if len(log.problems) - start >= MAX_PROBLEMS_PER_FILE:
            log.add(
                where,
                f"stopped after {MAX_PROBLEMS_PER_FILE} problems in this file; fix these first",
            )
            break
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
    if name is not None and not isinstance(name, str):
        log.add(where, f"name of '{place_id}' must be text, not {json_type_name(name)}")
    elif not isinstance(name, str) or not name.strip():
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


def _geometry_of(geometry: Any, where: Location, place_id: str, log: ProblemLog) -> Any:
    if not isinstance(geometry, dict):
        log.add(where, f"place '{place_id}' has no geometry (found {json_type_name(geometry)})")
        return None
    shaped, problem = read_geometry(geometry, GEOMETRY_TYPES, f"'{place_id}'")
    if problem is not None:
        log.add(getattr(geometry, "loc", where), problem)
    return shaped


# --- GeoJSON geometries, shared with the basemap layers ------------------------------------------

_NESTING = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}
"""How many list levels sit above the positions of each geometry type."""


def json_type_name(value: Any) -> str:
    """What a JSON value is, in words: 'an object', 'a list', 'a number', 'text', 'nothing'."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return "text"


def _brief(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _structure_problem(coordinates: Any, kind: str) -> tuple[str | None, list | None]:
    """What is wrong with the nesting of ``coordinates`` for a geometry of type ``kind``, and the
    first position outside longitude/latitude ranges (one pass, no recursion)."""
    outside = None
    # Each entry: (value, levels above its positions, what it is)
    pending = [(coordinates, _NESTING[kind], kind)]
    while pending:
        value, depth, what = pending.pop()
        if depth == 0:
            value = [value]  # a Point's single position
        elif not isinstance(value, list):
            return f"expected a list of coordinates, found {_brief(value)}", None
        if what in ("LineString", "line") and len(value) < 2:
            return f"a line needs at least 2 positions, found {len(value)}", None
        if what == "ring":
            if len(value) < 4:
                return (
                    f"a polygon ring needs at least 4 positions (the first repeated at the end), "
                    f"found {len(value)}"
                ), None
            if isinstance(value[0], list) and value[0] != value[-1]:
                return (
                    f"a polygon ring must be closed: its last position {_brief(value[-1])} "
                    f"differs from its first {_brief(value[0])}"
                ), None
        if what in ("Polygon", "polygon") and not value:
            return "a polygon needs at least one ring", None
        if depth <= 1:
            problem, first_outside = _positions_problem(value)
            if problem is not None:
                return problem, None
            outside = outside or first_outside
            continue
        child = {"Polygon": "ring", "polygon": "ring", "MultiPolygon": "polygon"}.get(what, "line")
        pending.extend((item, depth - 1, child) for item in reversed(value))
    return None, outside


def _positions_problem(positions: list) -> tuple[str | None, list | None]:
    """What is wrong with a list of positions, and the first one outside the lon/lat ranges."""
    outside = None
    for position in positions:
        if not (isinstance(position, list) and 2 <= len(position) <= 3):
            return f"expected a position [longitude, latitude], found {_brief(position)}", None
        for number in position:
            if type(number) is not float and type(number) is not int:  # bool is not a number
                return f"a position must hold numbers, found {_brief(position)}", None
        lon, lat = position[0], position[1]
        in_range = -180 <= lon <= 180 and -90 <= lat <= 90  # False for NaN too
        if not in_range or len(position) == 3:
            if not all(math.isfinite(number) for number in position):
                return (
                    f"position {_brief(position)} has a coordinate that is not a finite number"
                ), None
            if not in_range and outside is None:
                outside = position
    return None, outside


def _xy(positions: list) -> Any:
    """Positions as an (n, 2) array of longitude and latitude (a third value is dropped)."""
    import numpy as np

    try:
        return np.asarray(positions, dtype=float)[:, :2]
    except ValueError:  # 2D and 3D positions mixed
        return np.asarray([p[:2] for p in positions], dtype=float)


def _shape(kind: str, coordinates: Any) -> Any:
    """A shapely geometry from checked GeoJSON coordinates, in two dimensions."""
    import shapely

    def polygon(rings):
        return shapely.Polygon(_xy(rings[0]), [_xy(r) for r in rings[1:]])

    if kind == "Point":
        return shapely.Point(coordinates[0], coordinates[1])
    if kind == "LineString":
        return shapely.LineString(_xy(coordinates))
    if kind == "MultiLineString":
        return shapely.MultiLineString([_xy(line) for line in coordinates])
    if kind == "Polygon":
        return polygon(coordinates)
    return shapely.MultiPolygon([polygon(rings) for rings in coordinates])


def _validity_reason(geometry: Any) -> str:
    """GEOS's reason, in house style: 'Self-intersection[38.5 35.5]' -> 'self-intersection at
    38.5, 35.5'."""
    import shapely

    reason = shapely.is_valid_reason(geometry)
    match = re.fullmatch(r"(.*?)\s*\[(\S+) (\S+)\]", reason)
    if match:
        reason = f"{match.group(1)} at {match.group(2)}, {match.group(3)}"
    return reason[:1].lower() + reason[1:]


def read_geometry(geometry: dict, allowed: tuple[str, ...], who: str) -> tuple[Any, str | None]:
    """A GeoJSON geometry object as a shapely geometry, or None and what is wrong with it.

    Checks the type, the nesting of the coordinates, that every position is a finite
    longitude/latitude in range, that rings are closed, and that the result is not empty and is
    valid (no self-intersections). ``who`` names the owner in messages, like ``'raqqa'``.
    """
    kind = geometry.get("type")
    if kind not in allowed:
        shown = repr(kind) if isinstance(kind, str) else json_type_name(kind)
        return None, f"geometry of {who} must be one of {', '.join(allowed)}, not {shown}"
    if "coordinates" not in geometry:
        return None, f"geometry of {who} has no 'coordinates'"
    coordinates = geometry["coordinates"]
    if coordinates == []:
        return None, f"geometry of {who} is empty"
    problem, outside = _structure_problem(coordinates, kind)
    if problem is not None:
        return None, f"geometry of {who} is malformed: {problem}"
    if outside is not None:
        return None, (
            f"coordinates of {who} are outside longitude -180..180 / latitude -90..90, at "
            f"{_brief(outside[:2])} (are longitude and latitude swapped, or is this not "
            "EPSG:4326?)"
        )
    import shapely

    try:
        shaped = _shape(kind, coordinates)
    except (ValueError, TypeError, shapely.errors.GEOSException) as error:
        return None, f"geometry of {who} is malformed: {error}"
    if shaped.is_empty:
        return None, f"geometry of {who} is empty"
    if not shaped.is_valid:
        return None, f"geometry of {who} is invalid: {_validity_reason(shaped)}"
    return shaped, None
