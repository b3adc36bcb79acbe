"""The cache of parsed scenarios: reused while every file has the same content, never wrong
after an edit, safe to delete, and only for scenarios without problems."""

import os
from datetime import date

import pytest

import geomap.scenario.load as load_module
from geomap.errors import InputError
from geomap.scenario.load import load_scenario


@pytest.fixture
def parses(monkeypatch, tmp_path):
    """A private cache folder; returns the list of scenario paths actually parsed."""
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    parsed = []
    real = load_module.parse_scenario

    def counting(path, **kwargs):
        parsed.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(load_module, "parse_scenario", counting)
    return parsed


def holder_of(scenario, place_id, day=date(2017, 11, 30)):
    return scenario.timeline.state_at(day, scenario.places)[place_id].holder


def test_a_scenario_read_twice_is_parsed_once(mini, parses):
    first = load_scenario(mini)
    second = load_scenario(mini)
    assert len(parses) == 1
    assert second.places == first.places and second.snapshots == first.snapshots
    assert holder_of(second, "raqqa") == "sdf"


def test_an_edited_snapshot_is_seen_even_with_the_same_size_and_time(mini, parses):
    snapshot = mini.parent / "snapshots" / "2017-10-17.yaml"
    assert holder_of(load_scenario(mini), "raqqa") == "sdf"
    status = snapshot.stat()
    text = snapshot.read_text(encoding="utf-8")
    edited = text.replace("holder: sdf", "holder: isis").replace("17th;", "17th")
    snapshot.write_text(edited, encoding="utf-8")
    os.utime(snapshot, ns=(status.st_atime_ns, status.st_mtime_ns))  # same time stamp
    assert snapshot.stat().st_size == status.st_size
    assert holder_of(load_scenario(mini), "raqqa") == "isis"
    assert len(parses) == 2


def test_a_new_snapshot_file_is_seen_and_a_removed_one_too(mini, parses):
    folder = mini.parent / "snapshots"
    load_scenario(mini)
    (folder / "2017-11-20.yaml").write_text(
        "date: 2017-11-20\ncontrol:\n  raqqa:\n    holder: rebels\n    source: test-report-2017\n",
        encoding="utf-8",
    )
    assert holder_of(load_scenario(mini), "raqqa") == "rebels"
    (folder / "2017-11-20.yaml").unlink()
    assert holder_of(load_scenario(mini), "raqqa") == "sdf"
    assert len(parses) == 3


def test_an_edited_places_file_is_seen(mini, parses):
    places = mini.parent / "places.geojson"
    load_scenario(mini)
    places.write_text(places.read_text(encoding="utf-8").replace('"Raqqa"', '"Ar-Raqqa"'))
    assert load_scenario(mini).places["raqqa"].name == "Ar-Raqqa"


def test_a_deleted_or_damaged_cache_is_rebuilt(mini, parses, tmp_path):
    load_scenario(mini)
    [entry] = (tmp_path / "cache").iterdir()
    entry.write_bytes(b"not a pickle")
    assert holder_of(load_scenario(mini), "raqqa") == "sdf"
    for entry in (tmp_path / "cache").iterdir():
        entry.unlink()
    (tmp_path / "cache").rmdir()
    assert holder_of(load_scenario(mini), "raqqa") == "sdf"
    assert len(parses) == 3


def test_a_scenario_with_problems_is_never_kept(mini, parses, tmp_path):
    snapshot = mini.parent / "snapshots" / "2017-10-17.yaml"
    good = snapshot.read_text(encoding="utf-8")
    snapshot.write_text(good.replace("holder: sdf", "holder: sdff"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match="unknown faction 'sdff'"):
            load_scenario(mini)
    assert not (tmp_path / "cache").exists()
    snapshot.write_text(good, encoding="utf-8")
    assert holder_of(load_scenario(mini), "raqqa") == "sdf"


def test_validate_sees_a_broken_basemap_layer_after_a_good_run(mini, parses):
    load_scenario(mini, check_everything=True)
    (mini.parent / "geo" / "lakes.geojson").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match=r"lakes\.geojson"):
        load_scenario(mini, check_everything=True)


def test_the_cache_can_be_turned_off(mini, parses, monkeypatch, tmp_path):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", "off")
    load_scenario(mini)
    load_scenario(mini)
    assert len(parses) == 2
    assert not (tmp_path / "cache").exists()


def test_the_basemap_and_territory_model_are_kept_under_the_files_content(
    mini, parses, monkeypatch
):
    """A new process (no projects in memory) reads the projected basemap and the territory model
    from the cache; an edited place gives a new model."""
    import geomap.scenario.project as project_module
    import geomap.territory.areas as areas

    built = []
    real = areas.territory_model
    monkeypatch.setattr(areas, "territory_model", lambda *a: built.append(1) or real(*a))

    def fresh_project():
        monkeypatch.setattr(project_module, "_BY_DIGEST", {})
        monkeypatch.setattr(project_module, "_BY_SCENARIO", {})
        return project_module.open_project(mini)

    day = date(2017, 11, 30)
    first = fresh_project()
    expected = first.territory.areas_km2(areas.estimate_on(first.scenario, first.territory, day))
    second = fresh_project()
    assert second.territory is not first.territory
    assert (
        second.territory.areas_km2(areas.estimate_on(second.scenario, second.territory, day))
        == expected
    )
    assert sorted(second.basemap) == sorted(first.basemap)
    assert len(built) == 1

    places = mini.parent / "places.geojson"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("39.01", "38.81", 1), encoding="utf-8")  # Raqqa moves west
    assert fresh_project().territory is not None
    assert len(built) == 2
