"""Synthetic scenarios for the speed benchmarks: N places, S snapshots, K changes each.

Deterministic for a seed. The scenario reuses the bundled basemap, style and factions (by
absolute path, nothing is copied) and writes its own places, sources and snapshots into a
folder outside the repository:

    python benchmarks/synthetic.py --places 5000 --snapshots 1000 --changes 20 [--out DIR]

prints the path of the scenario file; ``geomap render --scenario PATH --date 2017-11`` draws it.

Places are random points inside the scenario's focus countries (Syria, Iraq), a few per cent
of them exactly duplicated and some snapped onto the countries' borders, as real gazetteers
are. Ranks follow a gazetteer's shape (few cities, many villages; every rank is labellable).
The first snapshot states every place's holder; each later snapshot, one day apart, changes
the holder of K random places, now and then with a status (contested or besieged).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "configs" / "isis-2014-2017.yaml"
FACTIONS = ("isis", "syrian-gov", "iraqi-gov", "sdf", "peshmerga", "rebels", "turkey", "hts")
FIRST_DAY = date(2014, 6, 1)
# (kind, rank, share): a gazetteer's shape, most places are villages
KINDS = (
    ("city", 1, 0.01),
    ("city", 2, 0.03),
    ("town", 2, 0.06),
    ("town", 3, 0.20),
    ("village", 4, 0.62),
    ("border-crossing", 3, 0.02),
    ("dam", 3, 0.02),
    ("airbase", 3, 0.02),
    ("oilfield", 4, 0.02),
)
DUPLICATE_SHARE = 0.03  # places at exactly the same point as another
BORDER_SHARE = 0.02  # places exactly on a country border


def _focus_countries():
    """The outlines of the bundled scenario's focus countries (lon/lat shapely geometries)."""
    from shapely.geometry import shape

    with open(ROOT / "data" / "geo" / "countries.geojson", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {
        f["properties"]["id"]: shape(f["geometry"])
        for f in features
        if f["properties"]["id"] in ("SY", "IQ")
    }


def _points(count: int, rng: random.Random) -> list[tuple[str, float, float]]:
    """``count`` (country, lon, lat) in the focus countries, some duplicated, some on borders."""
    import shapely

    countries = _focus_countries()
    union = shapely.union_all(list(countries.values()))
    west, south, east, north = union.bounds
    points: list[tuple[str, float, float]] = []
    border_count = int(count * BORDER_SHARE)
    duplicate_count = int(count * DUPLICATE_SHARE)
    inner = count - border_count - duplicate_count
    while len(points) < inner:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        for code, outline in countries.items():
            if shapely.contains_xy(outline, lon, lat):
                points.append((code, round(lon, 5), round(lat, 5)))
                break
    codes = sorted(countries)
    for i in range(border_count):  # a vertex of a country's outline: exactly on its border
        code = codes[i % len(codes)]
        ring = shapely.get_coordinates(countries[code].boundary)
        lon, lat = ring[rng.randrange(len(ring))]
        points.append((code, float(lon), float(lat)))
    for _ in range(duplicate_count):
        points.append(points[rng.randrange(inner)])
    rng.shuffle(points)
    return points


def _kinds(count: int, rng: random.Random) -> list[tuple[str, int]]:
    weights = [share for _, _, share in KINDS]
    chosen = rng.choices(range(len(KINDS)), weights, k=count)
    return [(KINDS[i][0], KINDS[i][1]) for i in chosen]


def generate(out: Path, places: int, snapshots: int, changes: int, seed: int = 1) -> Path:
    """Write a scenario folder under ``out``; returns the scenario file's path."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "snapshots").mkdir(exist_ok=True)
    for old in (out / "snapshots").glob("*.yaml"):
        old.unlink()

    ids = [f"p{i:05d}" for i in range(places)]
    features = []
    for place_id, (country, lon, lat), (kind, rank) in zip(
        ids, _points(places, rng), _kinds(places, rng), strict=True
    ):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": place_id,
                    "name": f"{kind.title()} {place_id[1:]}",
                    "kind": kind,
                    "country": country,
                    "rank": rank,
                },
            }
        )
    (out / "places.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, indent=1),
        encoding="utf-8",
    )

    sources = [f"synthetic-report-{i}" for i in range(20)]
    (out / "sources.yaml").write_text(
        "".join(
            f'{s}:\n  publisher: "Synthetic"\n  title: "Generated report {i}"\n'
            f"  date: {FIRST_DAY.isoformat()}\n"
            for i, s in enumerate(sources)
        ),
        encoding="utf-8",
    )

    holders = {place_id: rng.choice(FACTIONS) for place_id in ids}
    for index in range(snapshots):
        day = FIRST_DAY + timedelta(days=index)
        changed = ids if index == 0 else rng.sample(ids, min(changes, places))
        lines = [f"date: {day.isoformat()}", "control:"]
        for place_id in changed:
            if index:
                holders[place_id] = rng.choice(FACTIONS)
            lines.append(f"  {place_id}:")
            lines.append(f"    holder: {holders[place_id]}")
            roll = rng.random()
            if index and roll < 0.08:
                other = rng.choice([f for f in FACTIONS if f != holders[place_id]])
                lines.append(f"    status: {'contested' if roll < 0.05 else 'besieged'}")
                lines.append(f"    by: {other}")
            lines.append(f"    source: {rng.choice(sources)}")
        (out / "snapshots" / f"{day.isoformat()}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )

    text = BUNDLED.read_text(encoding="utf-8")
    for old, replacement in (
        ("places: ../data/places.geojson", "places: places.geojson"),
        ("sources: ../data/sources.yaml", "sources: sources.yaml"),
        ("snapshots: ../data/snapshots", "snapshots: snapshots"),
        ("style: style.yaml", f"style: {BUNDLED.parent / 'style.yaml'}"),
    ):
        if old not in text:
            raise SystemExit(f"the bundled scenario changed: no '{old}' in {BUNDLED}")
        text = text.replace(old, replacement)
    # dated events and published figures are about the real places: not for synthetic ones
    text = re.sub(r"(?m)^(milestones|figures): .*$", "", text)
    text = text.replace("../data/", f"{ROOT / 'data'}/")  # the bundled basemap, where it is
    scenario = out / "scenario.yaml"
    scenario.write_text(text, encoding="utf-8")
    return scenario


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--snapshots", type=int, default=100)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="folder (default: a new tmp dir)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="geomap-synthetic-"))
    print(generate(out, args.places, args.snapshots, args.changes, args.seed))


if __name__ == "__main__":
    sys.exit(main())
