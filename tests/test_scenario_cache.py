"""The cache of parsed scenarios: reused while every file has the same content, never wrong
after an edit, safe to delete, and only for scenarios without problems."""

import io
import os
import pickle
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
    import geomap.territory.areas as areas

    built = []
    real = areas.territory_model
    monkeypatch.setattr(areas, "territory_model", lambda *a: built.append(1) or real(*a))

    day = date(2017, 11, 30)
    first = fresh_project(monkeypatch, mini)
    expected = first.territory.areas_km2(areas.estimate_on(first.scenario, first.territory, day))
    second = fresh_project(monkeypatch, mini)
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
    assert fresh_project(monkeypatch, mini).territory is not None
    assert len(built) == 2


def fresh_project(monkeypatch, path):
    """The project of ``path`` as a new process sees it: nothing in memory, only the cache."""
    import geomap.scenario.project as project_module

    monkeypatch.setattr(project_module, "_BY_DIGEST", {})
    monkeypatch.setattr(project_module, "_BY_SCENARIO", {})
    return project_module.open_project(path)


@pytest.fixture
def estimates(monkeypatch):
    """Counts the territory models built and the estimates computed."""
    import geomap.territory.areas as areas

    counts = {"models": 0, "estimates": 0}
    real_model, real_estimate = areas.territory_model, areas.estimate_on

    def model(*args):
        counts["models"] += 1
        return real_model(*args)

    def estimate(*args):
        counts["estimates"] += 1
        return real_estimate(*args)

    monkeypatch.setattr(areas, "territory_model", model)
    monkeypatch.setattr(areas, "estimate_on", estimate)
    return counts


def shapes(territory):
    """Every geometry of an estimate, exactly: its WKB (coordinates in order) and its grid."""
    import shapely

    return [
        (key, shapely.to_wkb(geometry), float(shapely.get_precision(geometry)))
        for key, geometry in territory.geometries()
    ]


def test_a_days_estimate_is_kept_and_a_new_process_never_reads_the_model(
    mini, parses, estimates, monkeypatch
):
    day = date(2017, 11, 30)
    first = fresh_project(monkeypatch, mini).estimate(day)
    assert estimates == {"models": 1, "estimates": 1}
    again = fresh_project(monkeypatch, mini)
    kept = again.estimate(day)
    assert estimates == {"models": 1, "estimates": 1}
    assert "territory" not in again.__dict__  # the model was not even read from the cache
    assert shapes(kept) == shapes(first) and kept.held and shapes(first)
    fresh_project(monkeypatch, mini).estimate(date(2017, 10, 1))  # another day: computed
    assert estimates["estimates"] == 2


def test_an_edited_snapshot_gives_a_new_estimate(mini, parses, estimates, monkeypatch):
    day = date(2017, 11, 30)
    before = fresh_project(monkeypatch, mini).estimate(day)
    snapshot = mini.parent / "snapshots" / "2017-10-17.yaml"
    text = snapshot.read_text(encoding="utf-8")
    snapshot.write_text(text.replace("holder: sdf", "holder: isis"), encoding="utf-8")
    after = fresh_project(monkeypatch, mini).estimate(day)
    assert estimates["estimates"] == 2
    assert shapes(after) != shapes(before)
    assert shapes(after) == shapes(fresh_project(monkeypatch, mini).estimate(day))


def test_a_damaged_estimate_is_computed_again(mini, parses, estimates, monkeypatch, tmp_path):
    day = date(2017, 11, 30)
    expected = shapes(fresh_project(monkeypatch, mini).estimate(day))
    [entry] = (tmp_path / "cache").glob("estimate-*")
    entry.write_bytes(entry.read_bytes()[:200])  # cut short, as by a full disk
    assert shapes(fresh_project(monkeypatch, mini).estimate(day)) == expected
    assert estimates["estimates"] == 2
    assert shapes(fresh_project(monkeypatch, mini).estimate(day)) == expected  # rewritten whole
    assert estimates["estimates"] == 2


def test_a_cache_folder_that_cannot_be_written_is_no_error(mini, monkeypatch, tmp_path):
    # a folder under a plain file cannot be made, by root either (a chmod does not stop root)
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    folder = blocker / "cache"
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(folder))
    project = fresh_project(monkeypatch, mini)
    assert project.estimate(date(2017, 11, 30)).held
    assert not folder.exists() and blocker.read_text(encoding="utf-8") == ""


def test_a_kept_territory_model_is_the_built_one_vertex_for_vertex(mini, parses, monkeypatch):
    """Geometries come back from the cache with the same coordinates in the same order and the
    same precision grid, so a map drawn from the cache is the map drawn without it."""
    import shapely

    def geometries(model):
        found = []

        class Collect(pickle.Pickler):
            def reducer_override(self, obj):
                if isinstance(obj, shapely.Geometry):
                    found.append((shapely.to_wkb(obj), float(shapely.get_precision(obj))))
                return NotImplemented

        Collect(io.BytesIO()).dump(model)
        return found

    built = fresh_project(monkeypatch, mini).territory
    kept = fresh_project(monkeypatch, mini).territory
    assert kept is not built
    expected = geometries(built)
    assert any(grid > 0 for _, grid in expected)  # snapped geometries are among them
    assert geometries(kept) == expected


def test_projected_coordinates_are_kept_exactly(monkeypatch, tmp_path):
    import numpy as np

    from geomap.domain import projection as plane
    from geomap.scenario import cache

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    lcc = "+proj=lcc +lat_1=31 +lat_2=37 +lat_0=34 +lon_0=41.5 +datum=WGS84 +units=m +no_defs"
    lon, lat = [36.2, 39.01, 44.4], [33.5, 35.95, 33.3]
    computed = []
    real = plane.project_xy
    monkeypatch.setattr(plane, "project_xy", lambda *a: computed.append(1) or real(*a))

    def new_process():
        monkeypatch.setattr(cache, "_PROJECTED", {})

    x, y = cache.kept_xy(lcc, lon, lat)
    expected = real(lcc, lon, lat)
    assert x.tolist() == expected[0].tolist() and y.tolist() == expected[1].tolist()
    new_process()
    again = cache.kept_xy(lcc, lon, lat)
    assert [a.tolist() for a in again] == [x.tolist(), y.tolist()] and len(computed) == 1
    back = cache.kept_xy(lcc, x, y, inverse=True)
    assert np.allclose(back, (lon, lat), atol=1e-9)
    cache.kept_xy(lcc, lon, [33.5, 35.95, 33.4])  # another point: computed
    assert len(computed) == 2
    for entry in (tmp_path / "cache").glob("projected-*"):
        entry.write_bytes(b"")
    new_process()
    assert [a.tolist() for a in cache.kept_xy(lcc, lon, lat)] == [x.tolist(), y.tolist()]
    assert len(computed) == 3


def test_a_map_drawn_again_never_imports_pyproj(mini, tmp_path):
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from geomap.cli import cli\n"
        f"cli(['render', '-d', '2017-11', '-s', {str(mini)!r}, '--size', '400x300', '--force',"
        f" '-o', {str(tmp_path / 'm.png')!r}], standalone_mode=False)\n"
        "print('pyproj' in sys.modules)"
    )
    env = {**os.environ, "GEOMAP_CACHE_DIR": str(tmp_path / "cache"), "MPLBACKEND": "Agg"}

    def imports_pyproj() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.split()[-1]

    assert imports_pyproj() == "True"  # the first time, everything is computed
    assert imports_pyproj() == "False"


def test_a_value_that_cannot_be_kept_is_still_given(monkeypatch, tmp_path):
    import threading

    from geomap.scenario.cache import remember

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    lock = threading.Lock()  # cannot be pickled
    assert remember("digest", "lock", lambda: {"lock": lock})["lock"] is lock
    assert not list((tmp_path / "cache").glob("lock-*"))


def test_the_cache_folder_is_kept_under_its_size_by_removing_the_least_recently_used(
    mini, monkeypatch, tmp_path
):
    from geomap.scenario import cache

    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(folder))
    monkeypatch.setenv("GEOMAP_CACHE_MAX_MB", "1")  # 1 MiB
    old = []
    for index in range(6):  # 6 x 300 KB of earlier entries, oldest first
        entry = folder / f"old-{index}.pickle"
        entry.write_bytes(b"x" * 300_000)
        os.utime(entry, ns=(1_000_000_000 * (index + 1),) * 2)
        old.append(entry)
    os.utime(old[0], None)  # the oldest was just read again: kept longest
    other = folder / "notes.txt"  # not geomap's: never touched
    other.write_bytes(b"y" * 2_000_000)
    load_scenario(mini)  # writes the parsed scenario
    kept = sorted(p.name for p in folder.glob("*.pickle"))
    size = sum(p.stat().st_size for p in folder.glob("*.pickle"))
    assert size <= 1024 * 1024 * 4 // 5
    assert "old-0.pickle" in kept and "old-1.pickle" not in kept and "old-2.pickle" not in kept
    assert any(name.startswith("scenario-") for name in kept)  # the new entry stays
    assert other.exists()
    assert cache.prune(folder) == 0  # under the limit now: nothing more to do


def test_a_cache_hit_marks_its_entry_used(mini, parses, tmp_path):
    load_scenario(mini)
    (entry,) = (tmp_path / "cache").glob("scenario-*.pickle")
    os.utime(entry, ns=(1_000_000_000, 1_000_000_000))
    load_scenario(mini)
    assert len(parses) == 1
    assert entry.stat().st_mtime_ns > 1_000_000_000


def test_the_folder_is_checked_for_size_once_a_process_not_at_every_entry(monkeypatch, tmp_path):
    from geomap.scenario import cache

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    checked = []
    monkeypatch.setattr(cache, "prune", lambda folder: checked.append(folder) or 0)
    for day in range(3):  # a series' frames each store their day's estimate
        cache.remember(f"digest-{day}", "estimate", lambda day=day: day)
    assert checked == [tmp_path / "cache"]
    assert len(list((tmp_path / "cache").glob("estimate-*.pickle"))) == 3
