"""How far geomap's territory estimate is from published figures (area, shares, people).

Prints Markdown tables for docs/territory.md: ISIS's area against IHS Conflict Monitor's figures
(mean absolute error over its six release figures), every other published figure of the
scenario's figures file (data/published.yaml) with its error, the coverage and each side's share
of each country on the last day, and the coalition's percentages. Sensitivity: the rule's
parameters can be scaled here without editing the scenario.

    python benchmarks/accuracy_territory.py [--scenario FILE] [--reach-km 40] [--front-ratio 2]
                                            [--lattice-km 15]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The six figures of IHS Conflict Monitor's own releases (docs/territory.md, sources 1-4)
IHS_DATES = (
    date(2015, 1, 1),
    date(2015, 6, 30),
    date(2015, 12, 14),
    date(2016, 7, 4),
    date(2016, 10, 3),
    date(2016, 12, 31),
)
# (as-of date, % of its territory ISIS had lost: overall, Iraq, Syria; who said it)
PUBLISHED_LOSS_PCT = [
    (date(2016, 1, 5), 30, 40, 20, "Col. Steve Warren (coalition), NBC News/Reuters"),
    (date(2017, 11, 15), 95, None, None, "Brett McGurk (coalition), Firstpost/IANS 17 Nov 2017"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--reach-km", type=float, default=None, help="override default_reach_km")
    parser.add_argument("--front-ratio", type=float, default=None)
    parser.add_argument("--lattice-km", type=float, default=None)
    args = parser.parse_args()

    from geomap.scenario.load import load_scenario
    from geomap.territory.areas import estimate_on, territory_model
    from geomap.territory.measure import area_km2

    scenario = load_scenario(args.scenario)
    rules = scenario.territory
    changes = {
        key: value
        for key, value in (
            ("default_reach_km", args.reach_km),
            ("front_ratio", args.front_ratio),
            ("lattice_km", args.lattice_km),
        )
        if value is not None
    }
    if changes:
        scenario = replace(scenario, territory=replace(rules, **changes))
    rules = scenario.territory
    print(
        f"rules: reach {rules.default_reach_km:g} km, front ratio {rules.front_ratio:g}, "
        f"lattice {rules.lattice_km:g} km, besieged core {rules.besieged_core:.2f}"
    )
    started = time.perf_counter()
    model = territory_model(scenario)
    print(f"model: {time.perf_counter() - started:.2f} s (one shared machine; times vary)")

    cache: dict[tuple[date, str | None], dict] = {}

    def ours(day: date, country: str | None = None) -> dict:
        if (day, country) not in cache:
            territory = estimate_on(scenario, model, day)
            cache[(day, country)] = model.areas_km2(territory, country)
        return cache[(day, country)]

    def value(day: date, faction: str, measure: str, country: str | None) -> float:
        area = ours(day, country).get(faction)
        if area is None:
            return 0.0
        return area.population if measure == "population" else area.area_km2

    figures = [
        f
        for f in scenario.figures
        if scenario.timeline.first_day <= f.date <= scenario.timeline.last_day
    ]
    print("\n### ISIS's area against IHS Conflict Monitor\n")
    print("| as of | published km² | source | our estimate km² | error |")
    print("|---|---:|---|---:|---:|")
    errors = []
    for figure in figures:
        if figure.faction != "isis" or figure.measure != "area" or figure.country:
            continue
        if not figure.sources[0].publisher.startswith("IHS"):
            continue
        estimate = value(figure.date, "isis", "area", None)
        error = (estimate - figure.value) / figure.value * 100
        if figure.date in IHS_DATES:
            errors.append(abs(error))
        print(
            f"| {figure.date} | {figure.value:,.0f} | {figure.sources[0].publisher}, "
            f"{figure.sources[0].date} | {estimate:,.0f} | {error:+.0f}% |"
        )
    print(
        f"\nmean absolute error over the six IHS release figures: {sum(errors) / len(errors):.1f}%"
    )

    print("\n### Other published figures\n")
    print("| as of | side | country | measure | published | source | ours | error |")
    print("|---|---|---|---|---:|---|---:|---:|")
    last = scenario.timeline.last_day
    for figure in figures:
        ihs = figure.sources[0].publisher.startswith("IHS")
        if ihs and figure.faction == "isis" and figure.measure == "area" and not figure.country:
            continue
        day = min(figure.date, last)
        mine = value(day, figure.faction, figure.measure, figure.country)
        if figure.faction == "rebels" and figure.country:  # the opposition factions together
            mine = sum(
                value(day, f, figure.measure, figure.country) for f in ("rebels", "hts", "turkey")
            )
        error = (mine - figure.value) / figure.value * 100 if figure.value else float("nan")
        print(
            f"| {figure.date} | {figure.faction} | {figure.country or 'both'} | {figure.measure} "
            f"| {figure.value:,.0f} | {figure.sources[0].publisher} | {mine:,.0f} | {error:+.0f}% |"
        )
    for day in sorted({f.date for f in figures if f.date > last}):
        print(f"(figures dated {day} are compared with our last day, {last})")

    print(f"\n### Coverage and shares on {last}\n")
    print("| country | side | km² | share of the country |")
    print("|---|---|---:|---:|")
    for code in scenario.focus_countries:
        whole = area_km2(model.countries[code], model.projection, model.equal_area)
        areas = ours(last, code)
        for faction, area in sorted(areas.items(), key=lambda item: -item[1].area_km2):
            print(f"| {code} | {faction} | {area.area_km2:,.0f} | {area.area_km2 / whole:.1%} |")
        total = sum(a.area_km2 for a in areas.values())
        print(f"| {code} | **all sides** | {total:,.0f} | **{total / whole:.1%}** |")

    print("\n### ISIS's people\n")
    series = [
        (day, value(day, "isis", "population", None)) for day in scenario.timeline.change_days
    ]
    peak_day, peak = max(series, key=lambda row: row[1])
    print(f"peak: {peak:,.0f} people on {peak_day}")
    for day in (date(2015, 1, 1), date(2015, 6, 30), date(2016, 12, 31), date(2017, 6, 26)):
        print(f"  {day}: {value(day, 'isis', 'population', None):,.0f}")

    print("\n### Coalition statements (loss since the peak), ours from our own peak area\n")
    areas = [(day, value(day, "isis", "area", None)) for day in scenario.timeline.change_days]
    peak_day, peak_area = max(areas, key=lambda row: row[1])
    for day, overall, iraq, syria, source in PUBLISHED_LOSS_PCT:
        change = (value(day, "isis", "area", None) / peak_area - 1) * 100
        parts = []
        for code, said in (("IQ", iraq), ("SY", syria)):
            if said is not None:
                at_peak = value(peak_day, "isis", "area", code)
                now = value(day, "isis", "area", code)
                parts.append(f"{code}: said -{said}%, ours {(now / at_peak - 1) * 100:+.0f}%")
        print(
            f"  {day} ({source}): said -{overall}%, ours {change:+.0f}% (peak {peak_day})"
            + (f"; {'; '.join(parts)}" if parts else "")
        )

    print("\n### Cost of one estimate (first estimate of a day, not a cache hit)\n")
    for day in (date(2015, 6, 30), date(2017, 11, 30)):
        fresh = territory_model(scenario)
        started = time.perf_counter()
        estimate_on(scenario, fresh, day)
        print(f"  {day}: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
