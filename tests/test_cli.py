"""The command line, through click's CliRunner."""

import csv
import io
import json

from PIL import Image

from conftest import write
from geomap.domain.join import STATE_KEYS


def test_render_writes_the_default_name_and_prints_its_path(run, mini):
    result = run("render", "--date", "2017-11", "--scenario", mini, "--size", "640x480")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "geomap-2017-11-30.png"
    with Image.open("geomap-2017-11-30.png") as image:
        assert image.size == (640, 480)


def test_render_to_a_chosen_file_in_svg(run, mini, tmp_path):
    out = tmp_path / "map.svg"
    result = run("render", "-d", "2015-01", "-s", mini, "-o", out)
    assert result.exit_code == 0
    assert out.read_text().startswith("<?xml")


def test_render_into_a_folder_with_format(run, mini, tmp_path):
    result = run("render", "-d", "2015-01-01", "-s", mini, "-o", tmp_path, "-f", "pdf")
    assert result.exit_code == 0
    assert (tmp_path / "geomap-2015-01-01.pdf").read_bytes().startswith(b"%PDF")


def test_a_date_outside_the_range_writes_nothing(run, mini, tmp_path):
    result = run("render", "--date", "2018-01", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr == "date 2018-01 is outside the covered range 2015-01-01 to 2017-11-30\n"
    assert list(tmp_path.joinpath("work").iterdir()) == []


def test_a_malformed_date_is_a_usage_error(run, mini):
    result = run("render", "--date", "2017-13", "--scenario", mini)
    assert result.exit_code == 2
    assert "invalid date '2017-13': month 13 is not 01-12" in result.output


def test_bad_input_gives_located_messages_and_no_file(run, mini, tmp_path):
    write(
        mini.parent / "snapshots/2017-10-17.yaml",
        "date: 2017-10-17\nsource: test-report-2017\ncontrol:\n  raqqa: [sdf]\n",
    )
    result = run("render", "--date", "2017-11", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "snapshots/2017-10-17.yaml:4:10: 'raqqa' must be a mapping, not a list\n"
    )
    assert "Traceback" not in result.output
    assert list(tmp_path.joinpath("work").iterdir()) == []


def test_a_file_geomap_did_not_write_is_not_overwritten(run, mini, tmp_path):
    precious = tmp_path / "work" / "geomap-2017-11-30.png"
    precious.write_bytes(b"my holiday photo")
    result = run("render", "--date", "2017-11", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr == (
        "geomap-2017-11-30.png: exists and was not written by geomap; "
        "refusing to overwrite it (use --force)\n"
    )
    assert precious.read_bytes() == b"my holiday photo"
    assert run("render", "--date", "2017-11", "--scenario", mini, "--force").exit_code == 0
    assert precious.read_bytes().startswith(b"\x89PNG")


def test_geomap_may_replace_its_own_output(run, mini):
    assert run("render", "--date", "2017-11", "--scenario", mini).exit_code == 0
    assert run("render", "--date", "2017-11", "--scenario", mini).exit_code == 0


def test_state_json_has_exactly_the_documented_keys(run, mini):
    result = run("state", "--date", "2017-10", "--scenario", mini, "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [tuple(r) for r in records] == [STATE_KEYS] * 5
    raqqa = next(r for r in records if r["id"] == "raqqa")
    assert raqqa == {
        "id": "raqqa",
        "name": "Raqqa",
        "aliases": ["Ar-Raqqah", "Rakka"],
        "kind": "city",
        "country": "AA",
        "lon": 39.01,
        "lat": 35.95,
        "holder": "sdf",
        "status": "held",
        "by": None,
        "since": "2017-10-17",
        "sources": [
            {
                "id": "local-raqqa",
                "publisher": "Test Wire",
                "title": "Raqqa falls",
                "date": "2017-10-17",
                "url": None,
            }
        ],
    }


def test_state_csv(run, mini):
    result = run("state", "--date", "2015-01", "--scenario", mini, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["id"] == "aleppo"
    assert (rows[0]["status"], rows[0]["by"]) == ("contested", "rebels")


def test_state_table(run, mini):
    result = run("state", "--date", "2015-01", "--scenario", mini)
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "id",
        "name",
        "kind",
        "country",
        "lon",
        "lat",
        "holder",
        "status",
        "by",
        "since",
        "sources",
    ]
    assert lines[1].split() == [
        "aleppo",
        "Aleppo",
        "city",
        "AA",
        "37.16",
        "36.2",
        "syrian-gov",
        "contested",
        "rebels",
        "2015-01-01",
        "test-report-2015",
    ]


def test_help_explains_partial_dates(run):
    result = run("render", "--help")
    assert "a partial date means the end of its period" in " ".join(result.output.split())


def test_the_geomap_process_ends_with_its_output_written_and_its_exit_status(mini, tmp_path):
    """`geomap` ends its process at once after a command (no teardown of every object): what
    it printed still reaches a pipe, the file is whole, and the exit status is the command's."""
    import subprocess
    import sys

    def geomap(*args):
        return subprocess.run(
            [sys.executable, "-m", "geomap", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )

    done = geomap("render", "-d", "2017-11", "-s", mini, "--size", "400x300", "-o", "m.png")
    assert (done.returncode, done.stdout) == (0, "m.png\n")
    with Image.open(tmp_path / "m.png") as image:
        assert image.size == (400, 300)
        image.load()
    outside = geomap("render", "-d", "2030-01", "-s", mini, "-o", "n.png")
    assert outside.returncode == 1 and "outside the covered range" in outside.stderr
    assert not (tmp_path / "n.png").exists()
    assert geomap("render", "-d", "20x").returncode == 2
