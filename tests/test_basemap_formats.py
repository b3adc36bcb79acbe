"""Basemap layers and places in any format pyogrio reads (Shapefile, GeoPackage ...), in any CRS,
with the scenario naming the fields; and loud, located errors when the country ids of the
countries layer, the places and the focus countries do not match."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import numpy as np
import pytest
from PIL import Image

from conftest import write
from geomap.scenario.resources import bundled_root

BUNDLED = bundled_root()
SMALL = ("--size", "800x600", "--dpi", "80")


def convert(source: Path, target: Path, crs: str, rename: dict[str, str] | None = None) -> Path:
    """``source`` (GeoJSON) written as ``target`` (format from its suffix) in ``crs``."""
    frame = geopandas.read_file(source).to_crs(crs)
    if "aliases" in frame:
        frame["aliases"] = frame["aliases"].map(lambda a: "; ".join(a) if a is not None else None)
    frame = frame.rename(columns=rename or {})
    frame.to_file(target, engine="pyogrio")
    return target


def bundled_scenario(folder: Path, **layers: str) -> Path:
    """The bundled scenario with some of its basemap entries replaced (YAML text per layer)."""
    text = (BUNDLED / "configs" / "isis-2014-2017.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/", f"{BUNDLED / 'data'}/").replace(
        "style: style.yaml", f"style: {BUNDLED / 'configs' / 'style.yaml'}"
    )
    for name, entry in layers.items():
        start = text.index(f"  {name}: ")
        end = text.index("\n", start)
        text = text[:start] + f"  {name}: {entry}" + text[end:]
    return write(folder / "scenario.yaml", text)


def pixels(path: str | Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_a_shapefile_basemap_in_web_mercator_renders_the_same_map(run, tmp_path):
    geo = BUNDLED / "data" / "geo"
    countries = convert(
        geo / "countries.geojson",
        tmp_path / "ne_countries.shp",
        "EPSG:3857",
        {"id": "ISO_A2", "name": "NAME"},
    )
    provinces = convert(geo / "provinces.geojson", tmp_path / "provinces.shp", "EPSG:3857")
    rivers = convert(geo / "rivers.geojson", tmp_path / "rivers.gpkg", "EPSG:32637")
    scenario = bundled_scenario(
        tmp_path,
        countries=f"{{path: {countries}, id: ISO_A2, name: NAME}}",
        provinces=str(provinces),
        rivers=str(rivers),
    )
    assert run("render", "--date", "2015-06", *SMALL, "--out", "bundled.png").exit_code == 0
    result = run("render", "--date", "2015-06", "-s", scenario, *SMALL, "--out", "shp.png")
    assert result.exit_code == 0, result.output
    # Vertices go to EPSG:3857 and back; the round trip is exact to about 1e-9 degrees, far
    # below a pixel, so the maps are identical, not merely alike.
    assert np.array_equal(pixels("shp.png"), pixels("bundled.png"))
    assert (
        run("area", "--from", "2015-06", "--to", "2015-06", "-s", scenario).stdout
        == run("area", "--from", "2015-06", "--to", "2015-06").stdout
    )


def test_places_from_a_geopackage_in_another_crs(run, tmp_path):
    places = convert(BUNDLED / "data" / "places.geojson", tmp_path / "places.gpkg", "EPSG:3857")
    text = bundled_scenario(tmp_path).read_text(encoding="utf-8")
    scenario = write(
        tmp_path / "scenario.yaml",
        text.replace(f"places: {BUNDLED / 'data'}/places.geojson", f"places: {places}"),
    )
    result = run("state", "--date", "2016-06", "-s", scenario, "--format", "json")
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)
    bundled = json.loads(run("state", "--date", "2016-06", "--format", "json").stdout)
    assert [r["id"] for r in ours] == [r["id"] for r in bundled]
    for mine, theirs in zip(ours, bundled, strict=True):
        assert (mine["lon"], mine["lat"]) == pytest.approx((theirs["lon"], theirs["lat"]), abs=1e-6)
        assert mine["aliases"] == theirs["aliases"]
        assert (mine["holder"], mine["status"]) == (theirs["holder"], theirs["status"])


# --------------------------------------------------------------------------- loud id errors


def natural_earth_names(mini: Path) -> Path:
    """The mini countries layer with Natural Earth's column names (ISO_A2, NAME), no 'id'."""
    path = mini.parent / "geo" / "countries.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    for feature in document["features"]:
        feature.pop("id", None)
        properties = feature["properties"]
        feature["properties"] = {"ISO_A2": properties["id"], "NAME": properties["name"]}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def set_countries(mini: Path, entry: str) -> None:
    text = mini.read_text(encoding="utf-8")
    mini.write_text(text.replace("countries: geo/countries.geojson", f"countries: {entry}"))


@pytest.mark.parametrize("command", ["render", "area", "validate", "state"])
def test_natural_earth_column_names_are_a_loud_error_not_a_map_without_shading(run, mini, command):
    natural_earth_names(mini)
    args = {
        "render": ("render", "--date", "2017-11"),
        "area": ("area", "--from", "2017-11", "--to", "2017-11"),
        "validate": ("validate",),
        "state": ("state", "--date", "2017-11"),
    }[command]
    result = run(*args, "--scenario", mini)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{mini.parent}/scenario.yaml:19:3: basemap layer 'countries' "
        f"({mini.parent}/geo/countries.geojson) has no field 'id' (fields: ISO_A2, NAME); "
        "name the field that holds the codes, like "
        "countries: {path: countries.geojson, id: ISO_A2}\n"
    )
    assert list(Path.cwd().iterdir()) == []  # no map written


def test_naming_the_id_and_name_fields_gives_back_the_map(run, mini):
    before = run("render", "--date", "2017-11", "-s", mini, *SMALL, "--out", "a.png")
    assert before.exit_code == 0
    natural_earth_names(mini)
    set_countries(mini, "{path: geo/countries.geojson, id: ISO_A2, name: NAME}")
    after = run("render", "--date", "2017-11", "-s", mini, *SMALL, "--out", "b.png")
    assert after.exit_code == 0, after.output
    assert np.array_equal(pixels("a.png"), pixels("b.png"))


def test_ids_that_match_no_place_name_the_layer_field_and_values(run, mini):
    path = mini.parent / "geo" / "countries.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    for feature, code in zip(document["features"], ["ALP", "BET"], strict=True):
        feature["id"] = feature["properties"]["id"] = code
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run("area", "--from", "2017-11", "--to", "2017-11", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{mini.parent}/scenario.yaml:19:3: basemap layer 'countries' "
        f"({mini.parent}/geo/countries.geojson): no value of field 'id' matches a place's "
        "country (the layer has 'ALP', 'BET'; the places have 'AA'); name the field that holds "
        "the codes, like countries: {path: countries.geojson, id: ISO_A2}\n"
    )


def test_a_focus_country_missing_from_the_layer(run, mini):
    mini.write_text(mini.read_text().replace("focus_countries: [AA]", "focus_countries: [AA, ZZ]"))
    result = run("render", "--date", "2017-11", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{mini.parent}/scenario.yaml:23:23: focus country 'ZZ' matches no feature of "
        "basemap layer 'countries' (field 'id': 'AA', 'BB')\n"
    )


def test_a_place_whose_country_matches_no_feature(run, mini):
    path = mini.parent / "places.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"][3]["properties"]["country"] = "BE"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    result = run("state", "--date", "2017-11", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{mini.parent}/places.geojson:")
    assert result.stderr.endswith(
        ": place 'kobani' has country 'BE', which matches no feature of basemap layer "
        "'countries' (field 'id': 'AA', 'BB')\n"
    )


def test_a_mapped_field_missing_from_a_shapefile(run, mini, tmp_path):
    convert(
        mini.parent / "geo" / "countries.geojson",
        mini.parent / "geo" / "countries.shp",
        "EPSG:3857",
        {"id": "ISO_A2", "name": "NAME"},
    )
    set_countries(mini, "{path: geo/countries.shp, id: ISO_A3, name: NAME}")
    result = run("validate", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{mini.parent}/scenario.yaml:19:3: basemap layer 'countries' "
        f"({mini.parent}/geo/countries.shp) has no field 'ISO_A3' (fields: ISO_A2, NAME); "
        "name the field that holds the codes, like countries: {path: countries.shp, id: ISO_A2}\n"
    )
    set_countries(mini, "{path: geo/countries.shp, id: ISO_A2, name: NAME_EN}")
    mini.write_text(
        mini.read_text().replace("id: ISO_A3, name: NAME}", "id: ISO_A2, name: NAME_EN}")
    )
    result = run("validate", "--scenario", mini)
    assert result.stderr == (
        f"{mini.parent}/geo/countries.shp: basemap layer 'countries' has no field 'NAME_EN' "
        "(fields: ISO_A2, NAME)\n"
    )


def test_a_shapefile_without_its_prj_is_refused(run, mini):
    convert(mini.parent / "geo" / "lakes.geojson", mini.parent / "geo" / "lakes.shp", "EPSG:3857")
    (mini.parent / "geo" / "lakes.prj").unlink()
    mini.write_text(mini.read_text().replace("geo/lakes.geojson", "geo/lakes.shp"))
    result = run("render", "--date", "2017-11", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{mini.parent}/geo/lakes.shp: has no coordinate reference system (a Shapefile needs its "
        ".prj file); geomap reprojects from any CRS but must know which\n"
    )


def test_a_geopackage_layer_is_chosen_by_name(run, mini):
    target = mini.parent / "geo" / "world.gpkg"
    frame = geopandas.read_file(mini.parent / "geo" / "countries.geojson")
    frame.to_file(target, layer="admin0", engine="pyogrio")
    frame.head(1).to_file(target, layer="other", engine="pyogrio")
    set_countries(mini, "{path: geo/world.gpkg, layer: admin1}")
    result = run("validate", "--scenario", mini)
    assert (
        result.stderr
        == f"{mini.parent}/geo/world.gpkg: has no layer 'admin1' (layers: admin0, other)\n"
    )
    mini.write_text(mini.read_text().replace("layer: admin1", "layer: admin0"))
    assert run("validate", "--scenario", mini).exit_code == 0


def test_places_with_their_own_field_names_are_mapped_in_the_scenario(run, mini):
    convert(
        mini.parent / "places.geojson",
        mini.parent / "towns.shp",
        "EPSG:3857",
        {"id": "PLACE_ID", "name": "NAME_EN", "country": "ISO_A2", "kind": "TYPE"},
    )
    text = mini.read_text().replace(
        "places: places.geojson",
        "places: {path: towns.shp, id: PLACE_ID, name: NAME_EN, country: ISO_A2, kind: TYPE}",
    )
    mapped = write(mini.parent / "mapped.yaml", text)
    result = run("state", "--date", "2017-11", "--scenario", mapped, "--format", "json")
    assert result.exit_code == 0, result.output
    mine = json.loads(result.stdout)
    original = json.loads(run("state", "-d", "2017-11", "-s", mini, "--format", "json").stdout)
    for record in (*mine, *original):
        record["lon"], record["lat"] = round(record["lon"], 6), round(record["lat"], 6)
    assert mine == original
    broken = write(mini.parent / "broken.yaml", text.replace("ISO_A2", "ISO_3166"))
    result = run("state", "--date", "2017-11", "--scenario", broken)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{mini.parent}/towns.shp: place 'aleppo' needs a two-letter country code like 'SY'"
    )


def test_a_settlements_geopackage_with_its_own_population_field(run, tmp_path):
    settlements = convert(
        BUNDLED / "data" / "geo" / "settlements.geojson",
        tmp_path / "towns.gpkg",
        "EPSG:3857",
        {"population": "POP_MAX"},
    )
    scenario = bundled_scenario(
        tmp_path, settlements=f"{{path: {settlements}, population: POP_MAX}}"
    )
    args = ("area", "--from", "2016-06", "--to", "2016-06", "--format", "json")
    mine = json.loads(run(*args, "--scenario", scenario).stdout)
    bundled = json.loads(run(*args).stdout)
    assert [r["population"] for r in mine] == [r["population"] for r in bundled]
    assert sum(r["population"] for r in mine) > 1_000_000
