"""The Python API: ``geomap.open()`` gives the same answers as the command line, as (Geo)DataFrames
and matplotlib figures, and the same located errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import geomap
from geomap.errors import InputError

README = Path(__file__).resolve().parents[1] / "README.md"


def message(action) -> str:
    with pytest.raises(InputError) as raised:
        action()
    return str(raised.value)


def cli_json(run, *args) -> list[dict]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_state_is_a_geodataframe_of_the_state_records(run, mini):
    frame = geomap.open(mini).state("2017-10")
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [
        *("id", "name", "aliases", "kind", "country", "lon", "lat"),
        *("holder", "status", "by", "since", "sources", "geometry"),
    ]
    records = cli_json(run, "state", "--date", "2017-10", "--scenario", mini)
    assert list(frame.id) == [r["id"] for r in records]
    for row, record in zip(frame.itertuples(), records, strict=True):
        assert (row.geometry.x, row.geometry.y) == (record["lon"], record["lat"])
        assert row.sources == record["sources"]
        assert row.status == record["status"]
    raqqa = frame.set_index("id").loc["raqqa"]
    assert (raqqa.holder, raqqa.since.date()) == ("sdf", date(2017, 10, 17))


def test_territory_has_the_km2_of_geomap_area(run, mini):
    frame = geomap.open(mini).territory(date(2015, 1, 31))
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == ["faction", "status", "area_km2", "population", "geometry"]
    assert set(frame.geometry.geom_type) == {"MultiPolygon"}
    records = cli_json(run, "area", "--from", "2015-01", "--to", "2015-01", "--scenario", mini)
    held = frame[frame.status == "held"].set_index("faction").area_km2.to_dict()
    assert held == pytest.approx(
        {r["faction"]: r["held_km2"] for r in records if r["held_km2"]}, rel=0.01
    )


def test_changes_are_the_diff_rows(run, mini):
    frame = geomap.open(mini).changes("2015-01", "2017-11")
    records = cli_json(run, "diff", "2015-01", "2017-11", "--scenario", mini)
    plain = frame.astype(object).where(frame.notna(), None)  # pandas reads None as NaN
    assert plain.to_dict("records") == records
    assert list(frame.id) == ["deir-ez-zor", "raqqa", "aleppo"]


def test_render_gives_the_figure_geomap_render_writes(run, mini, tmp_path):
    from matplotlib.figure import Figure
    from PIL import Image

    figure = geomap.open(mini).render("2017-11", size=(400, 300), dpi=50)
    assert isinstance(figure, Figure)
    figure.canvas.draw()
    drawn = np.asarray(figure.canvas.buffer_rgba())[:, :, :3]
    result = run("render", "--date", "2017-11", "-s", mini, "--size", "400x300", "--dpi", "50")
    assert result.exit_code == 0
    written = np.asarray(Image.open(Path.cwd() / result.stdout.strip()).convert("RGB"))
    assert drawn.shape == written.shape == (300, 400, 3)
    assert np.array_equal(drawn, written)


def test_errors_are_the_located_input_errors_of_the_command_line(mini, tmp_path):
    scenario = geomap.open(mini)
    assert message(lambda: scenario.state("2019")) == (
        "date 2019 is outside the covered range 2015-01-01 to 2017-11-30"
    )
    assert message(lambda: scenario.territory("2017-13")) == (
        "invalid date '2017-13': month 13 is not 01-12"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: x\nfactions: [\n")
    assert re.fullmatch(r".*broken\.yaml:\d+:\d+: .+", message(lambda: geomap.open(broken)))


def test_the_readme_example_runs_and_prints_what_it_says(tmp_path, monkeypatch, capsys):
    section = README.read_text().split("### Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    expected = re.findall(r"print\(.*\)\s+# (.*)", code)
    assert (
        capsys.readouterr().out.splitlines()
        == expected
        == ["sdf 2017-10-17", "4326 ['contested', 'held']"]
    )
    assert (tmp_path / "november-2017.png").stat().st_size > 0


def modules_loaded(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(sorted({{m.split('.')[0] for m in sys.modules}}))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(eval(result.stdout.strip().splitlines()[-1]))


def test_help_and_render_import_neither_geopandas_nor_pyogrio(mini, tmp_path):
    heavy = {"geopandas", "pyogrio", "pandas"}
    assert not heavy & modules_loaded("import geomap")
    help_run = "from geomap.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass"
    assert not heavy & modules_loaded(help_run)
    render_run = (
        "from geomap.cli import cli\n"
        f"cli(['render', '--date', '2017-11', '--scenario', {str(mini)!r}, '--size', '400x300',"
        f" '--dpi', '50', '--out', {str(tmp_path / 'm.png')!r}], standalone_mode=False)"
    )
    assert not {"geopandas", "pyogrio"} & modules_loaded(render_run)
    assert "geopandas" in modules_loaded("import geomap\ngeomap.open().state('2016')")
    export_run = (
        "from geomap.cli import cli\n"
        f"cli(['export', '--date', '2017-11', '--scenario', {str(mini)!r},"
        f" '--out', {str(tmp_path / 'p.gpkg')!r}], standalone_mode=False)"
    )
    assert "pyogrio" in modules_loaded(export_run)


def test_the_command_skips_matplotlibs_artist_docstrings_and_draws_the_same_map(mini, tmp_path):
    """The `geomap` command skips building matplotlib's ``Artist.set`` docstrings (only help()
    reads them); a library user's matplotlib keeps them, and the map is the same pixels."""
    import numpy as np
    from PIL import Image

    probe = (
        "import sys, geomap\n"
        "geomap.COMMAND_LINE = sys.argv[1] == 'command'\n"
        "import geomap.render\n"
        "from matplotlib.lines import Line2D\n"
        "print(bool(Line2D.set.__doc__), Line2D.set._autogenerated_signature)"
    )
    outputs = {
        how: subprocess.run(
            [sys.executable, "-c", probe, how], capture_output=True, text=True, check=True
        ).stdout.split()
        for how in ("command", "library")
    }
    assert outputs == {"command": ["False", "True"], "library": ["True", "True"]}
    maps = []
    for how in ("command", "library"):
        out = tmp_path / f"{how}.png"
        command = ["render", "-d", "2017-11", "-s", str(mini), "--size", "400x300", "-o", str(out)]
        code = (
            "import sys, geomap\n"
            "from geomap.cli import cli, main\n"
            f"sys.argv = ['geomap', *{command!r}]\n"
            + ("main()" if how == "command" else "cli(sys.argv[1:], standalone_mode=False)")
        )
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
        maps.append(np.asarray(Image.open(out)))
    assert maps[0].shape == (300, 400, 3)
    assert np.array_equal(maps[0], maps[1])
