"""`geomap export`: places and territory as GeoPackage, GeoJSON or CSV layers that GIS tools read
back with the right geometry types, CRS and values, for one date or as a time-enabled layer."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date

import pyogrio
import pytest
import shapely

from geomap.territory.measure import area_km2, equal_area_crs

OGRINFO = shutil.which("ogrinfo")
needs_ogrinfo = pytest.mark.skipif(
    OGRINFO is None, reason="ogrinfo not installed (Debian package gdal-bin; .ci/run installs it)"
)


def exported(run, *args) -> str:
    result = run("export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def state_of(run, mini, when: str) -> dict[str, dict]:
    result = run("state", "--date", when, "--scenario", mini, "--format", "json")
    return {record["id"]: record for record in json.loads(result.stdout)}


def areas_of(run, mini, when: str) -> dict[str, dict]:
    result = run("area", "--from", when, "--to", when, "--scenario", mini, "--format", "json")
    return {record["faction"]: record for record in json.loads(result.stdout)}


def plain(value):
    """A value read back by pandas, with its missing-value markers (NaN, NaT) as None."""
    return None if value is None or value != value else value


def ogrinfo(path) -> str:
    return subprocess.run(
        [OGRINFO, "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout


def test_state_gives_every_place_its_longitude_and_latitude(run, mini):
    records = state_of(run, mini, "2017-11")
    assert (records["raqqa"]["lon"], records["raqqa"]["lat"]) == (39.01, 35.95)
    assert (records["kobani"]["lon"], records["kobani"]["lat"]) == (38.4, 36.89)


def test_places_as_a_geopackage_read_back_as_points_in_wgs84_with_the_state(run, mini):
    path = exported(run, "--date", "2017-11", "--scenario", mini)
    assert path == "geomap-places-2017-11-30.gpkg"
    frame = pyogrio.read_dataframe(path)
    info = pyogrio.read_info(path)
    assert info["layer_name"] == "places"
    assert info["geometry_type"] == "Point"
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [
        *("id", "name", "kind", "country", "holder", "status", "by", "since", "sources"),
        "geometry",
    ]
    state = state_of(run, mini, "2017-11")
    assert sorted(frame["id"]) == sorted(state)
    for row in frame.itertuples():
        record = state[row.id]
        assert (row.geometry.x, row.geometry.y) == (record["lon"], record["lat"])
        assert (plain(row.holder), row.status, plain(row.by)) == (
            record["holder"],
            record["status"],
            record["by"],
        )
        since = plain(row.since) and row.since.date()
        assert since == (date.fromisoformat(record["since"]) if record["since"] else None)
        expected_sources = "; ".join(s["id"] for s in record["sources"]) or None
        assert plain(row.sources) == expected_sources
    kobani = frame.set_index("id").loc["kobani"]
    assert (kobani["holder"], kobani["status"], kobani["by"]) == ("sdf", "besieged", "isis")


def test_places_as_csv_add_lon_and_lat_columns(run, mini):
    path = exported(run, "--date", "2017-11", "--scenario", mini, "--format", "csv")
    assert path == "geomap-places-2017-11-30.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        *("id", "name", "kind", "country", "holder", "status", "by", "since", "sources"),
        *("lon", "lat"),
    ]
    raqqa = next(row for row in rows if row[0] == "raqqa")
    assert raqqa == [
        *("raqqa", "Raqqa", "city", "AA", "sdf", "held", "", "2017-10-17", "local-raqqa"),
        *("39.01", "35.95"),
    ]
    tabqa = next(row for row in rows if row[0] == "tabqa-dam")
    assert tabqa[4:9] == ["", "unknown", "", "", ""]


def test_places_as_geojson_keep_dates_as_dates(run, mini):
    path = exported(run, "--date", "2017-11", "--scenario", mini, "--out", "places.geojson")
    assert path == "places.geojson"
    info = pyogrio.read_info(path)
    assert info["geometry_type"] == "Point"
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["since"] == "datetime64[D]"
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    raqqa = next(f for f in document["features"] if f["properties"]["id"] == "raqqa")
    assert raqqa["geometry"] == {"type": "Point", "coordinates": [39.01, 35.95]}
    assert raqqa["properties"]["since"] == "2017-10-17"


def test_territory_is_one_multipolygon_per_side_and_class_with_the_km2_of_area(run, mini):
    path = exported(run, "--date", "2015-01", "--layer", "territory", "--scenario", mini)
    assert path == "geomap-territory-2015-01-31.gpkg"
    info = pyogrio.read_info(path)
    assert info["geometry_type"] == "MultiPolygon"
    frame = pyogrio.read_dataframe(path)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == ["faction", "status", "area_km2", "population", "geometry"]
    assert len(frame) == len({(f, s) for f, s in zip(frame.faction, frame.status, strict=True)})
    # Aleppo is contested by the rebels: that ground is one feature for each side.
    assert {("syrian-gov", "contested"), ("rebels", "contested")} <= set(
        zip(frame.faction, frame.status, strict=True)
    )
    areas = areas_of(run, mini, "2015-01")
    equal_area = equal_area_crs((37.5, 32.5, 44.5, 37.5))
    for faction, record in areas.items():
        for status, column in (("held", "held_km2"), ("contested", "contested_km2")):
            rows = frame[(frame.faction == faction) & (frame.status == status)]
            exported_km2 = float(rows.area_km2.sum())
            assert exported_km2 == pytest.approx(record[column], rel=0.01, abs=1)
            # The polygons themselves measure the same, not just the number beside them.
            measured = sum(area_km2(g, "EPSG:4326", equal_area) for g in rows.geometry)
            assert measured == pytest.approx(record[column], rel=0.01, abs=1)
        if "population" in record:  # the territory model counts people: the same as `area`
            side = frame[frame.faction == faction]
            people = side.population.where(side.status == "held", side.population / 2).sum()
            assert people == pytest.approx(record["population"], rel=0.01, abs=1)


def test_territory_csv_carries_the_polygons_as_wkt(run, mini):
    path = exported(
        run, "--date", "2015-01", "--layer", "territory", "--scenario", mini, "-f", "csv"
    )
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["WKT", "faction", "status", "area_km2", "population"]
    isis = next(r for r in rows if (r["faction"], r["status"]) == ("isis", "held"))
    assert shapely.from_wkt(isis["WKT"]).geom_type == "MultiPolygon"
    assert float(isis["area_km2"]) == pytest.approx(
        areas_of(run, mini, "2015-01")["isis"]["held_km2"], rel=0.01
    )


def active_on(frame, day: date):
    start = frame.valid_from.dt.date
    end = frame.valid_to.dt.date
    return frame[(start <= day) & (day < end)]


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_a_time_enabled_places_layer_shows_on_each_date_exactly_the_state_of_that_date(
    run, mini, fmt
):
    path = exported(
        run,
        "--from",
        "2015-01",
        "--to",
        "2017-11",
        "--every",
        "change",
        "--scenario",
        mini,
        "--format",
        fmt,
    )
    assert path == f"geomap-places-2015-01-31-to-2017-11-30.{fmt}"
    frame = pyogrio.read_dataframe(path)
    info = pyogrio.read_info(path)
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert (types["valid_from"], types["valid_to"]) == ("datetime64[D]", "datetime64[D]")
    # Raqqa: ISIS until the 17 October 2017 change, then the SDF (to the day after the end).
    raqqa = frame[frame.id == "raqqa"].sort_values("valid_from")
    assert [
        (r.holder, r.valid_from.date().isoformat(), r.valid_to.date().isoformat())
        for r in raqqa.itertuples()
    ] == [("isis", "2015-01-31", "2017-10-17"), ("sdf", "2017-10-17", "2017-12-01")]
    for when in ("2015-01-31", "2016-06-30", "2017-10-17", "2017-11-29", "2017-11-30"):
        shown = active_on(frame, date.fromisoformat(when))
        assert shown.id.is_unique
        state = state_of(run, mini, when)
        assert {r.id: (plain(r.holder), r.status) for r in shown.itertuples()} == {
            i: (r["holder"], r["status"]) for i, r in state.items()
        }


def test_a_time_enabled_territory_layer_has_each_dates_areas(run, mini):
    path = exported(
        run,
        "--from",
        "2015-01",
        "--to",
        "2017-11",
        "--every",
        "year",
        "--layer",
        "territory",
        "--scenario",
        mini,
    )
    frame = pyogrio.read_dataframe(path)
    assert pyogrio.read_info(path)["geometry_type"] == "MultiPolygon"
    for when in ("2015-12-31", "2016-12-31"):
        shown = active_on(frame, date.fromisoformat(when))
        areas = areas_of(run, mini, when)
        held = {r.faction: r.area_km2 for r in shown.itertuples() if r.status == "held"}
        assert held == pytest.approx(
            {f: r["held_km2"] for f, r in areas.items() if r["held_km2"]}, rel=0.01
        )


def test_time_options_and_a_single_date_do_not_mix(run, mini):
    result = run("export", "--date", "2017-11", "--from", "2015-01", "--scenario", mini)
    assert result.exit_code == 2
    assert "give either --date or --from/--to/--every, not both" in result.stderr
    result = run("export", "--from", "2015-01", "--scenario", mini)
    assert result.exit_code == 2
    assert "give --date, or --from and --to for a time-enabled layer" in result.stderr


def test_an_unknown_suffix_is_refused_before_anything_is_written(run, mini):
    result = run("export", "--date", "2017-11", "--scenario", mini, "--out", "places.shp")
    assert result.exit_code == 1
    assert result.stderr == (
        "places.shp: unknown export format '.shp' (expected one of: gpkg, geojson, csv)\n"
    )
    result = run("export", "--date", "2017-11", "-s", mini, "--out", "p.csv", "-f", "gpkg")
    assert result.stderr == "p.csv: file name ends in .csv but --format is gpkg\n"


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv"])
def test_an_export_never_replaces_a_users_file_but_replaces_its_own(run, mini, tmp_path, fmt):
    mine = tmp_path / "work" / f"mine.{fmt}"
    mine.write_text("id,name\nmy,own data\n")
    result = run("export", "--date", "2017-11", "--scenario", mini, "--out", mine.name)
    assert result.exit_code == 1
    assert result.stderr == (
        f"mine.{fmt}: exists and was not written by geomap; "
        "refusing to overwrite it (use --force)\n"
    )
    assert mine.read_text() == "id,name\nmy,own data\n"
    assert run("export", "--date", "2017-11", "-s", mini, "-o", mine.name, "--force").exit_code == 0
    for when in ("2015-01", "2017-10"):  # its own file: replaced without --force
        assert exported(run, "--date", when, "--scenario", mini, "--out", mine.name) == mine.name
    assert [p.name for p in mine.parent.iterdir()] == [mine.name]  # no temporary file left


@needs_ogrinfo
def test_ogrinfo_reads_every_format(run, mini):
    places = exported(run, "--date", "2017-11", "--scenario", mini)
    text = ogrinfo(places)
    assert "Geometry: Point" in text
    assert "Feature Count: 5" in text
    assert 'ID["EPSG",4326]' in text
    assert "since: Date" in text
    territory = exported(
        run, "--date", "2015-01", "--layer", "territory", "-s", mini, "-f", "geojson"
    )
    text = ogrinfo(territory)
    assert "Geometry: Multi Polygon" in text
    assert "area_km2: Real" in text
    timed = exported(run, "--from", "2015-01", "--to", "2017-11", "-s", mini, "-f", "csv")
    text = ogrinfo(timed)
    assert "valid_from: String" in text  # CSV has no types; kepler.gl and QGIS parse ISO dates
    assert "lon: String" in text or "lon: Real" in text


def test_the_bundled_territory_has_the_km2_and_people_of_geomap_area(run):
    path = exported(run, "--date", "2016-06", "--layer", "territory", "--format", "geojson")
    frame = pyogrio.read_dataframe(path)
    result = run("area", "--from", "2016-06", "--to", "2016-06", "--format", "json")
    records = {r["faction"]: r for r in json.loads(result.stdout)}
    assert set(frame.faction) == {f for f, r in records.items() if r["area_km2"]}
    for faction, record in records.items():
        side = frame[frame.faction == faction]
        held, contested = (side[side.status == s] for s in ("held", "contested"))
        assert held.area_km2.sum() == pytest.approx(record["held_km2"], rel=0.01, abs=1)
        assert contested.area_km2.sum() == pytest.approx(record["contested_km2"], rel=0.01, abs=1)
        if "population" in record:
            people = held.population.sum() + contested.population.sum() / 2
            assert people == pytest.approx(record["population"], rel=0.01, abs=1)
