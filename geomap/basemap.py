"""The basemap layers (countries, provinces, rivers, lakes), read once and projected."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from geomap.errors import InputError, Location, ProblemLog
from geomap.jsonfile import load_json

LAYER_GEOMETRIES = {
    "countries": ("Polygon", "MultiPolygon"),
    "provinces": ("Polygon", "MultiPolygon"),
    "lakes": ("Polygon", "MultiPolygon"),
    "rivers": ("LineString", "MultiLineString"),
}


@dataclass(frozen=True)
class Layer:
    """Projected geometries of one layer with their ids and names (parallel lists)."""

    name: str
    ids: tuple[str, ...]
    names: tuple[str, ...]
    geometries: tuple = field(repr=False)  # shapely geometries in map metres


def load_layer(path: Path, layer: str, projection: str) -> Layer:
    """Read one GeoJSON layer, check it, and project it."""
    import shapely
    from shapely.geometry import shape

    from geomap.projection import project_geometry

    document = load_json(path)
    where = Location.of_file(path)
    log = ProblemLog()
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InputError.at(where, f"basemap layer '{layer}' must be a GeoJSON FeatureCollection")
    ids, names, geometries = [], [], []
    allowed = LAYER_GEOMETRIES[layer]
    for number, feature in enumerate(document.get("features") or [], start=1):
        properties = (feature or {}).get("properties") or {}
        feature_id = str(properties.get("id", feature.get("id", f"#{number}")))
        raw = feature.get("geometry")
        if not raw or raw.get("type") not in allowed:
            log.add(
                where,
                f"feature {feature_id} of layer '{layer}' must be {' or '.join(allowed)}",
            )
            continue
        try:
            geometry = shape(raw)
        except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as error:
            log.add(where, f"feature {feature_id} of layer '{layer}' is malformed: {error}")
            continue
        if geometry.is_empty:
            continue
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
        ids.append(feature_id)
        names.append(str(properties.get("name", feature_id)))
        geometries.append(project_geometry(projection, geometry))
    log.raise_if_any()
    return Layer(layer, tuple(ids), tuple(names), tuple(geometries))


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
