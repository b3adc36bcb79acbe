"""`geomap init` makes a working scenario for any country, far from the bundled Iraq and Syria:
here Ukraine 2022, filled the way a user would (places found with `geomap places find`), then
validated, rendered, compared and batched, and checked through the pixels of the files written.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from geomap.cli import cli

FILES = [
    "basemap/countries.geojson",
    "basemap/provinces.geojson",
    "basemap/rivers.geojson",
    "basemap/lakes.geojson",
    "basemap/settlements.geojson",
    "places.geojson",
    "sources.yaml",
    "snapshots/2022-02-24.yaml",
    "scenario.yaml",
    "style.yaml",
    "README.md",
]
UKRAINE, RUSSIA = "#1f78b4", "#e31a1c"

SOURCES = """\
wikipedia-battle-of-kherson:
  publisher: Wikipedia
  title: "Battle of Kherson"
  date: 2022-03-02
  url: https://en.wikipedia.org/wiki/Battle_of_Kherson
wikipedia-siege-of-mariupol:
  publisher: Wikipedia
  title: "Siege of Mariupol"
  date: 2022-05-20
  url: https://en.wikipedia.org/wiki/Siege_of_Mariupol
wikipedia-kherson-counteroffensive:
  publisher: Wikipedia
  title: "2022 Kherson counteroffensive"
  date: 2022-11-11
  url: https://en.wikipedia.org/wiki/2022_Kherson_counteroffensive
"""
SNAPSHOTS = {
    "2022-02-24": "date: 2022-02-24\nsource: wikipedia-battle-of-kherson\ncontrol:\n"
    "  kyiv: ukraine\n  kharkiv: ukraine\n  kherson: ukraine\n  mariupol: ukraine\n"
    "  bakhmut: ukraine\n  ukraine-baseline: ukraine\n",
    "2022-03-02": "date: 2022-03-02\nsource: wikipedia-battle-of-kherson\ncontrol:\n"
    "  kherson: russia\n  mariupol:\n    holder: ukraine\n    status: besieged\n    by: russia\n",
    "2022-05-20": "date: 2022-05-20\nsource: wikipedia-siege-of-mariupol\ncontrol:\n"
    "  mariupol: russia\n",
    "2022-11-11": "date: 2022-11-11\nsource: wikipedia-kherson-counteroffensive\ncontrol:\n"
    "  kherson: ukraine\n",
}


def invoke(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def ukraine(tmp_path_factory) -> Path:
    """A Ukraine 2022 scenario: `geomap init`, then five places and four dated snapshots."""
    folder = tmp_path_factory.mktemp("new") / "ukraine-2022"
    result = invoke("init", folder, "--countries", "UA", "--date", "2022-02-24")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(folder / name) for name in FILES]

    places = json.loads((folder / "places.geojson").read_text(encoding="utf-8"))
    # the most populous place, and the country as a baseline area
    assert [f["id"] for f in places["features"]] == ["kyiv", "ukraine-baseline"]
    for name in ("Kharkiv", "Kherson", "Mariupol", "Bakhmut"):
        found = invoke("places", "find", name, "--country", "UA", "--format", "json")
        best = json.loads(found.stdout)[0]
        assert (best["name"], best["match"]) == (name, "exact")
        places["features"].append(
            {
                "type": "Feature",
                "id": name.lower(),
                "geometry": {"type": "Point", "coordinates": [best["lon"], best["lat"]]},
                "properties": {
                    "id": name.lower(),
                    "name": name,
                    "kind": "city",
                    "country": best["country"],
                    "rank": 2,
                    "geonameid": best["geonameid"],
                },
            }
        )
    (folder / "places.geojson").write_text(json.dumps(places, indent=1), encoding="utf-8")
    scenario = folder / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    text = text.replace("  government:\n", "  ukraine:\n").replace("  opposition:\n", "  russia:\n")
    text = text.replace("Opposition forces", "Russian armed forces").replace(
        "short: Opposition", "short: Russia"
    )
    scenario.write_text(text, encoding="utf-8")
    (folder / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    for day, body in SNAPSHOTS.items():
        (folder / "snapshots" / f"{day}.yaml").write_text(body, encoding="utf-8")
    return scenario


def marker_colour(scenario_path: Path, png: Path, place_id: str) -> str:
    """The colour of the PNG pixel at a place's marker centre."""
    from geomap.domain.projection import project_xy
    from geomap.products.map import make_canvas
    from geomap.scenario.load import load_scenario
    from geomap.scenario.style import load_style

    scenario = load_scenario(scenario_path)
    image = np.asarray(Image.open(png).convert("RGB"))
    height, width = image.shape[:2]
    canvas = make_canvas(
        scenario, load_style(scenario.style_path), size_px=(width, height), dpi=150
    )
    lon, lat = scenario.places[place_id].lonlat
    x, y = project_xy(scenario.projection, [lon], [lat])
    px, py = canvas.ax.transData.transform((x[0], y[0]))
    r, g, b = image[height - round(py), round(px)]
    return f"#{r:02x}{g:02x}{b:02x}"


def test_init_writes_a_scenario_that_validates_as_written(tmp_path):
    folder = tmp_path / "sudan"
    result = invoke("init", folder, "--countries", "SD,SS", "--date", "2023-04-15")
    assert result.exit_code == 0, result.output
    check = invoke("validate", "--scenario", folder / "scenario.yaml")
    assert check.exit_code == 0, check.output
    assert check.stdout.endswith(
        "ok: 3 places, 2 factions, 1 snapshots, 2 assertions, 1 sources, 2023-04-15 to 2023-04-15\n"
    )
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    assert "focus_countries: [SD, SS]" in text
    assert "\nextent_lonlat" not in text and "\nprojection" not in text  # fitted
    countries = json.loads((folder / "basemap/countries.geojson").read_text(encoding="utf-8"))
    ids = {f["id"] for f in countries["features"]}
    assert {"SD", "SS", "EG", "TD", "ET", "ER", "LY", "CF"} <= ids
    assert "UA" not in ids and "AU" not in ids


def test_init_never_overwrites_a_file(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "README.md").write_text("my notes\n", encoding="utf-8")
    result = invoke("init", folder, "--countries", "YE")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{folder / 'README.md'} already exist; geomap init never overwrites files "
        "(choose a new folder, or move them away)\n"
    )
    assert [p.name for p in folder.iterdir()] == ["README.md"]
    assert (folder / "README.md").read_text(encoding="utf-8") == "my notes\n"


def test_unknown_country_codes_are_refused_with_a_suggestion(tmp_path):
    result = invoke("init", tmp_path / "x", "--countries", "UK,Ukraine,UA")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "--countries: 'UK' is not an ISO 3166-1 alpha-2 code of the world layer "
        "(did you mean 'GB'?)",
        "--countries: 'Ukraine' is not an ISO 3166-1 alpha-2 code of the world layer "
        "(did you mean 'UA' for Ukraine?)",
        "geomap: 2 problems found",
    ]
    assert not (tmp_path / "x").exists()


def test_assign_draws_a_disputed_province_with_another_country(tmp_path):
    import shapely
    from shapely.geometry import shape

    def holder_of_simferopol(folder: Path) -> list[str]:
        layer = json.loads((folder / "basemap/countries.geojson").read_text(encoding="utf-8"))
        point = shapely.Point(34.10, 44.95)
        return [f["id"] for f in layer["features"] if shape(f["geometry"]).covers(point)]

    assert invoke("init", tmp_path / "a", "-c", "UA", "--date", "2022-02-24").exit_code == 0
    assert holder_of_simferopol(tmp_path / "a") == ["RU"]  # Natural Earth: de facto
    made = invoke(
        "init", tmp_path / "b", "-c", "UA", "--assign", "UA-KR=UA", "--assign", "UA-SC=UA"
    )
    assert made.exit_code == 0, made.output
    assert holder_of_simferopol(tmp_path / "b") == ["UA"]


def test_the_new_scenario_validates_renders_compares_and_batches(ukraine, tmp_path):
    check = invoke("validate", "--scenario", ukraine)
    assert check.exit_code == 0, check.output
    assert "ok: 6 places, 2 factions, 4 snapshots" in check.stdout

    out = tmp_path / "june.png"
    result = invoke("render", "--scenario", ukraine, "--date", "2022-06", "--out", out)
    assert result.exit_code == 0, result.output
    assert marker_colour(ukraine, out, "mariupol") == RUSSIA
    assert marker_colour(ukraine, out, "kherson") == RUSSIA
    assert marker_colour(ukraine, out, "kharkiv") == UKRAINE
    assert marker_colour(ukraine, out, "kyiv") == UKRAINE

    diff = invoke("diff", "2022-02-24", "2022-11-11", "--scenario", ukraine, "--format", "json")
    changes = [(c["id"], c["from"], c["to"]) for c in json.loads(diff.stdout)]
    assert changes == [("mariupol", "ukraine", "russia")]

    compared = tmp_path / "compare.png"
    result = invoke("compare", "2022-02-24", "2022-05-31", "--scenario", ukraine, "--out", compared)
    assert result.exit_code == 0, result.output
    # Russian red: only a legend key on the left (24 February), Kherson and Mariupol on the right
    image = np.asarray(Image.open(compared).convert("RGB"))
    red = np.all(image == (0xE3, 0x1A, 0x1C), axis=2)
    left, right = red[:, : image.shape[1] // 3].sum(), red[:, image.shape[1] // 3 :].sum()
    assert right > left + 40, (left, right)

    charted = tmp_path / "chart.png"
    chart = ("chart", "--scenario", ukraine, "--from", "2022-03", "--to", "2022-10")
    result = invoke(*chart, "--out", charted)
    assert result.exit_code == 0, result.output  # the first faction, ukraine, by default
    assert result.stdout.strip().endswith("chart.png")

    frames = tmp_path / "frames"
    args = ("--from", "2022-02", "--to", "2022-11", "--every", "month", "--out", frames)
    result = invoke("batch", "--scenario", ukraine, *args, "--quiet")
    assert result.exit_code == 0, result.output
    # the data end on 11 November: "--to 2022-11" means that day, said once on stderr
    assert result.stderr == "geomap: 2022-11 means 2022-11-11, the last day the snapshots cover\n"
    names = sorted(p.name for p in frames.glob("*.png"))
    assert names == [f"geomap-{d}.png" for d in MONTH_ENDS]
    assert marker_colour(ukraine, frames / "geomap-2022-02-28.png", "kherson") == UKRAINE
    assert marker_colour(ukraine, frames / "geomap-2022-03-31.png", "kherson") == RUSSIA
    assert marker_colour(ukraine, frames / "geomap-2022-04-30.png", "mariupol") != RUSSIA
    assert marker_colour(ukraine, frames / "geomap-2022-05-31.png", "mariupol") == RUSSIA


MONTH_ENDS = [
    date(2022, m, d).isoformat()
    for m, d in (
        (2, 28),
        (3, 31),
        (4, 30),
        (5, 31),
        (6, 30),
        (7, 31),
        (8, 31),
        (9, 30),
        (10, 31),
        (11, 11),
    )
]


def test_the_example_place_lies_in_its_country_even_where_islands_are_simplified_away(tmp_path):
    # GeoNames lists Adamstown (Pitcairn's capital); Pitcairn Island itself is below the world
    # layer's 1 km simplification, so the example is a point inside what is left of PN
    folder = tmp_path / "pitcairn"
    assert invoke("init", folder, "--countries", "PN", "--date", "2020-01-01").exit_code == 0
    places = json.loads((folder / "places.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in places["features"]] == ["example-place", "pitcairn-baseline"]
    check = invoke("validate", "--scenario", folder / "scenario.yaml")
    assert check.exit_code == 0, check.output


def area_rows(scenario: Path, day: str) -> dict[str, dict]:
    args = ("area", "--scenario", scenario, "--from", day, "--to", day, "--by", "country")
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["faction"]: row for row in json.loads(result.stdout)}


def test_as_written_the_baseline_gives_the_whole_country_to_the_government(tmp_path):
    folder = tmp_path / "ua"
    assert invoke("init", folder, "-c", "UA", "--date", "2022-02-24").exit_code == 0
    snapshot = (folder / "snapshots/2022-02-24.yaml").read_text(encoding="utf-8")
    assert snapshot.endswith("  ukraine-baseline: government\n")
    rows = area_rows(folder / "scenario.yaml", "2022-02-24")
    assert list(rows) == ["government"]
    # Natural Earth draws Crimea with Russia (de facto): Ukraine is about 576,000 km² without it
    assert 560_000 < rows["government"]["held_km2"] < 590_000
    assert rows["government"]["contested_km2"] == 0
    # the settlements layer counts the people (GeoNames places of 15,000 people or more)
    assert rows["government"]["population"] > 30_000_000


def test_init_writes_the_focus_countries_settlements_with_their_people(tmp_path):
    from shapely.geometry import shape

    folder = tmp_path / "ua"
    assert invoke("init", folder, "-c", "UA", "--date", "2022-02-24").exit_code == 0
    layer = json.loads((folder / "basemap/settlements.geojson").read_text(encoding="utf-8"))
    countries = json.loads((folder / "basemap/countries.geojson").read_text(encoding="utf-8"))
    ukraine = shape(next(f for f in countries["features"] if f["id"] == "UA")["geometry"])
    names = {f["properties"]["name"] for f in layer["features"]}
    assert {"Kyiv", "Kharkiv", "Lviv", "Odesa"} <= names
    assert "Simferopol" not in names  # in Russia's polygon (de facto)
    assert all(f["properties"]["country"] == "UA" for f in layer["features"])
    assert all(ukraine.buffer(0.05).covers(shape(f["geometry"])) for f in layer["features"])
    assert "  settlements: basemap/settlements.geojson" in (folder / "scenario.yaml").read_text(
        encoding="utf-8"
    )


def test_with_the_baseline_the_sides_cover_the_country_and_the_invader_holds_its_towns(ukraine):
    rows = area_rows(ukraine, "2022-06-30")
    assert set(rows) == {"ukraine", "russia"}
    covered = rows["ukraine"]["area_km2"] + rows["russia"]["area_km2"]
    assert 560_000 < covered < 590_000  # every km² of Ukraine has a side
    # Kherson and Mariupol (besieged, then taken) with the ground around them
    assert 5_000 < rows["russia"]["area_km2"] < 30_000
    assert rows["russia"]["population"] > 400_000


def test_a_second_focus_countrys_baseline_is_offered_but_not_asserted(tmp_path):
    folder = tmp_path / "sudan"
    assert invoke("init", folder, "-c", "SD,SS", "--date", "2023-04-15").exit_code == 0
    snapshot = (folder / "snapshots/2023-04-15.yaml").read_text(encoding="utf-8")
    assert snapshot.endswith("  sudan-baseline: government\n  # south-sudan-baseline: government\n")
    args = ("--from", "2023-04-15", "--to", "2023-04-15", "--by", "country", "--format", "json")
    result = invoke("area", "--scenario", folder / "scenario.yaml", *args)
    rows = [(row["country"], row["faction"]) for row in json.loads(result.stdout)]
    assert rows == [("SD", "government")]  # South Sudan's ground stays unclear until asserted
