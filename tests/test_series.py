"""Series: dates, file names, skipping, reproducibility, extras, workers and Dask."""

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from geomap.domain.dates import parse_period
from geomap.errors import InputError
from geomap.scenario.load import load_scenario
from geomap.series.plan import check_name_template, frame_name, series_dates


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


@pytest.fixture(scope="module")
def timeline():
    from conftest import MINI

    return load_scenario(MINI / "scenario.yaml").timeline


def test_change_mode_gives_the_start_and_every_day_something_changed(timeline):
    days = series_dates(timeline, parse_period("2015-01"), parse_period("2017-11"), "change")
    assert days == [date(2015, 1, 31), date(2017, 10, 17), date(2017, 11, 30)]


def test_monthly_series_ends_each_month(timeline):
    days = series_dates(timeline, parse_period("2016-01"), parse_period("2016-03"), "month")
    assert days == [date(2016, 1, 31), date(2016, 2, 29), date(2016, 3, 31)]


@pytest.mark.parametrize("every", ["day", "week", "month", "quarter", "year", "change"])
def test_the_first_frame_is_from_and_the_last_is_to_for_every_step(timeline, every):
    days = series_dates(timeline, parse_period("2015-01"), parse_period("2017-11"), every)
    assert (days[0], days[-1]) == (date(2015, 1, 31), date(2017, 11, 30))
    assert days == sorted(set(days))


def test_a_quarterly_series_keeps_the_january_peak_and_the_november_end(timeline):
    days = series_dates(timeline, parse_period("2015-01"), parse_period("2017-11"), "quarter")
    assert days[:3] == [date(2015, 1, 31), date(2015, 4, 30), date(2015, 7, 31)]
    assert days[-2:] == [date(2017, 10, 31), date(2017, 11, 30)]


def test_a_weekly_series_never_starts_before_from(timeline):
    days = series_dates(timeline, parse_period("2015-01"), parse_period("2015-03"), "week")
    assert days[:2] == [date(2015, 1, 31), date(2015, 2, 7)]
    assert days[-1] == date(2015, 3, 31)


def test_change_mode_ends_on_to_even_when_nothing_changed_that_day(timeline):
    days = series_dates(timeline, parse_period("2015-01"), parse_period("2017-10-20"), "change")
    assert days == [date(2015, 1, 31), date(2017, 10, 17), date(2017, 10, 20)]


def test_a_series_outside_the_range_names_the_range(timeline):
    with pytest.raises(InputError, match="outside the covered range 2015-01-01 to 2017-11-30"):
        series_dates(timeline, parse_period("2014-06"), parse_period("2015-06"), "month")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "../{date}.png",
            "name template '../{date}.png' gives '../2017-11-30.png', which is "
            "not a plain file name inside the output folder",
        ),
        (
            "/tmp/{date}.png",
            "name template '/tmp/{date}.png' gives '/tmp/2017-11-30.png', which "
            "is not a plain file name inside the output folder",
        ),
        (
            "sub/{date}.png",
            "name template 'sub/{date}.png' gives 'sub/2017-11-30.png', which is "
            "not a plain file name inside the output folder",
        ),
        (
            "..\\{date}.png",
            "name template '..\\{date}.png' gives '..\\2017-11-30.png', which is "
            "not a plain file name inside the output folder",
        ),
        (
            "{date}.svg",
            "name template '{date}.svg' gives '2017-11-30.svg', which does not end in .png",
        ),
    ],
)
def test_hostile_name_templates_are_refused(template, message):
    with pytest.raises(InputError) as raised:
        frame_name(template, date(2017, 11, 30), 1, "png")
    assert str(raised.value) == message


def test_templates_must_tell_frames_apart_and_use_known_fields():
    with pytest.raises(InputError, match=r"must contain \{date\} or \{index\}"):
        check_name_template("map.png")
    with pytest.raises(InputError, match=r"unknown field '\{name\}'"):
        check_name_template("{name}.png")


def test_index_names(timeline):
    assert frame_name("frame-{index}.{format}", date(2017, 1, 1), 7, "png") == "frame-0007.png"


SIZE = ("--size", "640x480", "--dpi", "50")  # at 400x300 the legend would hide the map


def batch(run, mini, out, *extra):
    return run(
        "batch",
        "--from",
        "2015-01",
        "--to",
        "2015-04",
        "--scenario",
        mini,
        "--out",
        out,
        *SIZE,
        "--workers",
        "1",
        *extra,
    )


def test_batch_writes_one_frame_per_month_and_prints_the_paths(run, mini, tmp_path):
    out = tmp_path / "frames"
    result = batch(run, mini, out)
    assert result.exit_code == 0, result.output
    names = [Path(line).name for line in result.stdout.splitlines()]
    assert names == [f"geomap-2015-{m}.png" for m in ("01-31", "02-28", "03-31", "04-30")]
    assert {pixels(out / name).shape for name in names} == {(480, 640, 3)}


def test_frames_that_are_up_to_date_are_skipped_unless_forced(run, mini, tmp_path):
    out = tmp_path / "frames"
    batch(run, mini, out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.png")}
    again = batch(run, mini, out)
    assert "4 of 4 frames were up to date" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.png")} == stamps
    (out / "geomap-2015-02-28.png").unlink()
    third = batch(run, mini, out)
    assert "3 of 4 frames were up to date" in third.stderr
    assert (out / "geomap-2015-02-28.png").exists()
    forced = batch(run, mini, out, "--force")
    assert "up to date" not in forced.stderr
    assert all(
        p.stat().st_mtime_ns != stamps[p.name]
        for p in out.glob("*.png")
        if p.name != "geomap-2015-02-28.png"
    )


def test_a_changed_snapshot_rerenders_only_the_frames_it_changes(run, mini, tmp_path):
    out = tmp_path / "frames"
    assert batch(run, mini, out).exit_code == 0
    snapshot = mini.parent / "snapshots" / "2015-03-15.yaml"
    snapshot.write_text("date: 2015-03-15\nsource: test-report-2015\ncontrol:\n  kobani: sdf\n")
    result = batch(run, mini, out)
    assert "2 of 4 frames were up to date" in result.stderr


MONTHS = ["2015-01-31", "2015-02-28", "2015-03-31", "2015-04-30"]


def test_a_series_is_reproducible(run, mini, tmp_path):
    for folder in ("a", "b"):
        result = batch(run, mini, tmp_path / folder, "--format", "svg")
        assert result.exit_code == 0, result.output
    firsts = sorted((tmp_path / "a").glob("*.svg"))
    assert [p.name for p in firsts] == [f"geomap-{day}.svg" for day in MONTHS]
    for first in firsts:
        assert first.read_bytes() == (tmp_path / "b" / first.name).read_bytes()


def test_fast_png_frames_match_the_ordinary_drawing(mini):
    """Speed never changes what is drawn: the cached-layer path differs from a full redraw only
    by rounding in anti-aliased edges of the blended labels and legend."""
    from geomap.products.map import draw_day, make_canvas
    from geomap.scenario.style import load_style

    scenario = load_scenario(mini)
    style = load_style(None)
    canvas = make_canvas(scenario, style, (500, 400), 100)
    for day in (date(2015, 1, 31), date(2017, 10, 17), date(2017, 11, 30)):
        draw_day(canvas, scenario, style, day)
        fast = canvas.fast_rgba().astype(int)
        difference = np.abs(fast - canvas.to_rgba().astype(int)).max(axis=2)
        assert difference.max() <= 2
        assert (difference > 0).mean() < 0.1


def test_a_month_without_a_change_redraws_only_its_date(mini, monkeypatch):
    """Nothing changed hands between January and March 2015 in the mini scenario: the March
    frame reuses January's markers, areas and pixels and draws only its title."""
    from geomap.products.map import draw_day, make_canvas
    from geomap.render.areas import AreasLayer
    from geomap.render.markers import MarkersLayer
    from geomap.scenario.style import load_style

    scenario = load_scenario(mini)
    style = load_style(None)
    canvas = make_canvas(scenario, style, (500, 400), 100)
    draw_day(canvas, scenario, style, date(2015, 1, 31))
    january = canvas.fast_rgba().copy()

    redrawn = []
    areas, markers = AreasLayer.draw, MarkersLayer.draw
    monkeypatch.setattr(AreasLayer, "draw", lambda *a: redrawn.append("areas") or areas(*a))
    monkeypatch.setattr(MarkersLayer, "draw", lambda *a: redrawn.append("markers") or markers(*a))
    draw_day(canvas, scenario, style, date(2015, 3, 31))
    assert redrawn == []
    title = next(t for t in canvas.figure.texts if t.get_gid() == "title")
    assert title.get_text() == "Mini scenario, 31 March 2015"
    march = canvas.fast_rgba().copy()
    full = canvas.to_rgba()
    difference = np.abs(march.astype(int) - full.astype(int)).max(axis=2)
    assert difference.max() <= 2 and (difference > 0).mean() < 0.1
    changed_rows = np.flatnonzero((march != january).any(axis=(1, 2)))
    assert len(changed_rows) > 0 and changed_rows.max() < 0.1 * 400  # the title, at the top

    draw_day(canvas, scenario, style, date(2017, 11, 30))  # Raqqa changed hands: all redrawn
    assert redrawn == ["areas", "markers"]
    difference = np.abs(canvas.fast_rgba().astype(int) - canvas.to_rgba().astype(int)).max(axis=2)
    assert difference.max() <= 2 and (difference > 0).mean() < 0.1


def test_a_foreign_file_in_the_way_stops_the_batch_before_anything_is_written(run, mini, tmp_path):
    out = tmp_path / "frames"
    out.mkdir()
    (out / "geomap-2015-03-31.png").write_text("not ours")
    result = batch(run, mini, out)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "geomap-2015-03-31.png: exists and was not written by geomap; "
        "refusing to overwrite it (use --force)\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["geomap-2015-03-31.png"]


def test_an_interrupted_batch_leaves_no_partial_file_and_resumes(run, mini, tmp_path, monkeypatch):
    from geomap.render import canvas as render

    out = tmp_path / "frames"
    original = render.MapCanvas.save_png_fast
    calls = []

    def interrupted(self, path):
        calls.append(path)
        if len(calls) == 3:

            def explode(temp):
                temp.write_bytes(b"half a PNG")
                raise KeyboardInterrupt

            return render.write_atomically(path, explode)
        return original(self, path)

    monkeypatch.setattr(render.MapCanvas, "save_png_fast", interrupted)
    result = batch(run, mini, out)
    assert result.exit_code == 1  # click's Abort
    assert sorted(p.name for p in out.iterdir()) == [
        ".geomap-manifest.json",
        "geomap-2015-01-31.png",
        "geomap-2015-02-28.png",
    ]
    monkeypatch.setattr(render.MapCanvas, "save_png_fast", original)
    resumed = batch(run, mini, out)
    assert resumed.exit_code == 0
    assert "2 of 4 frames were up to date" in resumed.stderr
    assert len(list(out.glob("*.png"))) == 4


def test_animation_contact_sheet_and_report(run, mini, tmp_path):
    out = tmp_path / "frames"
    result = batch(run, mini, out, "--animate", "gif", "--report", "--frame-duration", "0.25")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [Path(line).name for line in lines[4:]] == [
        "geomap-2015-01-31-to-2015-04-30.gif",
        "geomap-2015-01-31-to-2015-04-30-contact-sheet.png",
        "geomap-2015-01-31-to-2015-04-30-report.pdf",
    ]
    with Image.open(out / "geomap-2015-01-31-to-2015-04-30.gif") as gif:
        assert gif.n_frames == 4
        assert gif.size == (640, 480)
        assert gif.info["duration"] == 250
    report = (out / "geomap-2015-01-31-to-2015-04-30-report.pdf").read_bytes()
    assert report.count(b"/Type /Page\n") + report.count(b"/Type /Page ") >= 6


def gif_frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as gif:
        frames = []
        for number in range(gif.n_frames):
            gif.seek(number)
            frames.append(np.asarray(gif.convert("RGB")))
        return frames


def test_every_gif_frame_keeps_the_faction_colours_of_its_png(run, mini, tmp_path):
    out = tmp_path / "frames"
    result = batch(run, mini, out, "--animate", "gif", "--size", "800x600", "--dpi", "100")
    assert result.exit_code == 0, result.output
    pngs = sorted(out.glob("geomap-2015-0?-??.png"))
    gif = gif_frames(out / "geomap-2015-01-31-to-2015-04-30.gif")
    factions = load_scenario(mini).factions.values()
    colours = [tuple(int(f.colour[i : i + 2], 16) for i in (1, 3, 5)) for f in factions]
    assert len(gif) == len(pngs) == 4
    for png, frame in zip(pngs, gif, strict=True):
        expected = pixels(png)[..., :3]
        for colour in colours:
            where = (expected == colour).all(axis=-1)
            assert where.sum() > 20, colour  # every faction is on the map
            assert (frame[where] == colour).all(), (png.name, colour)
        assert np.abs(frame.astype(int) - expected).mean() < 0.5


def test_mp4(run, mini, tmp_path):
    out = tmp_path / "frames"
    result = batch(run, mini, out, "--animate", "mp4", "--no-contact-sheet")
    assert result.exit_code == 0, result.output
    video = (out / "geomap-2015-01-31-to-2015-04-30.mp4").read_bytes()
    assert video[4:8] == b"ftyp"


def test_two_worker_processes_give_the_same_frames(run, mini, tmp_path):
    serial = batch(run, mini, tmp_path / "serial")
    parallel = run(
        "batch",
        "--from",
        "2015-01",
        "--to",
        "2015-04",
        "--scenario",
        mini,
        "--out",
        tmp_path / "parallel",
        *SIZE,
        "--workers",
        "2",
    )
    assert serial.exit_code == parallel.exit_code == 0, serial.output + parallel.output
    frames = sorted((tmp_path / "serial").glob("*.png"))
    assert [p.name for p in frames] == [f"geomap-{day}.png" for day in MONTHS]
    for frame in frames:
        assert np.array_equal(pixels(frame), pixels(tmp_path / "parallel" / frame.name))


def test_frames_can_be_sent_to_a_dask_cluster(run, mini, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        result = run(
            "batch",
            "--from",
            "2015-01",
            "--to",
            "2015-03",
            "--scenario",
            mini,
            "--out",
            tmp_path / "dask",
            *SIZE,
            "--scheduler",
            cluster.scheduler_address,
        )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "dask").glob("*.png")) == [
        "geomap-2015-01-31.png",
        "geomap-2015-02-28.png",
        "geomap-2015-03-31.png",
    ]


def test_a_cluster_that_stays_up_renders_an_edited_snapshot_afresh(run, mini, tmp_path):
    """Workers keep their loaded scenario and canvas by the digest of the files' contents, not
    by path: after a snapshot is edited the same cluster draws the new data."""
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "dask"

    def dask_batch(address):
        result = run(
            "batch", "--from", "2015-01", "--to", "2015-02", "--scenario", mini, "--out", out,
            *SIZE, "--scheduler", address,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return {p.name: pixels(p) for p in sorted(out.glob("*.png"))}

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        before = dask_batch(cluster.scheduler_address)
        snapshot = mini.parent / "snapshots" / "2015-01-01.yaml"
        snapshot.write_text(snapshot.read_text().replace("  raqqa: isis", "  raqqa: sdf"))
        after = dask_batch(cluster.scheduler_address)
    fresh = batch(run, mini, tmp_path / "fresh")
    assert fresh.exit_code == 0, fresh.output
    assert list(after) == ["geomap-2015-01-31.png", "geomap-2015-02-28.png"]
    for name, frame in after.items():
        assert not np.array_equal(frame, before[name])  # Raqqa changed colour
        assert np.array_equal(frame, pixels(tmp_path / "fresh" / name))


def test_the_default_monthly_series_gives_35_frames_a_gif_and_a_contact_sheet(run, tmp_path):
    out = tmp_path / "series"
    result = run(
        "batch",
        "--from",
        "2015-01",
        "--to",
        "2017-11",
        "--every",
        "month",
        "--animate",
        "gif",
        "--size",
        "320x240",
        "--dpi",
        "40",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    frames = sorted(out.glob("geomap-20??-??-??.png"))
    assert len(frames) == 35
    assert {pixels(frame).shape for frame in frames} == {(240, 320, 3)}
    with Image.open(out / "geomap-2015-01-31-to-2017-11-30.gif") as gif:
        assert gif.n_frames == 35
    assert (out / "geomap-2015-01-31-to-2017-11-30-contact-sheet.png").stat().st_size > 0


def test_an_interrupted_parallel_batch_leaves_no_partial_file_and_resumes(
    run, mini, tmp_path, monkeypatch
):
    from geomap.series import run as batch_module

    real = batch_module.write_manifest
    recorded = []

    def interrupted(folder, manifest):  # Ctrl-C once the workers are at work
        recorded.append(len(manifest))
        if len(recorded) == 3:
            raise KeyboardInterrupt
        real(folder, manifest)

    monkeypatch.setattr(batch_module, "write_manifest", interrupted)
    out = tmp_path / "frames"

    def year_in_two_workers():
        return run(
            "batch",
            "--from",
            "2015-01",
            "--to",
            "2015-12",
            "--scenario",
            mini,
            "--out",
            out,
            *SIZE,
            "--workers",
            "2",
        )

    result = year_in_two_workers()
    assert result.exit_code == 1  # click's Abort
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))
    for frame in out.glob("*.png"):
        assert pixels(frame).shape == (480, 640, 3)  # every file there is whole
    monkeypatch.setattr(batch_module, "write_manifest", real)
    resumed = year_in_two_workers()
    assert resumed.exit_code == 0
    assert len(list(out.glob("geomap-2015-*.png"))) == 12


def test_the_contact_sheet_is_small_multiples_cropped_to_the_focus_countries(mini):
    from geomap.products.contact import build_contact_sheet
    from geomap.scenario.style import load_style

    scenario = load_scenario(mini)
    days = [date(2015, 1, 31), date(2016, 1, 31), date(2017, 10, 31), date(2017, 11, 30)]
    figure = build_contact_sheet(scenario, load_style(scenario.style_path), days)
    panels = figure.axes
    assert [ax.get_gid() for ax in panels] == [f"panel-{d.isoformat()}" for d in days]
    # one title, one legend and one credit line for the sheet; each panel only its date
    assert [t.get_gid() for t in figure.texts] == ["title", "credit"]
    assert len(figure.legends) == 1
    assert all(ax.get_legend() is None for ax in panels)
    dates = [[t.get_text() for t in ax.texts if t.get_gid() == "title"] for ax in panels]
    assert dates == [
        ["31 January 2015"],
        ["31 January 2016"],
        ["31 October 2017"],
        ["30 November 2017"],
    ]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "SDF / YPG" in legend and "Islamic State (ISIS)" in legend
    # cropped to the focus country (AA: Alphaland), not the scenario's whole extent
    from geomap.render.canvas import MapCanvas

    full = MapCanvas(
        style=load_style(None),
        factions=scenario.factions,
        basemap={},
        projection=scenario.projection,
        extent_lonlat=scenario.extent_lonlat,
    )
    assert np.ptp(panels[0].get_xlim()) < 0.8 * np.ptp(full.ax.get_xlim())
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    width, height = figure.bbox.width, figure.bbox.height
    for text in [*figure.texts, *(t for ax in panels for t in ax.texts)]:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width and box.y0 >= 0 and box.y1 <= height


@pytest.mark.parametrize(
    ("module", "options", "message"),
    [
        ("imageio_ffmpeg", ("--animate", "mp4"), "--animate mp4 needs imageio_ffmpeg: "
         "pip install 'geomap[mp4]'"),
        ("distributed", ("--scheduler", "tcp://127.0.0.1:9"), "--scheduler needs Dask: "
         "pip install 'geomap[dask]'"),
    ],
)  # fmt: skip
def test_a_missing_extra_is_one_line_naming_what_to_install(
    run, mini, tmp_path, monkeypatch, module, options, message
):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    out = tmp_path / "frames"
    result = batch(run, mini, out, *options)
    assert result.exit_code == 1
    assert result.stderr == f"{message}\n"
    assert not list(out.glob("*.png"))  # refused before drawing anything
