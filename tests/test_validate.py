"""`geomap validate`: every problem, with its file, line and column, in exact words."""

import json
from pathlib import Path

from conftest import write


def validate(run, scenario: Path):
    return run("validate", "--scenario", scenario)


def test_the_mini_scenario_is_clean(run, mini):
    result = validate(run, mini)
    assert result.exit_code == 0
    assert "ok: 5 places, 4 factions, 3 snapshots, 7 assertions, 3 sources" in result.output


def test_unknown_place_points_at_its_line_with_a_suggestion(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n  raqqah: sdf\n",
    )
    result = validate(run, mini)
    assert result.exit_code == 1
    assert "snapshots/2017-10-17.yaml:4:3: unknown place 'raqqah' (did you mean 'raqqa'?)" in (
        result.output
    )


def test_an_alias_used_as_a_place_id_suggests_the_id(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n  kobane: sdf\n",
    )
    result = validate(run, mini)
    assert "2017-10-17.yaml:4:3: unknown place 'kobane' (did you mean 'kobani'?)" in result.output


def test_unknown_faction(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n  raqqa: sfd\n",
    )
    result = validate(run, mini)
    assert (
        "2017-10-17.yaml:4:3: unknown faction 'sfd' as holder of 'raqqa' "
        "(did you mean 'sdf'?)" in result.output
    )


def test_bad_date(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-32\nsource: test-report-2017\ncontrol:\n  raqqa: sdf\n",
    )
    result = validate(run, mini)
    assert "2017-10-17.yaml:1:7: invalid date '2017-10-32': day 32 is not in October 2017" in (
        result.output
    )


def test_duplicate_key(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n  raqqa: sdf\n  raqqa: isis\n",
    )
    result = validate(run, mini)
    assert "2017-10-17.yaml:5:3: duplicate key 'raqqa' (first defined at line 4)" in result.output


def test_snapshot_out_of_order_when_listed(run, mini):
    text = mini.read_text().replace(
        "snapshots: snapshots",
        "snapshots: [snapshots/2017-10-17.yaml, snapshots/2015-01-01.yaml]",
    )
    mini.write_text(text)
    result = validate(run, mini)
    assert result.exit_code == 1
    assert (
        "snapshots/2015-01-01.yaml:1:1: snapshot out of order: 2015-01-01 comes after 2017-10-17"
        in result.output
    )


def test_a_date_that_differs_from_the_file_name(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-18\nsource: test-report-2017\ncontrol:\n  raqqa: sdf\n",
    )
    result = validate(run, mini)
    assert "2017-10-17.yaml:1:7: date 2017-10-18 differs from the file name '2017-10-17.yaml'" in (
        result.output
    )


def test_place_id_used_twice(run, mini):
    places_path = mini.parent / "places.geojson"
    places = json.loads(places_path.read_text())
    twin = json.loads(json.dumps(places["features"][0]))
    places["features"].append(twin)
    places_path.write_text(json.dumps(places, indent=2))
    result = validate(run, mini)
    assert result.exit_code == 1
    assert "places.geojson:110:5: place id 'raqqa' is used twice (first at line 4)" in (
        result.output
    )


def test_missing_source(run, mini):
    write(mini.parent / "snapshots/2017-10-17.yaml", "date: 2017-10-17\ncontrol:\n  raqqa: sdf\n")
    result = validate(run, mini)
    assert "2017-10-17.yaml:3:3: missing source for 'raqqa'" in result.output


def test_unknown_source(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2071\ncontrol:\n  raqqa: sdf\n",
    )
    result = validate(run, mini)
    assert (
        "2017-10-17.yaml:4:3: unknown source 'test-report-2071' (did you mean 'test-report-2017'?)"
        in result.output
    )


def test_contested_needs_the_other_side(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n"
        "  raqqa:\n    holder: sdf\n    status: contested\n",
    )
    result = validate(run, mini)
    assert "2017-10-17.yaml:4:3: 'raqqa' is contested but names no other side: add 'by'" in (
        result.output
    )


def test_unknown_status_and_key_get_suggestions(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n"
        "  raqqa:\n    holder: sdf\n    status: besiged\n    bye: isis\n",
    )
    result = validate(run, mini)
    lines = result.stderr.splitlines()
    assert any(
        line.endswith(
            "2017-10-17.yaml:6:13: unknown status 'besiged' (did you mean "
            "'besieged'?) (expected one of: held, contested, besieged)"
        )
        for line in lines
    )
    assert any(
        line.endswith("2017-10-17.yaml:7:5: unknown key 'bye' in 'raqqa' (did you mean 'by'?)")
        for line in lines
    )


def test_every_problem_of_every_file_is_reported_at_once_in_order(run, mini):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n  raqqah: sdf\n  aleppo: sfd\n",
    )
    write(
        mini.parent / "snapshots/2017-11-30.yaml",
        "date: 2017-11-30\ncontrol:\n  aleppo: syrian-gov\n",
    )
    result = validate(run, mini)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split("/snapshots/")[-1] for line in lines] == [
        "2017-10-17.yaml:4:3: unknown place 'raqqah' (did you mean 'raqqa'?)",
        "2017-10-17.yaml:5:3: unknown faction 'sfd' as holder of 'aleppo' (did you mean 'sdf'?)",
        "2017-11-30.yaml:3:3: missing source for 'aleppo'",
        "geomap: 3 problems found",
    ]
    assert "Traceback" not in result.output


def test_malformed_geojson_points_at_line_and_column(run, mini):
    (mini.parent / "places.geojson").write_text('{"type": "FeatureCollection",\n "features": [}\n')
    result = validate(run, mini)
    assert result.exit_code == 1
    assert "places.geojson:2:15: malformed JSON: Expecting value" in result.output


def test_missing_scenario_file(run, tmp_path):
    result = run("validate", "--scenario", tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("nope.yaml: file not found")


def test_style_basemap_and_snapshot_problems_come_in_one_list(run, mini):
    write(mini.parent / "style.yaml", "dpi: 150\nlabel_max_rnk: 3\n")
    mini.write_text(mini.read_text() + "style: style.yaml\n")
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n  raqqah: sdf\n",
    )
    (mini.parent / "geo/lakes.geojson").write_text('{"type": "FeatureCollection"')
    result = validate(run, mini)
    assert result.exit_code == 1
    lines = [line.split("mini/")[-1] for line in result.stderr.splitlines()]
    assert lines[-1] == "geomap: 3 problems found"
    assert any(line.startswith("geo/lakes.geojson:1:") for line in lines)
    assert "snapshots/2017-10-17.yaml:4:3: unknown place 'raqqah' (did you mean 'raqqa'?)" in lines
    assert any(line.startswith("style.yaml:2:1: unknown key 'label_max_rnk'") for line in lines)


def test_render_to_a_folder_that_does_not_exist(run, mini):
    result = run("render", "--date", "2017-11", "--scenario", mini, "--out", "nowhere/")
    assert result.exit_code == 1
    assert result.stderr == "nowhere: output folder does not exist\n"
