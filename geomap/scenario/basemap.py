"""The basemap layers (countries, provinces, rivers, lakes), read once and projected."""

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
class Layer:
    """Projected geometries of one layer with their ids and names (parallel lists)."""

    name: str
    ids: tuple[str, ...]
    names: tuple[str, ...]
    geometries: tuple = field(repr=False)  # shapely geometries in map metres
    populations: tuple[int, ...] = ()  # settlements only: people, parallel to ``ids``


def _feature_id(feature: dict, properties: dict) -> str | None:
    for value in (properties.get("id"), feature.get("id")):
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def check_layer(document: Any, layer: str) -> tuple[list, list[tuple[tuple, str]]]:
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
        feature_id = _feature_id(feature, properties)
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
        name = properties.get("name")
        name = name if isinstance(name, str) else feature_id
        if layer == "settlements":
            people = properties.get("population", 0)
            if isinstance(people, bool) or not isinstance(people, int) or people < 0:
                message = f"population of {who} must be a whole number ≥ 0, not {people!r}"
                problems.append(((*here, "properties", "population"), message))
                continue
            found.append((feature_id, name, geometry, people))
        else:
            found.append((feature_id, name, geometry))
    return found, problems


def load_layer(path: Path, layer: str, projection: str) -> Layer:
    """Read one GeoJSON layer, check it, and project it."""
    from geomap.domain.projection import project_geometry

    document = load_json(path, max_bytes=MAX_LAYER_BYTES)
    found, problems = check_layer(document, layer)
    if problems:
        # Read the file again with positions, only now that there is something to point at.
        where = locate(path, [keys for keys, _ in problems], max_bytes=MAX_LAYER_BYTES)
        raise InputError(
            Problem(loc, message) for loc, (_, message) in zip(where, problems, strict=True)
        )
    ids = tuple(item[0] for item in found)
    names = tuple(item[1] for item in found)
    geometries = tuple(project_geometry(projection, item[2]) for item in found)
    populations = tuple(item[3] for item in found) if layer == "settlements" else ()
    return Layer(layer, ids, names, geometries, populations)


def load_basemap(layers: dict[str, Path], projection: str) -> dict[str, Layer]:
    """Every layer the scenario names; all problems raised together."""
    log = ProblemLog()
    loaded = {}
    for name, path in layers.items():
        try:
            loaded[name] = load_layer(path, name, projection)
        except InputError as error:
            log.extend(error)
    log.raise_if_any()
    return loaded
