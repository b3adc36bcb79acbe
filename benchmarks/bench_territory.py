"""What estimating the areas of control costs, next to drawing the map they go on.

Times, best of --repeat runs, on one date of the default scenario (or --scenario FILE):
building the territory model (once per scenario: Voronoi cells of places, settlements and the
desert lattice, country cuts),
resolving the date, estimating its areas, measuring them in km², and, for comparison, making the
canvas, drawing the day without and with the areas, and saving the PNG. Prints a table.

    python benchmarks/bench_territory.py [--date 2015-06] [--repeat 5] [--scenario FILE]

If the default scenario cannot be loaded yet (its data still missing), the mini test scenario is
used instead and the table says so.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MINI = ROOT / "tests" / "data" / "mini" / "scenario.yaml"


def best(function, repeat: int) -> tuple[float, object]:
    """The fastest of ``repeat`` calls, in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def fresh_cache(model) -> None:
    """Forget what ``model`` remembers between estimates (so the next one is a first one)."""
    from geomap.territory.cells import UnionCache

    model._unions = UnionCache()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2015-06", help="as-of date (default 2015-06)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scenario", default=None, help="scenario file (default: bundled)")
    args = parser.parse_args()

    from geomap.domain.dates import parse_period
    from geomap.errors import InputError
    from geomap.products.map import draw_day, make_canvas, resolve
    from geomap.scenario.load import load_scenario
    from geomap.scenario.style import load_style
    from geomap.territory.areas import territory_model

    note = ""
    try:
        load_time, scenario = best(lambda: load_scenario(args.scenario), 1)
    except InputError as error:
        if args.scenario is not None:
            raise
        first = str(error).splitlines()[0]
        note = f"default scenario not loadable yet ({first}); used the mini test scenario"
        load_time, scenario = best(lambda: load_scenario(MINI), 1)
    period = parse_period(args.date)
    try:
        day = scenario.timeline.as_of(period)
    except InputError:
        day = scenario.timeline.last_day
        note += f"{'; ' if note else ''}{args.date} outside the timeline: used {day}"
    style = load_style(scenario.style_path)

    model_time, model = best(lambda: territory_model(scenario), args.repeat)
    resolve_time, _ = best(lambda: resolve(scenario, day, style), args.repeat)
    states = scenario.timeline.state_at(day, scenario.places)

    def estimate_from_scratch():
        fresh_cache(model)  # the model remembers unions between frames;
        return model.estimate(states)  # measure the first estimate, not a cache hit

    estimate_time, territory = best(estimate_from_scratch, args.repeat)
    km2_time, areas = best(lambda: model.areas_km2(territory), args.repeat)
    canvas_time, canvas = best(lambda: make_canvas(scenario, style), 1)
    # the first draw places the labels and warms the text sizes (a map drawn from scratch)
    first_time, _ = best(lambda: draw_day(canvas, scenario, style, day, areas=False), 1)
    draw_day(canvas, scenario, style, day)  # warm the cached model
    plain_time, _ = best(lambda: draw_day(canvas, scenario, style, day, areas=False), args.repeat)
    areas_time, _ = best(lambda: draw_day(canvas, scenario, style, day), args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "frame.png"
        save_time, _ = best(lambda: canvas.save(out, "png"), args.repeat)

    vertices = sum(
        len(g.exterior.coords)
        for _, geom in territory.geometries()
        for g in getattr(geom, "geoms", [geom])
    )
    shown = scenario.path.resolve()
    print(f"scenario: {shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown}")
    print(
        f"date: {day.isoformat()}  places: {len(scenario.places)}  "
        f"area classes: {len(territory.geometries())}  outline vertices: {vertices}"
    )
    if note:
        print(f"note: {note}")
    rows = [
        ("load scenario (once)", load_time),
        ("build territory model (once per scenario)", model_time),
        ("resolve the date (states + join)", resolve_time),
        ("estimate areas for the date", estimate_time),
        ("measure km² (equal-area, via lon/lat)", km2_time),
        ("make canvas (basemap, once per series)", canvas_time),
        ("first draw of the day, no areas (labels placed)", first_time),
        ("draw the day, no areas", plain_time),
        ("draw the day, with areas (model cached)", areas_time),
        ("save PNG", save_time),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'step'.ljust(width)}  {'ms':>9}")
    for name, seconds in rows:
        print(f"{name.ljust(width)}  {seconds * 1000:9.1f}")
    per_frame = areas_time + save_time
    from_scratch = canvas_time + first_time + save_time
    print(
        f"one estimate is {estimate_time / from_scratch:.2f} of the time to draw the map from "
        f"scratch (canvas, first draw, save: {from_scratch * 1000:.0f} ms)"
    )
    print(
        f"one estimate is {estimate_time / (plain_time + save_time):.2f} of the time to draw and "
        f"save the day without areas ({(plain_time + save_time) * 1000:.0f} ms)"
    )
    print(
        f"areas add {(areas_time - plain_time) * 1000:.1f} ms to a frame of "
        f"{per_frame * 1000:.1f} ms (draw + save); estimate + km² = "
        f"{(estimate_time + km2_time) * 1000:.1f} ms"
    )
    for faction, area in sorted(areas.items(), key=lambda item: -item[1].area_km2):
        print(
            f"  {faction:<12} {area.area_km2:>10,.0f} km²  (held {area.held_km2:,.0f}, "
            f"contested {area.contested_km2:,.0f})"
        )


if __name__ == "__main__":
    main()
