"""How far geomap's estimate of ISIS territory is from published estimates.

Prints a Markdown table (date, published figure, source, our estimate, error) for docs/territory.md,
and the coalition's percentages next to ours. The published figures are typed in below with their
sources; see docs/territory.md for the citations.

    python benchmarks/accuracy_territory.py [--scenario FILE] [--faction isis]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (as-of date, km², who said it) — IHS Conflict Monitor (IHS / IHS Markit) figures
PUBLISHED_KM2 = [
    (date(2015, 1, 1), 90_800, "IHS, 9 Oct 2016 release (January 2015)"),
    (date(2015, 6, 30), 82_940, "IHS Jane's, 28 Jul 2015 (first six months of 2015)"),
    (date(2015, 12, 14), 78_000, "IHS, 21 Dec 2015 release"),
    (date(2016, 7, 4), 68_300, "IHS, 9 Oct 2016 release"),
    (date(2016, 10, 3), 65_500, "IHS Markit, 9 Oct 2016 release"),
    (date(2016, 12, 31), 60_400, "IHS Markit, 18 Jan 2017 release (end of 2016)"),
    (date(2017, 6, 26), 36_200, "IHS Markit via Daily Caller, 29 Jun 2017"),
]
# (as-of date, % of its territory ISIS had lost: overall, Iraq, Syria; who said it)
PUBLISHED_LOSS_PCT = [
    (date(2016, 1, 5), 30, 40, 20, "Col. Steve Warren (coalition), NBC News/Reuters"),
    (date(2017, 11, 15), 95, None, None, "Brett McGurk (coalition), Firstpost/IANS 17 Nov 2017"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--faction", default="isis")
    parser.add_argument(
        "--reach-scale", type=float, default=1.0, help="multiply every reach (sensitivity)"
    )
    args = parser.parse_args()

    import shapely

    from geomap.scenario.load import load_scenario
    from geomap.territory.areas import countries_of, estimate_on, territory_model
    from geomap.territory.model import area_km2

    scenario = load_scenario(args.scenario)
    if args.reach_scale != 1.0:
        from dataclasses import replace

        rules = scenario.territory
        scaled = {k: tuple(v * args.reach_scale for v in vs) for k, vs in rules.reach_km.items()}
        scenario = replace(
            scenario,
            territory=replace(
                rules,
                reach_km=scaled,
                default_reach_km=rules.default_reach_km * args.reach_scale,
            ),
        )
    model = territory_model(scenario)
    countries = countries_of(scenario)

    def ours(day: date) -> tuple[float, float, dict[str, float]]:
        territory = estimate_on(scenario, model, day)
        area = model.areas_km2(territory).get(args.faction)
        held = territory.held.get(args.faction)
        by_country = {}
        for code in scenario.focus_countries:
            if held is not None and code in countries:
                part = shapely.intersection(held, countries[code])
                by_country[code] = area_km2(part, model.projection, model.equal_area)
        if area is None:
            return 0.0, 0.0, by_country
        return area.area_km2, area.held_km2, by_country

    days = [d for d in scenario.timeline.change_days if d >= scenario.timeline.first_day]
    series = [(day, *ours(day)) for day in days]
    peak_day, peak, _, peak_countries = max(series, key=lambda row: row[1])
    print(
        f"our peak: {peak:,.0f} km² on {peak_day.isoformat()} "
        f"({', '.join(f'{c} {v:,.0f}' for c, v in peak_countries.items())})"
    )
    print()
    print("| as of | published km² | source | our estimate km² | error |")
    print("|---|---:|---|---:|---:|")
    errors = []
    for day, published, source in PUBLISHED_KM2:
        if not scenario.timeline.first_day <= day <= scenario.timeline.last_day:
            continue
        estimate = ours(day)[0]
        error = (estimate - published) / published * 100
        errors.append(abs(error))
        print(f"| {day.isoformat()} | {published:,} | {source} | {estimate:,.0f} | {error:+.0f}% |")
    print()
    print(f"mean absolute error: {sum(errors) / len(errors):.0f}%")
    first_published = PUBLISHED_KM2[0]
    first_ours = ours(first_published[0])[0]
    print("\nlosses since January 2015, published vs ours:")
    for day, published, _ in PUBLISHED_KM2[1:]:
        theirs = (published / first_published[1] - 1) * 100
        mine = (ours(day)[0] / first_ours - 1) * 100 if first_ours else float("nan")
        print(f"  {day.isoformat()}: published {theirs:+.0f}%, ours {mine:+.0f}%")
    print("\ncoalition statements (loss since the peak), ours from our own peak:")
    for day, overall, iraq, syria, source in PUBLISHED_LOSS_PCT:
        estimate, _, countries_now = ours(day)
        change = (estimate / peak - 1) * 100
        parts = []
        for code, said in (("IQ", iraq), ("SY", syria)):
            if said is not None and peak_countries.get(code):
                mine = (countries_now.get(code, 0.0) / peak_countries[code] - 1) * 100
                parts.append(f"{code}: said -{said}%, ours {mine:+.0f}%")
        print(
            f"  {day.isoformat()} ({source}): said -{overall}%, ours {change:+.0f}%"
            + (f"; {'; '.join(parts)}" if parts else "")
        )


if __name__ == "__main__":
    main()
