"""Baseline regions for the gazetteer: `province` places outlined by admin-1 provinces, and
`zone` places drawn as circles around a point.

Read by scripts/build_gazetteer.py, which appends the features this returns to
data/places.geojson. Each entry of scripts/baselines.yaml names the provinces of
data/geo/provinces.geojson (Natural Earth 10m admin-1) whose union is the region's outline, or
one side of a river cutting its country, or both (the provinces' part on that side).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from shapely import make_valid, set_precision, union_all
from shapely.geometry import mapping, shape

PRECISION = 1e-4  # degrees, as the points of the gazetteer (about 10 m)


def baseline_features(yaml_path: Path, provinces_path: Path) -> list[dict]:
    """GeoJSON features (rank 9: never labelled) of the baseline provinces and the zones."""
    doc = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    entries = doc["provinces"]
    layer = json.loads(provinces_path.read_text(encoding="utf-8"))
    outlines = {f["properties"]["id"]: shape(f["geometry"]) for f in layer["features"]}
    features = []
    for entry in entries:
        outline, origins = None, []
        if "provinces" in entry:
            missing = [code for code in entry["provinces"] if code not in outlines]
            if missing:
                raise SystemExit(f"{yaml_path}: {entry['id']}: no province {', '.join(missing)}")
            parts = [make_valid(outlines[code]) for code in entry["provinces"]]
            outline = set_precision(union_all(parts), PRECISION)
            origins.append(f"Natural Earth 10m admin-1 ({', '.join(entry['provinces'])}), union")
        if "river" in entry:
            side, origin = _side_of_river(entry, provinces_path.parent)
            outline = side if outline is None else set_precision(outline & side, PRECISION)
            origins.append(origin)
        if outline is None:
            raise SystemExit(f"{yaml_path}: {entry['id']}: name `provinces`, a `river`, or both")
        features.append(_feature(entry, "province", outline, "; ".join(origins)))
    for entry in doc.get("zones", []):
        features.append(_circle_zone(entry))
    return features


def _side_of_river(entry: dict, geo: Path):
    """The part of a country on one side of a river: the country outline of
    ``geo/countries.geojson`` split by the river of ``geo/rivers.geojson``, the part holding the
    point ``side_of`` (lon, lat)."""
    from shapely import Point
    from shapely.ops import split

    countries = json.loads((geo / "countries.geojson").read_text(encoding="utf-8"))
    rivers = json.loads((geo / "rivers.geojson").read_text(encoding="utf-8"))
    country = next(
        make_valid(shape(f["geometry"]))
        for f in countries["features"]
        if f["properties"]["id"] == entry["country"]
    )
    river = next(
        shape(f["geometry"]) for f in rivers["features"] if f["properties"]["id"] == entry["river"]
    )
    inside = Point(*entry["side_of"])
    parts = [part for part in split(country, river).geoms if part.contains(inside)]
    if len(parts) != 1:
        raise SystemExit(
            f"{entry['id']}: the {entry['river']} does not cut {entry['country']} in two"
        )
    origin = (
        f"Natural Earth 10m admin-0 ({entry['country']}) cut by the GSHHG {entry['river']},"
        f" the side of ({entry['side_of'][0]}, {entry['side_of'][1]})"
    )
    return set_precision(parts[0], PRECISION), origin


def _circle_zone(entry: dict) -> dict:
    """A ``zone`` feature: the circle of ``radius_km`` around (``lon``, ``lat``)."""
    from pyproj import Transformer
    from shapely import Point
    from shapely.ops import transform

    centre = f"+proj=aeqd +lat_0={entry['lat']} +lon_0={entry['lon']} +datum=WGS84 +units=m"
    back = Transformer.from_crs(centre, "EPSG:4326", always_xy=True)
    disc = Point(0, 0).buffer(entry["radius_km"] * 1000.0, quad_segs=16)
    outline = set_precision(transform(back.transform, disc), PRECISION)
    origin = f"a circle of {entry['radius_km']:g} km around ({entry['lon']}, {entry['lat']})"
    return _feature(entry, "zone", outline, origin)


def _feature(entry: dict, kind: str, outline, origin: str) -> dict:
    """A place of the gazetteer: an area of ``kind`` (rank 9: never labelled) whose outline
    comes from ``origin`` (its ``coord_source``)."""
    return {
        "type": "Feature",
        "id": entry["id"],
        "geometry": json.loads(json.dumps(mapping(outline))),
        "properties": {
            "id": entry["id"],
            "name": entry["name"],
            "aliases": [],
            "kind": kind,
            "country": entry["country"],
            "rank": 9,
            "geonameid": None,
            "coord_source": origin,
        },
    }
