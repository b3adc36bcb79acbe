"""Where places lie, and which frame a map gets: the date clamp, the fitted extent and projection.

The loud location checks of `geomap validate` have their exact messages in the invalid corpus
(tests/data/invalid/location-*, extent-covers-no-place).
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import MINI
from geomap.domain.dates import parse_period
from geomap.domain.frame import centred_projection, fitted_extent
from geomap.errors import InputError
from geomap.notices import listening
from geomap.scenario.load import load_scenario


@pytest.fixture(scope="module")
def timeline():
    return load_scenario(MINI / "scenario.yaml").timeline


def test_a_year_running_past_the_last_snapshot_means_the_last_covered_day(timeline):
    heard = []
    with listening(heard.append):
        assert timeline.as_of(parse_period("2017")) == date(2017, 11, 30)
        assert timeline.as_of(parse_period("2017")) == date(2017, 11, 30)
    assert heard == ["geomap: 2017 means 2017-11-30, the last day the snapshots cover"]


@pytest.mark.parametrize("text", ["2017-12", "2018", "2014"])
def test_a_period_wholly_outside_the_range_stays_an_error(timeline, text):
    with pytest.raises(InputError) as raised:
        timeline.as_of(parse_period(text))
    assert str(raised.value) == f"date {text} is outside the covered range 2015-01-01 to 2017-11-30"


def test_the_command_line_says_the_clamp_in_one_line_on_stderr(run):
    result = run("state", "--date", "2017", "--scenario", MINI / "scenario.yaml", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == "geomap: 2017 means 2017-11-30, the last day the snapshots cover\n"
    assert "raqqa" in result.stdout


def test_an_extent_is_fitted_to_focus_countries_and_places_padded_by_5_percent():
    assert fitted_extent([(37.0, 32.0, 41.0, 38.0), (36.0, 35.0, 38.0, 36.0)]) == (
        35.7,
        31.7,
        41.3,
        38.3,
    )
    assert fitted_extent([]) is None


def test_the_fitted_projection_is_a_conic_centred_on_the_extent_or_tmerc_at_the_equator():
    assert centred_projection((36.7, 31.7, 41.3, 38.3)) == (
        "+proj=lcc +lat_1=32.8 +lat_2=37.2 +lat_0=35.0 +lon_0=39.0 +datum=WGS84 +units=m +no_defs"
    )
    assert centred_projection((-80.0, -5.0, -60.0, 10.0)) == (
        "+proj=tmerc +lat_0=2.5 +lon_0=-70.0 +k=1 +datum=WGS84 +units=m +no_defs"
    )


def test_a_scenario_without_extent_and_projection_gets_a_frame_around_its_countries(mini):
    text = mini.read_text(encoding="utf-8")
    kept = [
        line for line in text.splitlines() if not line.startswith(("extent_lonlat", "projection"))
    ]
    assert len(kept) < len(text.splitlines())
    mini.write_text("\n".join(kept) + "\n", encoding="utf-8")
    scenario = load_scenario(mini, check_everything=True)
    # focus country AA spans 37-41 E, 32-38 N; the places lie inside it; 5 % of 6 degrees added
    assert scenario.extent_lonlat == (36.7, 31.7, 41.3, 38.3)
    assert scenario.projection == centred_projection((36.7, 31.7, 41.3, 38.3))


def test_without_focus_countries_the_frame_fits_the_places(mini):
    text = mini.read_text(encoding="utf-8")
    kept = [
        line
        for line in text.splitlines()
        if not line.startswith(("extent_lonlat", "projection", "focus_countries"))
    ]
    mini.write_text("\n".join(kept) + "\n", encoding="utf-8")
    # places span 37.16-40.14 E, 35.33-36.89 N: 0.2 degrees added (5 % would be less)
    assert load_scenario(mini).extent_lonlat == (36.96, 35.13, 40.34, 37.09)


def test_an_extent_covering_no_place_stops_render_too_and_writes_nothing(mini, run):
    text = mini.read_text(encoding="utf-8")
    text = text.replace(
        "extent_lonlat: [37.0, 32.5, 44.5, 37.5]", "extent_lonlat: [10, 10, 12, 12]"
    )
    mini.write_text(text, encoding="utf-8")
    result = run("render", "--scenario", mini, "--date", "2017-11", "--out", "map.png")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "scenario.yaml:24:16: extent_lonlat [10, 10, 12, 12] covers none of the 5 places (they lie "
        "within [37.16, 35.33, 40.14, 36.89]); fix it, or remove it to fit the map to the focus "
        "countries and places\n"
    )
    assert not list(mini.parent.parent.joinpath("work").iterdir())
