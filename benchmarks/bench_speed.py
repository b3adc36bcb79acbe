"""Speed of geomap against the straightforward way of drawing the same maps.

Prints a table: start-up, one map (whole process), per-frame time of a 35-frame monthly series
for a naive loop (new pyplot figure per frame, every layer with GeoDataFrame.plot, savefig) and
for geomap (serial and with two worker processes), frames per second, peak memory, and ratios.
Ratios are what to compare: the machines are shared and noisy. "Per frame after start-up" is
(time of the 35-frame `geomap batch` − time of a 1-frame one) / 34: the cost of one more frame,
as the naive loop's per-frame time is (its imports are not counted either).

geomap's processes use a cache folder of their own (removed at the end), as a user's second run
would: filled by a first, untimed run of the same command. The same commands with the cache off
(``GEOMAP_CACHE_DIR=off``: everything parsed, projected and estimated afresh) are timed too.

    python benchmarks/bench_speed.py [--frames 35] [--repeat 3] [--memory-frames 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
NO_CACHE = {**ENV, "GEOMAP_CACHE_DIR": "off"}


CPU: dict[str, float] = {}  # least CPU time (user + system, every process) of a timed command


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], cwd: str | None = None, env: dict | None = None) -> float:
    """Run ``command``; its wall-clock seconds (its CPU seconds go to :data:`CPU` by name)."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd, env=env or ENV)
    wall = time.perf_counter() - start
    name = " ".join(command[1:]) + (" (cache off)" if env is NO_CACHE else "")
    CPU[name] = min(CPU.get(name, float("inf")), children_cpu() - cpu)
    return wall


def best_of(
    command: list[str], repeat: int, cwd: str | None = None, env: dict | None = None
) -> float:
    return min(run(command, cwd, env) for _ in range(repeat))


def geomap_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "geomap", *args]


def naive_series(days: list[date], out: Path) -> float:
    """The baseline: the same map content drawn the straightforward way. For every frame: read
    and project the layers, build a new pyplot figure, plot every layer (basemap, estimated
    areas, places) with GeoDataFrame.plot, label the places with a halo, add a legend and a
    title, savefig."""
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    from shapely.geometry import Point

    from geomap.products.map import resolve
    from geomap.scenario.load import load_scenario
    from geomap.scenario.project import Project
    from geomap.scenario.style import load_style
    from geomap.territory.areas import estimate_on

    scenario = load_scenario()
    style = load_style(scenario.style_path)
    model = Project.of(scenario).territory
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    start = time.perf_counter()
    for day in days:
        layers = {name: gpd.read_file(path) for name, path in scenario.basemap.items()}
        layers = {name: layer.to_crs(scenario.projection) for name, layer in layers.items()}
        places = resolve(scenario, day, style)
        territory = estimate_on(scenario, model, day)
        areas = gpd.GeoDataFrame(
            {"colour": [scenario.factions[f].colour for f in territory.held]},
            geometry=list(territory.held.values()),
            crs=scenario.projection,
        )
        frame = gpd.GeoDataFrame(
            {
                "name": [p.place.name for p in places],
                "rank": [p.place.rank for p in places],
                "colour": [
                    scenario.factions[p.state.holder].colour if p.state.holder else "#ffffff"
                    for p in places
                ],
            },
            geometry=[Point(p.place.lonlat) for p in places],
            crs="EPSG:4326",
        ).to_crs(scenario.projection)
        width, height = style.size_px
        fig, ax = plt.subplots(figsize=(width / style.dpi, height / style.dpi))
        layers["countries"].plot(ax=ax, color=style.colours["land"], edgecolor="#666666")
        layers["provinces"].plot(ax=ax, facecolor="none", edgecolor="#bbbbbb", linewidth=0.4)
        layers["lakes"].plot(ax=ax, color=style.colours["lake"])
        layers["rivers"].plot(ax=ax, color=style.colours["river"])
        if len(areas):
            areas.plot(ax=ax, color=areas["colour"], alpha=0.35)
        frame.plot(ax=ax, color=frame["colour"], markersize=40, edgecolor="white")
        for point, name, rank in zip(frame.geometry, frame["name"], frame["rank"], strict=True):
            if rank <= style.label_max_rank:
                ax.annotate(
                    name,
                    (point.x, point.y),
                    fontsize=7,
                    xytext=(4, 2),
                    textcoords="offset points",
                    path_effects=halo,
                )
        handles = [
            Line2D([], [], marker="o", linestyle="none", markerfacecolor=f.colour)
            for f in scenario.factions.values()
        ]
        ax.legend(handles, [f.name for f in scenario.factions.values()], loc="lower left")
        ax.set_title(f"{scenario.title}, {day.isoformat()}")
        ax.set_axis_off()
        fig.savefig(out / f"naive-{day.isoformat()}.png", dpi=style.dpi)
        plt.close(fig)
    return (time.perf_counter() - start) / len(days)


def geomap_series_in_process(days: list[date], out: Path) -> float:
    from geomap.products.map import draw_day, make_canvas
    from geomap.scenario.load import load_scenario
    from geomap.scenario.style import load_style

    start = time.perf_counter()
    scenario = load_scenario()
    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style)
    for day in days:
        draw_day(canvas, scenario, style, day)
        canvas.save_png_fast(out / f"fast-{day.isoformat()}.png")
    return (time.perf_counter() - start) / len(days)


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def memory_run(frames: int, out: Path) -> tuple[float, float, float]:
    """RSS after 10% of the frames, after all of them, and the peak (MB)."""
    from datetime import timedelta

    from geomap.products.map import draw_day, make_canvas
    from geomap.scenario.load import load_scenario
    from geomap.scenario.style import load_style

    scenario = load_scenario()
    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style)
    first = scenario.timeline.first_day
    early = None
    for number in range(frames):
        day = first + timedelta(days=number * 5)
        draw_day(canvas, scenario, style, min(day, scenario.timeline.last_day))
        canvas.save_png_fast(out / "memory.png")
        if number == frames // 10:
            early = rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    return early, rss_mb(), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=35)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-frames", type=int, default=200)
    args = parser.parse_args()

    days = monthly_days(args.frames)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        ENV["GEOMAP_CACHE_DIR"] = os.environ["GEOMAP_CACHE_DIR"] = str(out / "cache")
        python_bare = best_of([sys.executable, "-c", "pass"], args.repeat)
        help_time = best_of(geomap_command("--help"), args.repeat)
        render_help = best_of(geomap_command("render", "--help"), args.repeat)
        heavy_import = best_of(
            [sys.executable, "-c", "import geopandas, matplotlib.pyplot"], args.repeat
        )
        render = geomap_command("render", "--date", "2017-11", "--force")
        best_of(render, 1, cwd=folder)  # fills the cache
        one_map = best_of(render, args.repeat, cwd=folder)
        one_map_cold = best_of(render, args.repeat, cwd=folder, env=NO_CACHE)
        rows += [
            ("python -c pass", python_bare, ""),
            ("geomap --help", help_time, "target < 0.3 s"),
            ("geomap render --help", render_help, "target < 0.3 s"),
            ("import geopandas, matplotlib.pyplot", heavy_import, "reference"),
            (
                "geomap render --date 2017-11 (process)",
                one_map,
                f"{one_map / heavy_import:.2f}x the reference (target <= 1.5x)",
            ),
            (
                "  the same, cache off",
                one_map_cold,
                f"{one_map_cold / heavy_import:.2f}x the reference",
            ),
        ]

        def batch_seconds(first: date, last: date, folder: str, env: dict = ENV) -> float:
            return run(
                geomap_command(
                    "batch",
                    "--from",
                    first.isoformat(),
                    "--to",
                    last.isoformat(),
                    "--every",
                    "month",
                    "--out",
                    str(out / folder),
                    "--workers",
                    "2",
                    "--quiet",
                ),
                env=env,
            )

        naive_command = [sys.executable, __file__, "--naive-process", str(out), str(len(days))]
        naive_whole = run(naive_command)
        batch_seconds(days[0], days[-1], "batch-warm-up")  # fills the cache
        naive = naive_series(days, out)
        serial = geomap_series_in_process(days, out)
        whole = batch_seconds(days[0], days[-1], "batch-a")
        whole_cold = batch_seconds(days[0], days[-1], "batch-cold", NO_CACHE)
        one_frame = min(batch_seconds(days[0], days[0], f"batch-one-{n}") for n in range(3))
        marginal = (whole - one_frame) / (len(days) - 1)
        rows += [
            (f"naive loop, per frame ({len(days)} frames)", naive, "baseline"),
            (
                "geomap, one process, per frame",
                serial,
                f"{naive / serial:.1f}x faster, {1 / serial:.1f} frames/s",
            ),
            (
                f"geomap batch -j 2, {len(days)} frames, whole process",
                whole / len(days),
                f"{naive / (whole / len(days)):.1f}x faster (start-up included)",
            ),
            (f"naive loop, {len(days)} frames, whole process", naive_whole, "baseline"),
            (
                f"geomap batch -j 2, {len(days)} frames, whole process",
                whole,
                f"{naive_whole / whole:.1f}x faster as whole processes (target >= 10x)",
            ),
            (
                "  the same, cache off",
                whole_cold,
                f"{naive_whole / whole_cold:.1f}x faster as whole processes",
            ),
            (
                "geomap batch -j 2, per frame after start-up",
                marginal,
                f"{naive / marginal:.1f}x faster, {1 / marginal:.1f} frames/s",
            ),
        ]
        if args.memory_frames > 0:
            early, late, peak = memory_run(args.memory_frames, out)

        def cpu(command: list[str]) -> float:
            return CPU[" ".join(command[1:])]

        reference = [sys.executable, "-c", "import geopandas, matplotlib.pyplot"]
        batch_a = next(
            name for name in CPU if name.endswith(str(out / "batch-a") + " --workers 2 --quiet")
        )
        cpu_rows = [
            (
                "geomap render --date 2017-11 (process)",
                cpu(render),
                f"{cpu(render) / cpu(reference):.2f}x the reference's {cpu(reference):.3f} s",
            ),
            (
                f"geomap batch -j 2, {len(days)} frames (all processes)",
                CPU[batch_a],
                f"{cpu(naive_command) / CPU[batch_a]:.1f}x less than the naive loop's "
                f"{cpu(naive_command):.1f} s",
            ),
        ]
    print(f"{'measure':48} {'seconds':>9}  note")
    for name, seconds, note in rows:
        print(f"{name:48} {seconds:9.3f}  {note}")
    print(f"{'CPU time (user + system), least of the runs':48} {'seconds':>9}  note")
    for name, seconds, note in cpu_rows:
        print(f"{name:48} {seconds:9.3f}  {note}")
    if args.memory_frames > 0:  # --memory-frames 0 skips the memory run (it takes a while)
        print(
            f"{'memory, ' + str(args.memory_frames) + '-frame series':48} "
            f"RSS {early:.0f} MB after 10% of frames, {late:.0f} MB at the end, "
            f"peak {peak:.0f} MB"
        )


def monthly_days(frames: int) -> list[date]:
    from geomap.domain.dates import step_dates

    return list(step_dates(date(2015, 1, 1), date(2017, 11, 30), "month"))[:frames]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--naive-process"]:  # the naive loop as a whole process, imports too
        naive_series(monthly_days(int(sys.argv[3])), Path(sys.argv[2]))
    else:
        main()
