"""The world layer that ships with geomap (geomap/world/data/, built by scripts/build_world.py)."""

from __future__ import annotations

import re

import pytest
import shapely
from shapely.geometry import shape

from geomap.world.layers import LAYERS, main_part, world_dir, world_features


@pytest.fixture(scope="module")
def countries() -> dict:
    return {f["id"]: shape(f["geometry"]) for f in world_features("countries")}


def test_countries_have_iso_alpha_2_ids_and_valid_outlines(countries):
    assert len(countries) > 230
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in countries)
    invalid = [code for code, geom in countries.items() if not geom.is_valid]
    assert invalid == []  # Ukraine's outline, among others, self-intersects when decoded raw
    assert countries["UA"].geom_type in ("Polygon", "MultiPolygon")


@pytest.mark.parametrize(
    ("label", "lon", "lat", "code"),
    [
        ("Simferopol, Crimea", 34.10, 44.95, "RU"),
        ("Katzrin, Golan Heights", 35.69, 32.99, "IL"),
        ("Laayoune, Western Sahara", -13.20, 27.15, "MA"),
        ("Srinagar, Kashmir", 74.80, 34.08, "IN"),
        ("Kharkiv", 36.25, 49.98, "UA"),
    ],
)
def test_disputed_areas_are_drawn_de_facto_as_natural_earth_draws_them(
    countries, label, lon, lat, code
):
    point = shapely.Point(lon, lat)
    assert [c for c, g in countries.items() if g.covers(point)] == [code], label


def test_no_outline_wraps_round_the_globe(countries):
    # a ring crossing the antimeridian, decoded without unwrapping, became a band round the
    # world at 64-69 N drawn as Russia over Scandinavia
    wide = [
        code
        for code, geom in countries.items()
        for part in shapely.get_parts(geom)
        if part.bounds[2] - part.bounds[0] > 180 and code != "AQ"
    ]
    assert wide == []
    assert not countries["RU"].intersects(shapely.Point(20.0, 66.0))  # northern Sweden


def test_a_country_is_framed_without_its_far_flung_islands(countries):
    assert main_part(countries["NO"]).bounds[1] > 57  # not Bouvet Island at 54 S
    assert main_part(countries["RU"]).bounds[0] > 0  # not Chukotka's tip at 180 W
    assert main_part(countries["US"]).bounds[2] < -60  # not the Aleutians at 172 E
    assert main_part(countries["UA"]).equals(countries["UA"])


def test_the_world_layer_stays_small():
    total = sum(p.stat().st_size for p in world_dir().iterdir())
    assert {f"{name}.geojson.gz" for name in LAYERS} | {"gazetteer.tsv.gz"} == {
        p.name for p in world_dir().iterdir()
    }
    assert total < 6 * 1024 * 1024
