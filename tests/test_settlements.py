"""The settlement layer: every GeoNames cities500 place of Syria and Iraq, with its people."""

import json

import pytest

from geomap.errors import InputError
from geomap.scenario.basemap import check_layer, load_layer
from geomap.scenario.load import load_scenario
from geomap.scenario.resources import default_scenario_path


@pytest.fixture(scope="module")
def settlements():
    scenario = load_scenario(default_scenario_path())
    return load_layer(scenario.basemap["settlements"], "settlements", scenario.projection)


def test_the_default_scenario_declares_every_cities500_place_of_syria_and_iraq(settlements):
    assert len(settlements.ids) == len(set(settlements.ids)) == 477
    assert len(settlements.populations) == 477
    by_name = dict(zip(settlements.names, settlements.populations, strict=True))
    assert by_name["Aleppo"] == 2098210
    assert by_name["Ar Raqqah"] == 531952
    assert all(g.geom_type == "Point" for g in settlements.geometries)


def test_a_settlement_population_must_be_a_whole_number():
    feature = {
        "type": "Feature",
        "properties": {"id": "gn1", "name": "X", "population": "many"},
        "geometry": {"type": "Point", "coordinates": [40.0, 35.0]},
    }
    found, problems = check_layer(
        {"type": "FeatureCollection", "features": [feature]}, "settlements"
    )
    assert found == []
    assert problems == [
        (
            ("features", 0, "properties", "population"),
            "population of 'gn1' in layer 'settlements' must be a whole number ≥ 0, not 'many'",
        )
    ]


def test_a_bad_population_is_a_located_input_error(tmp_path):
    path = tmp_path / "s.geojson"
    feature = {
        "type": "Feature",
        "properties": {"id": "gn1", "population": -5},
        "geometry": {"type": "Point", "coordinates": [40.0, 35.0]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}, indent=1))
    with pytest.raises(InputError) as caught:
        load_layer(path, "settlements", "EPSG:4326")
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:")
    assert "population of 'gn1' in layer 'settlements' must be a whole number ≥ 0, not -5" in str(
        problem
    )
