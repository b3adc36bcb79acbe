"""How geomap's time and memory grow with the number of places (synthetic scenarios).

For the bundled scenario (about 200 places) and for generated ones (benchmarks/synthetic.py:
N places, 1,000 snapshots one day apart, 20 changes each), prints one row per scenario: the
stages timed inside one process (load, validate, resolve, territory, draw) and the whole
`geomap render` and `geomap validate` processes, with each process's peak resident memory;
then the ratios the issue asks for. The machine is shared: compare the ratios of one run, not
seconds across runs.

    python benchmarks/bench_growth.py [--places 85,500,1000,2000,5000] [--snapshots 1000]
                                      [--changes 20] [--repeat 1]

Stages (one process, in this order, each after the ones before it):
  load       load_scenario (parse and check every file, build the timeline)
  validate   load_scenario(check_everything=True): also the style and the basemap
  resolve    every place's state on the date
  territory  the territory model of the scenario and its estimate on the date
  draw       read and project the basemap, draw the map (labels too), write the PNG
The stages and the `render`/`validate` columns run without the scenario cache (every file
parsed); the "cached" columns run the same command again once the cache holds the scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
BUNDLED = ROOT / "configs" / "isis-2014-2017.yaml"


def run_process(command: list[str], cwd: str, cache: str = "off") -> tuple[float, float, str]:
    """Wall time (s) and peak resident memory (MB) of one process, and its last error line."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**ENV, "GEOMAP_CACHE_DIR": cache},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    failure = ""
    if process.returncode:
        lines = [line for line in stderr.splitlines() if line.strip()]
        failure = lines[-1][:100] if lines else f"exit {process.returncode}"
    return elapsed, usage.ru_maxrss / 1024, failure


def best_process(
    command: list[str], cwd: str, repeat: int, cache: str = "off"
) -> tuple[float, float, str]:
    runs = [run_process(command, cwd, cache) for _ in range(repeat)]
    return min(runs, key=lambda run: run[0])


def stages(scenario_path: str, period_text: str, out: str) -> None:
    """The worker: time each stage in this process, print them as JSON."""
    import resource

    from geomap.domain.dates import parse_period
    from geomap.products.map import draw_day, make_canvas, resolve
    from geomap.scenario.load import load_scenario
    from geomap.scenario.project import Project
    from geomap.scenario.style import load_style
    from geomap.territory.areas import estimate_on

    times: dict[str, float | str] = {}

    def timed(name, work):
        start = time.perf_counter()
        try:
            result = work()
        except Exception as error:
            times[name] = f"failed: {type(error).__name__}: {str(error)[:60]}"
            return None
        times[name] = time.perf_counter() - start
        return result

    scenario = timed("load", lambda: load_scenario(scenario_path))
    if scenario is None:
        print(json.dumps(times))
        return
    timed("validate", lambda: load_scenario(scenario_path, check_everything=True))
    style = load_style(scenario.style_path)
    day = scenario.timeline.as_of(parse_period(period_text))
    timed("resolve", lambda: resolve(scenario, day, style))
    project = Project.of(scenario)  # the model is built here and reused by the draw
    timed("territory", lambda: estimate_on(scenario, project.territory, day))

    def draw():
        canvas = make_canvas(scenario, style)
        draw_day(canvas, scenario, style, day)
        canvas.save(Path(out), "png")

    timed("draw", draw)
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(times))


def measure(label: str, scenario: Path, period: str, work: Path, repeat: int) -> dict:
    geomap = [sys.executable, "-m", "geomap"]
    png = str(work / f"{label}.png")
    row: dict = {"label": label}
    result = subprocess.run(
        [sys.executable, __file__, "--stages", str(scenario), period, png],
        env={**ENV, "GEOMAP_CACHE_DIR": "off"},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode or not lines:
        row["stages_failed"] = (result.stderr.strip().splitlines() or ["?"])[-1][:100]
    else:
        row.update(json.loads(lines[-1]))
    render = [*geomap, "render", "--scenario", str(scenario), "--date", period, "--force"]
    render = [*render, "--out", png]
    validate = [*geomap, "validate", "--scenario", str(scenario)]
    row["render"], row["render_mb"], row["render_failed"] = best_process(render, str(work), repeat)
    row["validate_process"], row["validate_mb"], row["validate_failed"] = best_process(
        validate, str(work), repeat
    )
    # again with the scenario cache (geomap.scenario.cache), filled by a first run
    cache = str(work / f"cache-{label}")
    for command, key in ((render, "render_warm"), (validate, "validate_warm")):
        run_process(command, str(work), cache)
        seconds, _, failed = best_process(command, str(work), repeat, cache)
        row[key] = "FAILED" if failed else seconds
    return row


def cell(value) -> str:
    if isinstance(value, str):
        return "FAILED"
    if value is None:
        return "-"
    return f"{value:.2f}"


def print_table(rows: list[dict]) -> None:
    header = (
        "| scenario | load | validate | resolve | territory | draw | peak MB (stages) "
        "| `render` | cached | peak MB | `validate` | cached |"
    )
    print(header)
    print("|" + "---|" * header.count(" | ") + "---|")
    for row in rows:
        cells = [cell(row.get(k)) for k in ("load", "validate", "resolve", "territory", "draw")]
        peak = f"{row['peak_mb']:.0f}" if "peak_mb" in row else "-"
        render = "FAILED" if row["render_failed"] else f"{row['render']:.2f}"
        validate = "FAILED" if row["validate_failed"] else f"{row['validate_process']:.2f}"
        print(
            f"| {row['label']} | {' | '.join(cells)} | {peak} | {render} "
            f"| {cell(row['render_warm'])} | {row['render_mb']:.0f} | {validate} "
            f"| {cell(row['validate_warm'])} |"
        )
    for row in rows:
        for key in ("stages_failed", "render_failed", "validate_failed"):
            if row.get(key):
                print(f"  {row['label']}: {key.replace('_', ' ')}: {row[key]}")
        for key in ("load", "validate", "resolve", "territory", "draw"):
            if isinstance(row.get(key), str):
                print(f"  {row['label']}: {key}: {row[key]}")


def print_ratios(rows: list[dict]) -> None:
    reference = rows[0]
    by_label = {row["label"]: row for row in rows}
    largest = rows[-1]
    if reference["render_failed"]:
        print("the bundled scenario failed to render: no ratios")
        return
    base = reference["render"]
    print()
    print(f"reference: bundled scenario, `geomap render` whole process {base:.2f} s")
    name = largest["label"]
    for key, what, asked in (
        ("validate_process", "`validate`", 3),
        ("validate_warm", "`validate`, cached", 3),
        ("render", "`render`", 2.5),
        ("render_warm", "`render`, cached", 2.5),
    ):
        failed = largest.get(key.replace("_process", "").replace("_warm", "") + "_failed")
        if isinstance(largest.get(key), float) and not failed:
            ratio = largest[key] / base
            print(f"{name}: {what} {ratio:.2f}x the bundled render (asked: <= {asked}x)")
    two, five = by_label.get("N=2000"), by_label.get("N=5000")
    if two and five and not (two["render_failed"] or five["render_failed"]):
        growth = five["render"] / two["render"]
        print(f"render 2,000 -> 5,000 places: {growth:.2f}x for 2.5x the places (linear: <= 2.5x)")
        for key in ("load", "validate", "resolve", "territory", "draw"):
            if isinstance(two.get(key), float) and isinstance(five.get(key), float):
                print(f"  {key}: {five[key] / max(two[key], 1e-9):.2f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", default="85,500,1000,2000,5000")
    parser.add_argument("--snapshots", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from datetime import timedelta

    from synthetic import FIRST_DAY, generate

    last_day = (FIRST_DAY + timedelta(days=args.snapshots - 1)).isoformat()
    print(
        f"geomap growth, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        "(a shared machine: compare ratios within this run)"
    )
    print(
        f"synthetic: {args.snapshots} snapshots one day apart, {args.changes} changes each, "
        f"seed {args.seed}; map of {last_day}; bundled: map of 2017-11; seconds, best of "
        f"{args.repeat}"
    )
    print()
    rows = []
    with tempfile.TemporaryDirectory(prefix="geomap-growth-") as tmp:
        work = Path(tmp)
        with open(ROOT / "data" / "places.geojson", encoding="utf-8") as handle:
            bundled = len(json.load(handle)["features"])
        rows.append(measure(f"bundled ({bundled})", BUNDLED, "2017-11", work, args.repeat))
        for count in (int(n) for n in args.places.split(",")):
            folder = work / f"n{count}"
            scenario = generate(folder, count, args.snapshots, args.changes, args.seed)
            rows.append(measure(f"N={count}", scenario, last_day, work, args.repeat))
            print(f"  measured N={count}", file=sys.stderr)
    print_table(rows)
    print_ratios(rows)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--stages":
        stages(*sys.argv[2:])
    else:
        main()
