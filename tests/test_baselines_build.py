"""scripts/baselines.py, which outlines the baseline areas of the gazetteer: unions of
provinces, one side of a river, or the provinces' part on one side of it."""

import importlib.util
import json
from pathlib import Path

import pytest
from shapely.geometry import box, mapping, shape

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def baselines():
    spec = importlib.util.spec_from_file_location("baselines", ROOT / "scripts" / "baselines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def feature(id_: str, geometry) -> dict:
    return {"type": "Feature", "properties": {"id": id_}, "geometry": mapping(geometry)}


@pytest.fixture
def geo(tmp_path):
    """A 4x2-degree country AA cut by a north-south river at x=2, with two provinces: west
    (x 0-1) and east (x 1-4)."""
    layers = {
        "provinces.geojson": [feature("AA-W", box(0, 0, 1, 2)), feature("AA-E", box(1, 0, 4, 2))],
        "countries.geojson": [feature("AA", box(0, 0, 4, 2))],
        "rivers.geojson": [
            {
                "type": "Feature",
                "properties": {"id": "river"},
                "geometry": {"type": "LineString", "coordinates": [[2, -1], [2, 3]]},
            }
        ],
    }
    for name, features in layers.items():
        layer = {"type": "FeatureCollection", "features": features}
        (tmp_path / name).write_text(json.dumps(layer))
    return tmp_path


def outlines(baselines, geo, entries: str) -> dict:
    (geo / "baselines.yaml").write_text(entries)
    found = baselines.baseline_features(geo / "baselines.yaml", geo / "provinces.geojson")
    return {f["id"]: (shape(f["geometry"]), f["properties"]["coord_source"]) for f in found}


def test_provinces_on_one_side_of_a_river_are_the_part_of_their_union_on_that_side(baselines, geo):
    found = outlines(
        baselines,
        geo,
        "provinces:\n"
        "  - {id: east-bank, name: E, country: AA, provinces: [AA-E], river: river,"
        " side_of: [3, 1]}\n"
        "  - {id: west-of-river, name: W, country: AA, provinces: [AA-W, AA-E], river: river,"
        " side_of: [0.5, 1]}\n"
        "  - {id: east-province-west-bank, name: P, country: AA, provinces: [AA-E], river: river,"
        " side_of: [1.5, 1]}\n",
    )
    east, origin = found["east-bank"]
    assert east.equals(box(2, 0, 4, 2))
    assert origin == (
        "Natural Earth 10m admin-1 (AA-E), union; Natural Earth 10m admin-0 (AA) cut by the"
        " GSHHG river, the side of (3, 1)"
    )
    assert found["west-of-river"][0].equals(box(0, 0, 2, 2))
    # the province's part only, not the whole west bank of the country
    assert found["east-province-west-bank"][0].equals(box(1, 0, 2, 2))


def test_provinces_alone_and_a_river_side_alone_still_work(baselines, geo):
    found = outlines(
        baselines,
        geo,
        "provinces:\n"
        "  - {id: both, name: B, country: AA, provinces: [AA-W, AA-E]}\n"
        "  - {id: east-side, name: S, country: AA, river: river, side_of: [3, 1]}\n",
    )
    assert found["both"][0].equals(box(0, 0, 4, 2))
    assert found["east-side"][0].equals(box(2, 0, 4, 2))


def test_an_entry_naming_neither_provinces_nor_a_river_is_refused(baselines, geo):
    with pytest.raises(SystemExit, match="nothing: name `provinces`, a `river`, or both"):
        outlines(baselines, geo, "provinces:\n  - {id: nothing, name: N, country: AA}\n")
