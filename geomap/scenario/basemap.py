"""The basemap layers (countries, provinces, rivers, lakes), read once and projected.

A layer is GeoJSON (geomap's strict reader, with line:column messages) or any format pyogrio
reads (Shapefile, GeoPackage ...) in any CRS; the scenario may name the fields that hold each
feature's id and name (``countries: {path: ne.shp, id: ISO_A2, name: NAME}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geomap.errors import InputError, Problem, ProblemLog
from geomap.io.jsonfile import load_json, locate
from geomap.scenario.places import MAX_PROBLEMS_PER_FILE, crs_problem, json_type_name, read_geometry

LAYER_GEOMETRIES = {
    "countries": ("Polygon", "MultiPolygon"),
    "provinces": ("Polygon", "MultiPolygon"),
    "lakes": ("Polygon", "MultiPolygon"),
    "rivers": ("LineString", "MultiLineString"),
    "settlements": ("Point",),
}
"""The geometry types of each layer. ``settlements`` (populated places with a ``population``,
such as GeoNames cities500) feeds the territory model; it is not drawn."""
MAX_LAYER_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class LayerFields:
    """Which attribute holds a feature's id, name and (settlements) population, and which layer
    of a multi-layer file (GeoPackage) to read; None means the default (``id``, ``name``,
    ``population``, the first layer)."""

    id: str | None = None
    name: str | None = None
    population: str | None = None
    layer: str | None = None

    @property
    def id_field(self) -> str:
        return self.id or "id"


NO_FIELDS = LayerFields()


@dataclass(frozen=True)
class Layer:
    """Projected geometries of one layer with their ids and names (parallel lists)."""

    name: str
    ids: tuple[str, ...]
    names: tuple[str, ...]
    geometries: tuple = field(repr=False)  # shapely geometries in map metres
    populations: tuple[int, ...] = ()  # settlements only: people, parallel to ``ids``


def _feature_id(feature: dict, properties: dict, fields: LayerFields = NO_FIELDS) -> str | None:
    candidates = (
        (properties.get(fields.id),) if fields.id else (properties.get("id"), feature.get("id"))
    )
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def check_layer(
    document: Any, layer: str, fields: LayerFields = NO_FIELDS
) -> tuple[list, list[tuple[tuple, str]]]:
    """The (id, name, lon/lat geometry) of every feature of a layer, and what is wrong.

    Problems come with the key path of the JSON object they are about, like
    ``("features", 3, "geometry")``, so that they can be located afterwards. Pure: no I/O.
    """
    problems: list[tuple[tuple, str]] = []
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return [], [((), f"basemap layer '{layer}' must be a GeoJSON FeatureCollection")]
    problem = crs_problem(document.get("crs"))
    if problem is not None:
        return [], [(("crs",), problem)]
    features = document.get("features")
    if not isinstance(features, list):
        return [], [((), f"basemap layer '{layer}' has no 'features' list")]
    allowed = LAYER_GEOMETRIES[layer]
    found = []
    for number, feature in enumerate(features):
        if len(problems) >= MAX_PROBLEMS_PER_FILE:
            stop = f"stopped after {MAX_PROBLEMS_PER_FILE} problems in this file; fix these first"
            problems.append(((), stop))
            break
        here = ("features", number)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            message = f"feature #{number + 1} of layer '{layer}' must be a GeoJSON Feature"
            problems.append((here, message))
            continue
        properties = feature.get("properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, dict):
            problems.append(
                (
                    here,
                    f"properties of feature #{number + 1} of layer '{layer}' must be an object, "
                    f"not {json_type_name(properties)}",
                )
            )
            continue
        feature_id = _feature_id(feature, properties, fields)
        who = (
            f"'{feature_id}' in layer '{layer}'"
            if feature_id is not None
            else f"feature #{number + 1} in layer '{layer}'"
        )
        raw = feature.get("geometry")
        if not isinstance(raw, dict):
            problems.append((here, f"{who} has no geometry (found {json_type_name(raw)})"))
            continue
        geometry, problem = read_geometry(raw, allowed, who)
        if problem is not None:
            problems.append(((*here, "geometry"), problem))
            continue
        feature_id = feature_id or f"#{number + 1}"
        name = properties.get(fields.name or "name")
        name = name if isinstance(name, str) else feature_id
        if layer == "settlements":
            people = properties.get(fields.population or "population", 0)
            if isinstance(people, bool) or not isinstance(people, int) or people < 0:
                message = f"population of {who} must be a whole number ≥ 0, not {people!r}"
                problems.append(((*here, "properties", "population"), message))
                continue
            found.append((feature_id, name, geometry, people))
        else:
            found.append((feature_id, name, geometry))
    return found, problems


def read_layer(path: Path, layer: str, fields: LayerFields = NO_FIELDS) -> list[tuple]:
    """The checked (id, name, lon/lat geometry[, population]) of every feature of a layer file:
    GeoJSON through the strict reader, any other format through pyogrio."""
    from geomap.io.vector import is_geojson

    if not is_geojson(path):
        return _read_other_format(path, layer, fields)
    document = load_json(path, max_bytes=MAX_LAYER_BYTES)
    found, problems = check_layer(document, layer, fields)
    if problems:
        # Read the file again with positions, only now that there is something to point at.
        where = locate(path, [keys for keys, _ in problems], max_bytes=MAX_LAYER_BYTES)
        raise InputError(
            Problem(loc, message) for loc, (_, message) in zip(where, problems, strict=True)
        )
    return found


def missing_field_problem(layer: str, field_name: str, available: tuple[str, ...]) -> str:
    return (
        f"basemap layer '{layer}' has no field '{field_name}' "
        f"(fields: {', '.join(available) or 'none'})"
    )


def _read_other_format(path: Path, layer: str, fields: LayerFields) -> list[tuple]:
    """A layer from a Shapefile, GeoPackage ... : attributes by name, geometries reprojected to
    lon/lat; an invalid polygon is repaired (as GIS tools do) rather than refused."""
    import shapely

    from geomap.errors import Location
    from geomap.io.vector import read_vector

    data = read_vector(path, fields.layer)
    where = Location.of_file(path)
    log = ProblemLog()
    # A countries layer's id field is checked, with its values, on every load (scenario.checks).
    for wanted in (None if layer == "countries" else fields.id, fields.name, fields.population):
        if wanted and wanted not in data.fields:
            log.add(where, missing_field_problem(layer, wanted, data.fields))
    log.raise_if_any()
    allowed = LAYER_GEOMETRIES[layer]
    found = []
    for number, (row, geometry) in enumerate(zip(data.rows, data.geometries, strict=True)):
        if len(log.problems) >= MAX_PROBLEMS_PER_FILE:
            break
        raw_id = row.get(fields.id_field)
        feature_id = str(raw_id).strip() if raw_id not in (None, "") else f"#{number + 1}"
        who = f"'{feature_id}' (feature #{number + 1}) in layer '{layer}'"
        if geometry is None or geometry.is_empty:
            log.add(where, f"{who} has no geometry")
            continue
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
            if allowed[0] == "Polygon":
                parts = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"]
                geometry = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
        if geometry.geom_type not in allowed:
            log.add(
                where,
                f"geometry of {who} must be one of {', '.join(allowed)}, "
                f"not '{geometry.geom_type}'",
            )
            continue
        name = row.get(fields.name or "name")
        name = str(name) if name not in (None, "") else feature_id
        if layer == "settlements":
            people = row.get(fields.population or "population") or 0
            if isinstance(people, float) and people.is_integer():
                people = int(people)
            if isinstance(people, bool) or not isinstance(people, int) or people < 0:
                log.add(where, f"population of {who} must be a whole number ≥ 0, not {people!r}")
                continue
            found.append((feature_id, name, geometry, people))
        else:
            found.append((feature_id, name, geometry))
    log.raise_if_any()
    return found


def layer_ids(path: Path, fields: LayerFields = NO_FIELDS) -> tuple[list[str | None], tuple] | None:
    """The id of every feature of a layer file (None where it has none) and the attribute names
    present, without checking geometries: cheap, for matching ids. None for a GeoJSON file that is
    no FeatureCollection, InputError for a file that cannot be read (both reported elsewhere)."""
    from geomap.io.vector import is_geojson, read_fields

    if not is_geojson(path):
        data = read_fields(path, fields.layer)
        ids = [row.get(fields.id_field) for row in data.rows]
        return [None if v in (None, "") else str(v).strip() for v in ids], data.fields
    document = load_json(path, max_bytes=MAX_LAYER_BYTES)
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or document.get("type") != "FeatureCollection":
        return None  # not a layer at all: its reader says so
    ids, names = [], set()
    for feature in features:
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        names.update(properties)
        ids.append(_feature_id(feature, properties, fields))
    if not fields.id and any(isinstance(f, dict) and "id" in f for f in features):
        names.add("id")
    return ids, tuple(sorted(names))


def load_layer(path: Path, layer: str, projection: str, fields: LayerFields = NO_FIELDS) -> Layer:
    """Read one layer (any format, any CRS), check it, and project it."""
    from geomap.domain.projection import project_geometry

    found = read_layer(path, layer, fields)
    ids = tuple(item[0] for item in found)
    names = tuple(item[1] for item in found)
    geometries = tuple(project_geometry(projection, item[2]) for item in found)
    populations = tuple(item[3] for item in found) if layer == "settlements" else ()
    return Layer(layer, ids, names, geometries, populations)


def load_basemap(
    layers: dict[str, Path], projection: str, fields: dict[str, LayerFields] | None = None
) -> dict[str, Layer]:
    """Every layer the scenario names (with its field mapping); all problems raised together."""
    log = ProblemLog()
    loaded = {}
    for name, path in layers.items():
        try:
            loaded[name] = load_layer(path, name, projection, (fields or {}).get(name, NO_FIELDS))
        except InputError as error:
            log.extend(error)
    log.raise_if_any()
    return loaded
